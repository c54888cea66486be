using System.Threading.Tasks;
using Verify = LmProb.Analyzers.Tests.Infrastructure.AnalyzerVerifier<LmProb.Analyzers.Rules.PerplexityFromTotalAnalyzer>;
using VerifyFix = LmProb.Analyzers.Tests.Infrastructure.CodeFixVerifier<LmProb.Analyzers.Rules.PerplexityFromTotalAnalyzer, LmProb.CodeFixes.Rules.PerplexityFromTotalFixer>;

namespace LmProb.Analyzers.Tests.Rules;

public class PerplexityFromTotalTests
{
    // ---- fires

    [Fact]
    public Task ExpOfTheSumOfPerTokenLosses() => Verify.VerifyAsync("""
        using System;
        using System.Linq;
        using System.Numerics.Tensors;
        using LmProb;

        class C
        {
            static double A(float[] losses) => {|LMP008:Math.Exp(losses.Sum())|};

            static double B(float[] tokenLosses) => {|LMP008:Math.Exp(tokenLosses.Sum(l => (double)l))|};

            static float D(float[] nll) => {|LMP008:MathF.Exp(TensorPrimitives.Sum(nll))|};

            static double E(float[] logits, int[] targets, int V) =>
                {|LMP008:Math.Exp(Enumerable.Range(0, targets.Length).Select(t => Loss.CrossEntropy(logits.AsSpan(t * V, V), targets[t])).Sum())|};
        }
        """);

    [Fact]
    public Task ExpOfALossAccumulatedInALoop() => Verify.VerifyAsync("""
        using System;
        using LmProb;

        class C
        {
            static double Perplexity(float[] logits, int[] targets, int V)
            {
                double total = 0;
                for (int t = 0; t < targets.Length; t++)
                {
                    total += Loss.CrossEntropy(logits.AsSpan(t * V, V), targets[t]);
                }

                return {|LMP008:Math.Exp(total)|};
            }

            // Two accumulations, one of them says nothing: the other one decides.
            static double TwoLoops(float[] losses, double[] extra)
            {
                double total = 0;
                foreach (var l in losses) total += l;
                foreach (var e in extra) total += e;
                return {|LMP008:Math.Exp(total)|};
            }

            static double Bits(float[] perToken)
            {
                double nll = 0;
                foreach (var l in perToken) nll = nll + l;
                return {|LMP008:Metrics.BitsPerToken(nll)|};
            }
        }
        """);

    [Fact]
    public Task CrossEntropyResultSumGivenToPerplexity() => Verify.VerifyAsync("""
        using System;
        using LmProb;

        class C
        {
            static double M(float[] logits, int[] targets, int V)
            {
                var result = Loss.CrossEntropy(logits, V, targets);
                return {|LMP008:Metrics.Perplexity(result.Sum)|} + {|LMP008:Math.Exp(result.Sum)|};
            }

            static double SlidingWindow(PerplexityResult r) => {|LMP008:Math.Exp(r.TotalNll)|} + r.Perplexity;
        }
        """);

    [Fact]
    public Task MinusTheSumOfLogProbabilities() => Verify.VerifyAsync("""
        using System;
        using System.Linq;

        class C
        {
            static double A(double[] logProbs) => {|LMP008:Math.Exp(-logProbs.Sum())|};

            static double B(float[] tokenLogProbabilities)
            {
                double nll = 0;
                foreach (var lp in tokenLogProbabilities) nll -= lp;
                return {|LMP008:Math.Exp(nll)|};
            }

            // Nothing says what the values are, but the result is called a perplexity.
            static double D(double[] values)
            {
                double s = 0;
                foreach (var v in values) s += v;
                var ppl = {|LMP008:Math.Exp(s)|};
                return ppl;
            }
        }
        """);

