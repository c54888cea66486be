using System.Threading.Tasks;
using LmProb.Analyzers.Rules;
using LmProb.Analyzers.Tests.Infrastructure;
using Verify = LmProb.Analyzers.Tests.Infrastructure.AnalyzerVerifier<LmProb.Analyzers.Rules.UnnormalizedFilterAnalyzer>;
using VerifyFix = LmProb.Analyzers.Tests.Infrastructure.CodeFixVerifier<LmProb.Analyzers.Rules.UnnormalizedFilterAnalyzer, LmProb.CodeFixes.Rules.UnnormalizedFilterFixer>;

namespace LmProb.Analyzers.Tests.Rules;

public class UnnormalizedFilterTests
{
    private static Task VerifyWithDecodingAsync(string source)
    {
        var test = new AnalyzerVerifier<UnnormalizedFilterAnalyzer>.Test { TestCode = source };
        return test.RunAsync();
    }

    // ---- fires: filtered probabilities used without renormalizing

    [Fact]
    public Task TopKZeroedThenSampledWithAnUnscaledDraw() => Verify.VerifyAsync("""
        using System;
        using System.Linq;

        class C
        {
            static int SampleTopK(float[] probs, int k, Random rng)
            {
                var order = Enumerable.Range(0, probs.Length).OrderByDescending(i => probs[i]).ToArray();
                for (int r = k; r < order.Length; r++) probs[order[r]] = 0;

                double u = rng.NextDouble();
                double cum = 0;
                for (int i = 0; i < probs.Length; i++)
                {
                    {|LMP011:cum += probs[i]|};
                    if (u < cum) return i;
                }

                return probs.Length - 1;
            }

            static int ForEachDraw(float[] weights, bool[] banned, Random rng)
            {
                for (int i = 0; i < weights.Length; i++) if (banned[i]) weights[i] = 0;
                double u = rng.NextDouble(), cum = 0;
                int index = 0;
                foreach (var w in weights)
                {
                    {|LMP011:cum += w|};
                    if (u < cum) return index;
                    index++;
                }

                return index - 1;
            }
        }
        """);

    [Fact]
    public Task ThresholdFilterThenSubtractiveDraw() => Verify.VerifyAsync("""
        using System;
        using LmProb;

        class C
        {
            static int Sample(float[] logits, float minP)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                float max = System.Linq.Enumerable.Max(p);
                for (int i = 0; i < p.Length; i++) p[i] = p[i] >= minP * max ? p[i] : 0f;

                float r = Random.Shared.NextSingle();
                for (int i = 0; i < p.Length; i++)
                {
                    {|LMP011:r -= p[i]|};
                    if (r <= 0) return i;
                }

                return p.Length - 1;
            }
        }
        """);

    [Fact]
    public Task DecodingTopKValuesSampledAsProbabilities() => VerifyWithDecodingAsync("""
        using System;
        using LmProb;

        class C
        {
            static int Sample(float[] probabilities, int k, Random rng)
            {
                var indices = new int[k];
                var topValues = new float[k];
                Decoding.TopK(probabilities, indices, topValues);

                double u = rng.NextDouble(), cum = 0;
                for (int j = 0; j < k; j++)
                {
                    {|LMP011:cum += topValues[j]|};
                    if (u < cum) return indices[j];
                }

                return indices[k - 1];
            }
        }
        """);

    [Fact]
    public Task EntropyOfZeroedProbabilities() => Verify.VerifyAsync("""
        using System;
        using LmProb;

        class C
        {
            static float FilteredEntropy(float[] logits, bool[] banned)
            {
                var probs = new float[logits.Length];
                Probability.Softmax(logits, probs);
                for (int i = 0; i < probs.Length; i++)
                {
                    if (banned[i]) probs[i] = 0f;
                }

                return Probability.Entropy({|LMP011:probs|});
            }
        }
        """);

    // ---- fires: a nucleus that can be empty

