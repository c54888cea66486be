using System.Threading.Tasks;
using Verify = LmProb.Analyzers.Tests.Infrastructure.AnalyzerVerifier<LmProb.Analyzers.Rules.EpsilonInLogAnalyzer>;
using VerifyFix = LmProb.Analyzers.Tests.Infrastructure.CodeFixVerifier<LmProb.Analyzers.Rules.EpsilonInLogAnalyzer, LmProb.CodeFixes.Rules.EpsilonInLogFixer>;

namespace LmProb.Analyzers.Tests.Rules;

public class EpsilonInLogTests
{
    // ---- fires

    [Fact]
    public Task EpsilonAddedToALibrarySoftmaxProbability() => Verify.VerifyAsync("""
        using System;
        using LmProb;

        class C
        {
            const float Eps = 1e-7f;

            static float Nll(float[] logits, int target)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                var guarded = p[target] + Eps;
                return -{|LMP006:MathF.Log(guarded)|} - {|LMP006:MathF.Log(p[0] + 1e-9f)|} - {|LMP006:MathF.Log(MathF.Max(p[1] + Eps, Eps))|};
            }
        }
        """);

    [Fact]
    public Task CrossEntropyLoopOverAHandWrittenSoftmaxWithEpsilon() => Verify.VerifyAsync("""
        using System;
        using System.Linq;

        class C
        {
            static double SoftTargetLoss(double[] logits, double[] y)
            {
                double max = logits.Max();
                var e = logits.Select(v => Math.Exp(v - max)).ToArray();
                double sum = e.Sum();
                double loss = 0;
                for (int i = 0; i < e.Length; i++)
                {
                    double p = e[i] / sum;
                    loss -= y[i] * {|LMP006:Math.Log(p + 1e-12)|};
                }

                return loss;
            }
        }
        """);

    [Fact]
    public Task LinqOverSoftmaxProbabilities() => Verify.VerifyAsync("""
        using System;
        using System.Linq;
        using LmProb;

        class C
        {
            static float Entropy(float[] logits)
            {
                var probs = new float[logits.Length];
                Probability.Softmax(logits, probs);
                var logp = probs.Select(p => {|LMP006:MathF.Log(p + 1e-9f)|}).ToArray();
                return -probs.Sum(p => p * {|LMP006:MathF.Log(MathF.Max(p, 1e-12f))|}) + logp[0];
            }
        }
        """);

    [Fact]
    public Task ClampedFromBelowWithMaxAndClamp() => Verify.VerifyAsync("""
        using System;
        using LmProb;

        class C
        {
            static float Entropy(float[] logits)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                float h = 0;
                for (int i = 0; i < p.Length; i++)
                {
                    h -= p[i] * {|LMP006:MathF.Log(MathF.Max(p[i], 1e-12f))|};
                }

                return h + {|LMP006:MathF.Log(Math.Clamp(p[0], float.Epsilon, 1f))|};
            }
        }
        """);

    [Fact]
    public Task TensorPrimitivesAddThenLog() => Verify.VerifyAsync("""
        using System;
        using System.Numerics.Tensors;

        class C
        {
            static void LogProbabilities(ReadOnlySpan<float> logits, Span<float> p, Span<float> logp)
            {
                TensorPrimitives.SoftMax(logits, p);
                TensorPrimitives.Add(p, 1e-10f, p);
                {|LMP006:TensorPrimitives.Log(p, logp)|};
            }
        }
        """);

