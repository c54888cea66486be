using System.Threading.Tasks;
using LmProb.Analyzers.Rules;
using LmProb.Analyzers.Tests.Infrastructure;
using Verify = LmProb.Analyzers.Tests.Infrastructure.AnalyzerVerifier<LmProb.Analyzers.Rules.RawSequenceScoreAnalyzer>;
using VerifyFix = LmProb.Analyzers.Tests.Infrastructure.CodeFixVerifier<LmProb.Analyzers.Rules.RawSequenceScoreAnalyzer, LmProb.CodeFixes.Rules.RawSequenceScoreFixer>;

namespace LmProb.Analyzers.Tests.Rules;

public class RawSequenceScoreTests
{
    private static Task VerifyWithDecodingAsync(string source)
    {
        var test = new AnalyzerVerifier<RawSequenceScoreAnalyzer>.Test { TestCode = source };
        return test.RunAsync();
    }

    // ---- fires

    [Fact]
    public Task CandidatesOrderedByTheSumOfTheirLogProbabilities() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Linq;

        record Candidate(string Text, float[] LogProbs);
        record Answer(string Text, List<double> TokenLogProbabilities);

        class C
        {
            static Candidate Best(IEnumerable<Candidate> candidates) =>
                candidates.OrderByDescending(c => {|LMP012:c.LogProbs.Sum()|}).First();

            static Answer Pick(Answer[] answers) => answers.MaxBy(a => {|LMP012:a.TokenLogProbabilities.Sum()|})!;

            static List<Candidate> Rank(List<Candidate> candidates) => candidates.OrderBy(c => {|LMP012:-c.LogProbs.Sum()|}).ToList();

            static string Choose(string[] choices, System.Func<string, float[]> logProbsOf) =>
                choices.MaxBy(c => {|LMP012:logProbsOf(c).Sum()|})!;
        }
        """);

    [Fact]
    public Task TwoSequencesComparedBySum() => Verify.VerifyAsync("""
        using System;
        using System.Linq;
        using System.Numerics.Tensors;
        using LmProb;

        class C
        {
            static bool FirstIsBetter(float[] firstLogProbs, float[] secondLogProbs) => {|LMP012:firstLogProbs.Sum() > secondLogProbs.Sum()|};

            static bool Spans(ReadOnlySpan<float> a_logp, ReadOnlySpan<float> b_logp) =>
                {|LMP012:TensorPrimitives.Sum(a_logp) >= TensorPrimitives.Sum(b_logp)|};

            static bool ChainRule(float[] tokenProbabilitiesA, float[] tokenProbabilitiesB) =>
                {|LMP012:Probability.SequenceLogProbability(tokenProbabilitiesA) < Probability.SequenceLogProbability(tokenProbabilitiesB)|};
        }
        """);

    [Fact]
    public Task ArgmaxLoopOverAccumulatedLogs() => Verify.VerifyAsync("""
        using System;
        using System.Collections.Generic;

        class C
        {
            static int Best(List<double[]> hypothesisTokenProbabilities)
            {
                double best = double.NegativeInfinity;
                int bestIndex = -1;
                for (int i = 0; i < hypothesisTokenProbabilities.Count; i++)
                {
                    double score = 0;
                    foreach (var p in hypothesisTokenProbabilities[i]) score += Math.Log(p);
                    if ({|LMP012:score > best|})
                    {
                        best = score;
                        bestIndex = i;
                    }
                }

                return bestIndex;
            }

            static int Shortest(List<Token[]> hypotheses)
            {
                double bestNll = double.PositiveInfinity;
                int bestIndex = -1;
                for (int i = 0; i < hypotheses.Count; i++)
                {
                    double nll = 0;
                    foreach (var token in hypotheses[i]) nll -= Math.Log(token.Probability);
                    if ({|LMP012:nll < bestNll|})
                    {
                        bestNll = nll;
                        bestIndex = i;
                    }
                }

                return bestIndex;
            }
        }

        record Token(int Id, double Probability);
        """);

    [Fact]
    public Task MaximumOfAnArrayOfRawSums() => Verify.VerifyAsync("""
        using System;
        using System.Linq;
        using System.Numerics.Tensors;

        record Candidate(string Text, float[] LogProbs);

        class C
        {
            static int Best(Candidate[] candidates)
            {
                var sums = candidates.Select(c => c.LogProbs.Sum()).ToArray();
                return Array.IndexOf(sums, {|LMP012:sums.Max()|});
            }