    [Fact]
    public Task TorchSharpSumThenExp() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits, Tensor targets)
            {
                var loss = nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None);
                return {|LMP008:loss.sum().exp()|};
            }

            static Tensor B(Tensor logits, Tensor targets) =>
                {|LMP008:torch.exp(nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.Sum))|};
        }
        """);

    // ---- stays quiet

    [Fact]
    public Task ExpOfAMean() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;
        using LmProb;

        class C
        {
            static double A(float[] losses) => Math.Exp(losses.Average());

            static double B(float[] logits, int[] targets, int V)
            {
                var result = Loss.CrossEntropy(logits, V, targets);
                return Math.Exp(result.Mean) + Metrics.Perplexity(result.Mean) + Math.Exp(result.Sum / result.Count);
            }

            static double D(float[] losses)
            {
                double total = 0;
                foreach (var l in losses) total += l;
                total /= losses.Length;
                return Math.Exp(total);
            }
        }
        """);

    [Fact]
    public Task ExpOfASumOfLogProbabilitiesIsAProbability() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;

        class C
        {
            static double SequenceProbability(double[] logProbs) => Math.Exp(logProbs.Sum());

            static double Likelihood(float[] losses) => Math.Exp(-losses.Sum());
        }
        """);

    [Fact]
    public Task SumsThatAreNotNamedOrNotLossesAndBitsPerByte() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;
        using LmProb;

        class C
        {
            static double Partition(double[] energies)
            {
                var z = Math.Exp(energies.Sum());
                return z;
            }

            static double Bpb(float[] losses, long bytes) => Metrics.BitsPerByte(losses.Sum(), bytes);
        }
        """);

    [Fact]
    public Task TorchSharpMeanThenExp() => Verify.VerifyNoDiagnosticAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits, Tensor targets) => nn.functional.cross_entropy(logits, targets).exp();

            static Tensor B(Tensor logits, Tensor targets) =>
                nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None).mean().exp();
        }
        """);

    // ---- fix

    [Fact]
    public Task FixResultSumToMeanAndSumToAverage() => VerifyFix.VerifyFixAsync("""
        using System;
        using System.Linq;
        using LmProb;

        class C
        {
            static double M(float[] logits, int[] targets, int V)
            {
                var result = Loss.CrossEntropy(logits, V, targets);
                return {|LMP008:Metrics.Perplexity(result.Sum)|} + {|LMP008:Math.Exp(result.Sum)|};
            }

            static double A(float[] losses) => {|LMP008:Math.Exp(losses.Sum())|};

            static double B(double[] logProbs) => {|LMP008:Math.Exp(-logProbs.Sum())|};
        }
        """, """
        using System;
        using System.Linq;
        using LmProb;

        class C
        {
            static double M(float[] logits, int[] targets, int V)
            {
                var result = Loss.CrossEntropy(logits, V, targets);
                return Metrics.Perplexity(result.Mean) + Math.Exp(result.Mean);
            }

            static double A(float[] losses) => Math.Exp(losses.Average());

            static double B(double[] logProbs) => Math.Exp(-logProbs.Average());
        }
        """);

    [Fact]
    public Task FixLoopTotalsDivideByTheLoopCount() => VerifyFix.VerifyFixAsync("""
        using System;
        using System.Collections.Generic;
        using LmProb;

        class C
        {
            static double For(float[] logits, int[] targets, int V, int T)
            {
                double total = 0;
                for (int t = 0; t < T; t++)
                {
                    total += Loss.CrossEntropy(logits.AsSpan(t * V, V), targets[t]);
                }

                return {|LMP008:Math.Exp(total)|};
            }

            static double Array(float[] losses)
            {
                double total = 0;
                foreach (var l in losses) total += l;
                return {|LMP008:Metrics.Perplexity(total)|};
            }

            static double List(List<double> tokenLogProbs)
            {
                double nll = 0;
                foreach (var lp in tokenLogProbs) nll -= lp;
                return {|LMP008:Math.Exp(nll)|};
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using LmProb;

        class C
        {
            static double For(float[] logits, int[] targets, int V, int T)
            {
                double total = 0;
                for (int t = 0; t < T; t++)
                {
                    total += Loss.CrossEntropy(logits.AsSpan(t * V, V), targets[t]);
                }

                return Math.Exp(total / T);
            }

            static double Array(float[] losses)
            {
                double total = 0;
                foreach (var l in losses) total += l;
                return Metrics.Perplexity(total / losses.Length);
            }

            static double List(List<double> tokenLogProbs)
            {
                double nll = 0;
                foreach (var lp in tokenLogProbs) nll -= lp;
                return Math.Exp(nll / tokenLogProbs.Count);
            }
        }
        """);

    [Fact]
    public Task FixTorchSharpSumToMean() => VerifyFix.VerifyFixAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits, Tensor targets)
            {
                var loss = nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None);
                return {|LMP008:loss.sum().exp()|};
            }
        }
        """, """
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits, Tensor targets)
            {
                var loss = nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None);
                return loss.mean().exp();
            }
        }
        """);

    [Fact]
    public Task NoFixForMaskedNestedOrNegatedTotals() => VerifyFix.VerifyNoFixAsync("""
        using System;
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            // Dividing by the loop count would count the masked tokens (LMP003's bug).
            static double Masked(float[] losses, bool[] mask)
            {
                double total = 0;
                for (int i = 0; i < losses.Length; i++)
                {
                    if (mask[i]) total += losses[i];
                }

                return {|LMP008:Math.Exp(total)|};
            }

            static double Nested(float[][] batchLosses)
            {
                double totalLoss = 0;
                foreach (var row in batchLosses)
                {
                    foreach (var l in row) totalLoss += l;
                }

                return {|LMP008:Math.Exp(totalLoss)|};
            }

            static Tensor PerRow(Tensor logits, Tensor targets)
            {
                var loss = nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None);
                return {|LMP008:loss.sum(-1).exp()|};
            }
        }
        """);
}