    [Fact]
    public Task TopPCheckedBeforeAddingTheToken() => Verify.VerifyAsync("""
        using System;
        using System.Collections.Generic;
        using System.Linq;

        class C
        {
            static int NucleusSize(float[] probs, float topP)
            {
                var sorted = probs.OrderByDescending(x => x).ToArray();
                float cum = 0;
                int count = 0;
                for (int i = 0; i < sorted.Length; i++)
                {
                    if ({|LMP011:cum + sorted[i] > topP|}) break;
                    cum += sorted[i];
                    count++;
                }

                return count;
            }

            static List<int> Nucleus(float[] probs, int[] order, float p)
            {
                var kept = new List<int>();
                double cumulative = 0;
                foreach (var index in order)
                {
                    cumulative += probs[index];
                    if ({|LMP011:cumulative > p|}) break;
                    kept.Add(index);
                }

                return kept;
            }

            static List<int> OverSortedPairs(float[] scores, double top_p)
            {
                var result = new List<int>();
                double cum = 0;
                foreach (var (v, i) in scores.Select((v, i) => (v, i)).OrderByDescending(t => t.v))
                {
                    if ({|LMP011:cum + v > top_p|}) break;
                    result.Add(i);
                    cum += v;
                }

                return result;
            }
        }
        """);

    [Fact]
    public Task WhileLoopAndZeroingTheCurrentToken() => Verify.VerifyAsync("""
        using System;
        using System.Linq;

        class C
        {
            static int Size(float[] sortedProbs, float topP)
            {
                float cum = 0;
                int k = 0;
                while (k < sortedProbs.Length && {|LMP011:cum + sortedProbs[k] <= topP|})
                {
                    cum += sortedProbs[k];
                    k++;
                }

                return k;
            }

            static void Filter(float[] sortedProbs, float topP)
            {
                float cum = 0;
                for (int i = 0; i < sortedProbs.Length; i++)
                {
                    cum += sortedProbs[i];
                    if ({|LMP011:cum > topP|}) sortedProbs[i] = 0f;
                }
            }
        }
        """);

    [Fact]
    public Task TorchSharpCumulativeMaskNotShifted() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor TopP(Tensor sortedProbs, double topP)
            {
                var remove = {|LMP011:sortedProbs.cumsum(-1) > topP|};
                return sortedProbs.masked_fill(remove, 0);
            }