            static int Best2(float[][] nll)
            {
                var totals = new float[nll.Length];
                for (int i = 0; i < nll.Length; i++) totals[i] = nll[i].Sum();
                return {|LMP012:TensorPrimitives.IndexOfMin(totals)|};
            }
        }
        """);

    [Fact]
    public Task BeamHypothesesReorderedByRawLogProbability() => VerifyWithDecodingAsync("""
        using System.Collections.Generic;
        using System.Linq;
        using LmProb;

        class C
        {
            static Hypothesis Best(IReadOnlyList<Hypothesis> hypotheses) =>
                hypotheses.OrderByDescending(h => {|LMP012:h.LogProbability|}).First();
        }
        """);

    [Fact]
    public Task TorchSharpMaskedSumsThenArgmax() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor Best(Tensor tokenLogProbs, Tensor mask) => {|LMP012:(tokenLogProbs * mask).sum(-1).argmax()|};
        }
        """);

    // ---- stays quiet

    [Fact]
    public Task LengthNormalizedScores() => Verify.VerifyNoDiagnosticAsync("""
        using System.Collections.Generic;
        using System.Linq;
        using LmProb;

        record Candidate(string Text, float[] LogProbs);

        class C
        {
            static Candidate A(IEnumerable<Candidate> candidates) => candidates.OrderByDescending(c => c.LogProbs.Sum() / c.LogProbs.Length).First();
            static Candidate B(IEnumerable<Candidate> candidates) => candidates.OrderByDescending(c => c.LogProbs.Average()).First();
            static Candidate D(IEnumerable<Candidate> candidates) => candidates.MaxBy(c => Metrics.SequenceScore(c.LogProbs, LengthNormalization.Gnmt))!;
            static Candidate E(IEnumerable<Candidate> candidates) => candidates.MaxBy(c => Metrics.SequenceScore(c.LogProbs, LengthNormalization.None))!;
            static bool F(float[] aLogProbs, float[] bLogProbs) => aLogProbs.Sum() / aLogProbs.Length > bLogProbs.Sum() / bLogProbs.Length;
        }
        """);

    [Fact]
    public Task ProvablyEqualLengths() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;
        using System.Numerics.Tensors;

        class C
        {
            static bool A(float[] aLogProbs, float[] bLogProbs)
            {
                if (aLogProbs.Length != bLogProbs.Length) throw new ArgumentException("lengths differ");
                return aLogProbs.Sum() > bLogProbs.Sum();
            }

            static int B(float[] logProbs, int candidates, int length)
            {
                float best = float.NegativeInfinity;
                int bestIndex = 0;
                for (int i = 0; i < candidates; i++)
                {
                    float s = TensorPrimitives.Sum<float>(logProbs.AsSpan(i * length, length));
                    if (s > best) { best = s; bestIndex = i; }
                }

                return bestIndex;
            }

            static int D(float[,] logProbs, int candidates, int length)
            {
                float best = float.NegativeInfinity;
                int bestIndex = 0;
                for (int i = 0; i < candidates; i++)
                {
                    float s = 0;
                    for (int t = 0; t < length; t++) s += logProbs[i, t];
                    if (s > best) { best = s; bestIndex = i; }
                }

                return bestIndex;
            }
        }
        """);

    [Fact]
    public Task ThresholdsAndSumsThatAreNotLogProbabilities() => Verify.VerifyNoDiagnosticAsync("""
        using System.Collections.Generic;
        using System.Linq;

        record Candidate(string Text, float[] Rewards, float[] LogProbs);

        class C
        {
            static bool Confident(float[] logProbs) => logProbs.Sum() > -10f;
            static Candidate A(IEnumerable<Candidate> candidates) => candidates.OrderByDescending(c => c.Rewards.Sum()).First();
            static bool B(int[] a, int[] b) => a.Sum() > b.Sum();
            static float D(IEnumerable<Candidate> candidates) => candidates.Sum(c => c.LogProbs.Length);

            // Early stopping: the same validation set every epoch, summed batch by batch.
            static bool Improved(float[] batchNlls, ref double bestNll)
            {
                double totalNll = 0;
                foreach (var batch in batchNlls.Chunk(8))
                {
                    double batchNll = batch.Sum();
                    totalNll += batchNll;
                }

                if (totalNll < bestNll)
                {
                    bestNll = totalNll;
                    return true;
                }

                return false;
            }
        }
        """);

    [Fact]
    public Task BeamScoreAndUnmaskedTorchRows() => VerifyWithDecodingAsync("""
        using System.Collections.Generic;
        using System.Linq;
        using LmProb;
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Hypothesis Best(IReadOnlyList<Hypothesis> hypotheses) => hypotheses.OrderByDescending(h => h.Score).First();
            static Tensor Rows(Tensor tokenLogProbs) => tokenLogProbs.sum(-1).argmax();
            static Tensor Normalized(Tensor tokenLogProbs, Tensor mask) => ((tokenLogProbs * mask).sum(-1) / mask.sum(-1)).argmax();
        }
        """);

    // ---- fix

    [Fact]
    public Task FixOrderingKeyToMeanSequenceScoreAndAddsTheUsing() => VerifyFix.VerifyFixAsync("""
        using System.Collections.Generic;
        using System.Linq;

        record Candidate(string Text, float[] LogProbs);

        class C
        {
            static Candidate Best(IEnumerable<Candidate> candidates) =>
                candidates.OrderByDescending(c => {|LMP012:c.LogProbs.Sum()|}).First();

            static Candidate Worst(IEnumerable<Candidate> candidates) =>
                candidates.MinBy(c => {|LMP012:-c.LogProbs.Sum()|})!;
        }
        """, """
        using System.Collections.Generic;
        using System.Linq;
        using LmProb;

        record Candidate(string Text, float[] LogProbs);

        class C
        {
            static Candidate Best(IEnumerable<Candidate> candidates) =>
                candidates.OrderByDescending(c => Metrics.SequenceScore(c.LogProbs, LengthNormalization.Mean)).First();

            static Candidate Worst(IEnumerable<Candidate> candidates) =>
                candidates.MinBy(c => -Metrics.SequenceScore(c.LogProbs, LengthNormalization.Mean))!;
        }
        """);

    [Fact]
    public Task FixRewritesBothSidesOfAComparison() => VerifyFix.VerifyFixAsync("""
        using System;
        using System.Linq;
        using System.Numerics.Tensors;
        using LmProb;

        class C
        {
            static bool A(float[] firstLogProbs, float[] secondLogProbs) => {|LMP012:firstLogProbs.Sum() > secondLogProbs.Sum()|};

            static bool B(ReadOnlySpan<float> aLogp, ReadOnlySpan<float> bLogp) => {|LMP012:TensorPrimitives.Sum(aLogp) < TensorPrimitives.Sum(bLogp)|};
        }
        """, """
        using System;
        using System.Linq;
        using System.Numerics.Tensors;
        using LmProb;

        class C
        {
            static bool A(float[] firstLogProbs, float[] secondLogProbs) => Metrics.SequenceScore(firstLogProbs, LengthNormalization.Mean) > Metrics.SequenceScore(secondLogProbs, LengthNormalization.Mean);

            static bool B(ReadOnlySpan<float> aLogp, ReadOnlySpan<float> bLogp) => Metrics.SequenceScore(aLogp, LengthNormalization.Mean) < Metrics.SequenceScore(bLogp, LengthNormalization.Mean);
        }
        """);

    [Fact]
    public Task NoFixForLoopsMaximaListsOrMaxSelectors() => VerifyFix.VerifyNoFixAsync("""
        using System;
        using System.Collections.Generic;
        using System.Linq;

        record Candidate(string Text, float[] LogProbs, List<float> TokenLogProbs);

        class C
        {
            static int Loop(List<double[]> logProbs)
            {
                double best = double.NegativeInfinity;
                int bestIndex = -1;
                for (int i = 0; i < logProbs.Count; i++)
                {
                    double score = 0;
                    foreach (var lp in logProbs[i]) score += lp;
                    if ({|LMP012:score > best|}) { best = score; bestIndex = i; }
                }

                return bestIndex;
            }

            static float Max(Candidate[] candidates) => candidates.Max(c => {|LMP012:c.LogProbs.Sum()|});

            static Candidate List(Candidate[] candidates) => candidates.MaxBy(c => {|LMP012:c.TokenLogProbs.Sum()|})!;

            static Candidate Typed(Candidate[] candidates) => candidates.OrderByDescending<Candidate, float>(c => {|LMP012:c.LogProbs.Sum()|}).First();
        }
        """);
}