    [Fact]
    public Task TorchSharpEpsilonAndClampBeforeLog() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits) => {|LMP006:(torch.nn.functional.softmax(logits, -1) + 1e-9).log()|};

            static Tensor B(Tensor logits)
            {
                var p = logits.softmax(-1);
                return {|LMP006:torch.log(p.clamp_min(1e-9))|} + {|LMP006:p.clamp(min: 1e-8).log()|};
            }
        }
        """);

    // ---- stays quiet

    [Fact]
    public Task EpsilonOnValuesThatAreNotASoftmax() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;

        class C
        {
            static double LogVariance(float[] x)
            {
                double mean = x.Average();
                double variance = x.Select(v => (v - mean) * (v - mean)).Average();
                return Math.Log(variance + 1e-5) + Math.Log(Math.Sqrt(variance) + 1e-8);
            }

            // Probabilities from elsewhere: the rule does not know they are a softmax.
            static float Nll(float[] probabilities, int target) => -MathF.Log(probabilities[target] + 1e-9f);
        }
        """);

    [Fact]
    public Task LogSoftmaxNeedsNoEpsilon() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using LmProb;

        class C
        {
            static float Nll(float[] logits, int target)
            {
                var logp = new float[logits.Length];
                Probability.LogSoftmax(logits, logp);
                return -logp[target] + (logits[0] - Probability.LogSumExp(logits));
            }
        }
        """);

    [Fact]
    public Task SoftmaxClampedButNotLoggedOrShiftedByOne() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using LmProb;

        class C
        {
            static float M(float[] logits)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                float inverse = 1f / MathF.Max(p[0], 1e-12f);   // not a log
                float log1p = MathF.Log(p[1] + 1f);             // 1 is not an epsilon
                float steps = 3;
                return inverse + log1p + MathF.Log(p[2] + steps);
            }
        }
        """);

    [Fact]
    public Task TorchSharpEpsilonOnANorm() => Verify.VerifyNoDiagnosticAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor x) => (x.abs().sum(-1) + 1e-6).log();
            static Tensor B(Tensor x) => x.clamp_min(1e-6).log();
            static Tensor D(Tensor logits) => logits.log_softmax(-1);
        }
        """);

    // ---- fix

    [Fact]
    public Task FixScalarToLogSumExpInFloatAndDouble() => VerifyFix.VerifyFixAsync("""
        using System;
        using LmProb;

        class C
        {
            static float Nll(float[] logits, int target)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                return -{|LMP006:MathF.Log(p[target] + 1e-9f)|};
            }

            static double LogP(float[] logits, int k)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                double logp = {|LMP006:Math.Log(MathF.Max(p[k], 1e-12f))|};
                return logp;
            }
        }
        """, """
        using System;
        using LmProb;

        class C
        {
            static float Nll(float[] logits, int target)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                return -(logits[target] - Probability.LogSumExp(logits));
            }

            static double LogP(float[] logits, int k)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                double logp = (double)logits[k] - Probability.LogSumExp(logits);
                return logp;
            }
        }
        """);

    [Fact]
    public Task FixTensorPrimitivesToLogSoftmaxAddingTheUsing() => VerifyFix.VerifyFixAsync("""
        using System;
        using System.Numerics.Tensors;

        class C
        {
            static void LogProbabilities(ReadOnlySpan<float> logits, Span<float> p, Span<float> q, Span<float> logp)
            {
                TensorPrimitives.SoftMax(logits, p);
                TensorPrimitives.Max(p, 1e-12f, q);
                {|LMP006:TensorPrimitives.Log(q, logp)|};
            }
        }
        """, """
        using System;
        using System.Numerics.Tensors;
        using LmProb;

        class C
        {
            static void LogProbabilities(ReadOnlySpan<float> logits, Span<float> p, Span<float> q, Span<float> logp)
            {
                TensorPrimitives.SoftMax(logits, p);
                TensorPrimitives.Max(p, 1e-12f, q);
                Probability.LogSoftmax(logits, logp);
            }
        }
        """);

    [Fact]
    public Task FixTorchSharpToLogSoftmaxInlineAndThroughALocal() => VerifyFix.VerifyFixAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits) => {|LMP006:(torch.nn.functional.softmax(logits, -1) + 1e-9).log()|};

            static Tensor B(Tensor logits, Tensor targets)
            {
                var p = logits.softmax(-1);
                var lp = {|LMP006:p.clamp_min(1e-9).log()|};
                return -(lp * targets).sum(-1);
            }
        }
        """, """
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits) => torch.nn.functional.log_softmax(logits, -1);

            static Tensor B(Tensor logits, Tensor targets)
            {
                var p = logits.softmax(-1);
                var lp = logits.log_softmax(-1);
                return -(lp * targets).sum(-1);
            }
        }
        """);

    [Fact]
    public Task NoFixInLoopsThroughLocalsWhenLogitsChangeOrWithoutALogSoftmaxOverload() => VerifyFix.VerifyNoFixAsync("""
        using System;
        using LmProb;
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static float Loop(float[] logits, float[] y)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                float loss = 0;
                for (int i = 0; i < p.Length; i++) loss -= y[i] * {|LMP006:MathF.Log(p[i] + 1e-9f)|};
                return loss;
            }

            static float ThroughALocal(float[] logits, int k)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                var q = p[k] + 1e-9f;
                return {|LMP006:MathF.Log(q)|};
            }

            static float Changed(float[] logits, int k)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                logits[k] += 1;
                return {|LMP006:MathF.Log(p[k] + 1e-9f)|};
            }

            static Tensor TorchStatic(Tensor logits) => {|LMP006:(torch.softmax(logits, 1) + 1e-9).log()|};

            static Tensor TorchChanged(Tensor logits)
            {
                var p = logits.softmax(-1);
                logits = logits * 2;
                return {|LMP006:(p + 1e-9).log()|};
            }
        }
        """);
}