            static Tensor TopP2(Tensor sortedProbs, double topP) =>
                sortedProbs.masked_fill({|LMP011:torch.cumsum(sortedProbs, -1).gt(topP)|}, 0);
        }
        """);

    // ---- stays quiet

    [Fact]
    public Task RenormalizedOrScaledDraw() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;

        class C
        {
            static int Renormalized(float[] probs, int k, Random rng)
            {
                var order = Enumerable.Range(0, probs.Length).OrderByDescending(i => probs[i]).ToArray();
                for (int r = k; r < order.Length; r++) probs[order[r]] = 0;
                float kept = probs.Sum();
                for (int i = 0; i < probs.Length; i++) probs[i] /= kept;

                double u = rng.NextDouble(), cum = 0;
                for (int i = 0; i < probs.Length; i++)
                {
                    cum += probs[i];
                    if (u < cum) return i;
                }

                return order[0];
            }

            static int Scaled(float[] probs, float threshold, Random rng)
            {
                for (int i = 0; i < probs.Length; i++) if (probs[i] < threshold) probs[i] = 0;
                double u = rng.NextDouble() * probs.Sum(), cum = 0;
                for (int i = 0; i < probs.Length; i++)
                {
                    cum += probs[i];
                    if (u < cum) return i;
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task LibraryFiltersAndUnfilteredSampling() => VerifyWithDecodingAsync("""
        using System;
        using LmProb;

        class C
        {
            static int A(float[] probabilities, int k, Random rng)
            {
                var filtered = new float[probabilities.Length];
                Decoding.FilterTopK(probabilities, k, filtered);
                double u = rng.NextDouble(), cum = 0;
                for (int i = 0; i < filtered.Length; i++)
                {
                    cum += filtered[i];
                    if (u < cum) return i;
                }

                return 0;
            }

            static int B(float[] logits, Random rng)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                double u = rng.NextDouble(), cum = 0;
                for (int i = 0; i < p.Length; i++)
                {
                    if (cum + p[i] > u) return i;
                    cum += p[i];
                }

                return 0;
            }

            static float D(float[] probabilities, float topP)
            {
                var filtered = new float[probabilities.Length];
                Decoding.FilterTopP(probabilities, topP, filtered);
                return Probability.Entropy(filtered);
            }
        }
        """);

    [Fact]
    public Task NucleusThatAlwaysKeepsTheFirstToken() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Collections.Generic;

        class C
        {
            static int IncludeThenCheck(float[] sortedProbs, float topP)
            {
                float cum = 0;
                int count = 0;
                for (int i = 0; i < sortedProbs.Length; i++)
                {
                    cum += sortedProbs[i];
                    count++;
                    if (cum >= topP) break;
                }

                return count;
            }

            static int CheckMassBeforeTheToken(float[] sortedProbs, float topP)
            {
                float cum = 0;
                int count = 0;
                for (int i = 0; i < sortedProbs.Length; i++)
                {
                    if (cum >= topP) break;
                    cum += sortedProbs[i];
                    count++;
                }

                return count;
            }

            static int KeepAtLeastOne(float[] sortedProbs, float topP)
            {
                float cum = 0;
                int count = 0;
                for (int i = 0; i < sortedProbs.Length; i++)
                {
                    if (count > 0 && cum + sortedProbs[i] > topP) break;
                    cum += sortedProbs[i];
                    count++;
                }

                return count;
            }

            static void ZeroAfterTheMassBefore(float[] sortedProbs, float topP)
            {
                float cum = 0;
                for (int i = 0; i < sortedProbs.Length; i++)
                {
                    if (cum > topP) sortedProbs[i] = 0f;
                    cum += sortedProbs[i];
                }
            }

            static int WhileBelow(float[] sortedProbs, float topP)
            {
                float cum = 0;
                int k = 0;
                while (k < sortedProbs.Length && cum < topP)
                {
                    cum += sortedProbs[k];
                    k++;
                }

                return Math.Max(k, 1);
            }
        }
        """);

    [Fact]
    public Task BudgetLoopsThatAreNotTopP() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Collections.Generic;

        class C
        {
            static List<int> Pack(int[] lengths, int maxTokens)
            {
                var batch = new List<int>();
                int used = 0;
                for (int i = 0; i < lengths.Length; i++)
                {
                    if (used + lengths[i] > maxTokens) break;
                    used += lengths[i];
                    batch.Add(i);
                }

                return batch;
            }

            static int Fit(float[] durations, float budget)
            {
                float seconds = 0;
                int count = 0;
                foreach (var d in durations)
                {
                    if (seconds + d > budget) break;
                    seconds += d;
                    count++;
                }

                return count;
            }
        }
        """);

    [Fact]
    public Task TorchSharpShiftedOrExclusiveMasks() => Verify.VerifyNoDiagnosticAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor Shifted(Tensor sortedProbs, double topP)
            {
                var remove = sortedProbs.cumsum(-1) > topP;
                remove[TensorIndex.Ellipsis, 0] = false;
                return sortedProbs.masked_fill(remove, 0);
            }

            static Tensor Exclusive(Tensor sortedProbs, double topP) =>
                sortedProbs.masked_fill(sortedProbs.cumsum(-1) - sortedProbs > topP, 0);

            static Tensor InverseCdfSample(Tensor probs, System.Random rng, double u) =>
                (probs.cumsum(-1) > rng.NextDouble()).to_type(ScalarType.Int32).argmax() + (probs.cumsum(-1) > u).to_type(ScalarType.Int32).argmax();
        }
        """);

    // ---- fix

    [Fact]
    public Task FixScalesTheDrawByTheKeptMass() => VerifyFix.VerifyFixAsync("""
        using System;
        using System.Linq;

        class C
        {
            static int SampleTopK(float[] probs, int k, Random rng)
            {
                var order = Enumerable.Range(0, probs.Length).OrderByDescending(i => probs[i]).ToArray();
                for (int r = k; r < order.Length; r++) probs[order[r]] = 0;

                double u = rng.NextDouble();
                double cum = 0;
                for (int i = 0; i < probs.Length; i++)
                {
                    {|LMP011:cum += probs[i]|};
                    if (u < cum) return i;
                }

                return order[0];
            }
        }
        """, """
        using System;
        using System.Linq;

        class C
        {
            static int SampleTopK(float[] probs, int k, Random rng)
            {
                var order = Enumerable.Range(0, probs.Length).OrderByDescending(i => probs[i]).ToArray();
                for (int r = k; r < order.Length; r++) probs[order[r]] = 0;

                double u = rng.NextDouble() * probs.Sum();
                double cum = 0;
                for (int i = 0; i < probs.Length; i++)
                {
                    cum += probs[i];
                    if (u < cum) return i;
                }

                return order[0];
            }
        }
        """);

    [Fact]
    public Task FixAllScalesEachDrawAndAddsTheLinqUsing() => VerifyFix.VerifyFixAsync("""
        using System;
        using LmProb;

        class C
        {
            static int A(float[] p, float minP)
            {
                for (int i = 0; i < p.Length; i++) p[i] = p[i] >= minP ? p[i] : 0f;
                float r = Random.Shared.NextSingle();
                for (int i = 0; i < p.Length; i++)
                {
                    {|LMP011:r -= p[i]|};
                    if (r <= 0) return i;
                }

                return 0;
            }

            static int B(double[] probabilities, Random rng)
            {
                for (int i = 0; i < probabilities.Length; i++) if (probabilities[i] < 0.01) probabilities[i] = 0;
                double u = rng.NextDouble(), cum = 0;
                for (int i = 0; i < probabilities.Length; i++)
                {
                    {|LMP011:cum += probabilities[i]|};
                    if (cum > u) return i;
                }

                return 0;
            }
        }
        """, """
        using System;
        using System.Linq;
        using LmProb;

        class C
        {
            static int A(float[] p, float minP)
            {
                for (int i = 0; i < p.Length; i++) p[i] = p[i] >= minP ? p[i] : 0f;
                float r = Random.Shared.NextSingle() * p.Sum();
                for (int i = 0; i < p.Length; i++)
                {
                    r -= p[i];
                    if (r <= 0) return i;
                }

                return 0;
            }

            static int B(double[] probabilities, Random rng)
            {
                for (int i = 0; i < probabilities.Length; i++) if (probabilities[i] < 0.01) probabilities[i] = 0;
                double u = rng.NextDouble() * probabilities.Sum(), cum = 0;
                for (int i = 0; i < probabilities.Length; i++)
                {
                    cum += probabilities[i];
                    if (cum > u) return i;
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task NoFixForRedrawsSpansEntropiesOrNuclei() => VerifyFix.VerifyNoFixAsync("""
        using System;
        using LmProb;

        class C
        {
            static int Redraw(float[] probs, Random rng)
            {
                probs[0] = 0;
                double cum = 0;
                for (int i = 0; i < probs.Length; i++)
                {
                    {|LMP011:cum += probs[i]|};
                    if (rng.NextDouble() < cum) return i;
                }

                return 0;
            }

            static int Span(Span<float> probs, Random rng)
            {
                probs[0] = 0;
                double u = rng.NextDouble(), cum = 0;
                for (int i = 0; i < probs.Length; i++)
                {
                    {|LMP011:cum += probs[i]|};
                    if (u < cum) return i;
                }

                return 0;
            }

            static float Entropy(float[] probs)
            {
                probs[0] = 0;
                return Probability.Entropy({|LMP011:probs|});
            }

            static int Nucleus(float[] sortedProbs, float topP)
            {
                float cum = 0;
                int count = 0;
                for (int i = 0; i < sortedProbs.Length; i++)
                {
                    if ({|LMP011:cum + sortedProbs[i] > topP|}) break;
                    cum += sortedProbs[i];
                    count++;
                }

                return count;
            }
        }
        """);
}
