using System.Threading.Tasks;
using Verify = LmProb.Analyzers.Tests.Infrastructure.AnalyzerVerifier<LmProb.Analyzers.Rules.PaddedMeanAnalyzer>;
using VerifyFix = LmProb.Analyzers.Tests.Infrastructure.CodeFixVerifier<LmProb.Analyzers.Rules.PaddedMeanAnalyzer, LmProb.CodeFixes.Rules.PaddedMeanFixer>;

namespace LmProb.Analyzers.Tests.Rules;

public class PaddedMeanTests
{
    // ---- fires

    [Fact]
    public Task MaskGuardedSumDividedByLength() => Verify.VerifyAsync("""
        using System;

        class C
        {
            static float Mean(float[] losses, bool[] mask)
            {
                float sum = 0;
                for (int i = 0; i < losses.Length; i++)
                {
                    if (mask[i]) sum += losses[i];
                }

                return {|LMP003:sum / losses.Length|};
            }
        }
        """);

    [Fact]
    public Task IgnoreIndexContinueThenDivideByLoopBound() => Verify.VerifyAsync("""
        using System;
        using LmProb;

        class C
        {
            const int IgnoreIndex = -100;

            static float Mean(float[] logits, int[] targets, int V, int T)
            {
                double total = 0;
                for (int t = 0; t < T; t++)
                {
                    if (targets[t] == IgnoreIndex) continue;
                    total += Loss.CrossEntropy(logits.AsSpan(t * V, V), targets[t]);
                }

                return (float)({|LMP003:total / T|});
            }
        }
        """);

    [Fact]
    public Task AverageOfZeroFilledPerTokenLosses() => Verify.VerifyAsync("""
        using System;
        using System.Linq;

        class C
        {
            static float Zip(float[] losses, bool[] mask) => {|LMP003:losses.Zip(mask, (l, m) => m ? l : 0f).Average()|};

            static float Written(float[] losses, bool[] attentionMask)
            {
                var perToken = new float[losses.Length];
                for (int t = 0; t < losses.Length; t++)
                {
                    if (attentionMask[t]) perToken[t] = losses[t];
                }

                return {|LMP003:perToken.Average()|};
            }
        }
        """);

    [Fact]
    public Task WhereFilteredSumDividedByFullCount() => Verify.VerifyAsync("""
        using System;
        using System.Linq;

        class C
        {
            static float M(float[] losses, bool[] mask) => {|LMP003:losses.Where((l, i) => mask[i]).Sum() / losses.Length|};
        }
        """);

    [Fact]
    public Task LmProbResultSumOverTargetLengthAndPerTokenAverage() => Verify.VerifyAsync("""
        using System;
        using System.Linq;
        using LmProb;

        class C
        {
            static double A(float[] logits, int V, int[] targets)
            {
                var result = Loss.CrossEntropy(logits, V, targets);
                return {|LMP003:result.Sum / targets.Length|};
            }

            static float B(float[] logits, int V, int[] targets)
            {
                var perToken = new float[targets.Length];
                Loss.CrossEntropy(logits, V, targets, new CrossEntropyOptions { PerTokenLoss = perToken });
                return {|LMP003:perToken.Average()|};
            }
        }
        """);

    [Fact]
    public Task TensorPrimitivesMaskedSumOverLength() => Verify.VerifyAsync("""
        using System;
        using System.Numerics.Tensors;

        class C
        {
            static float A(float[] losses, float[] mask, float[] masked)
            {
                TensorPrimitives.Multiply(losses, mask, masked);
                return {|LMP003:TensorPrimitives.Sum<float>(masked) / masked.Length|};
            }

            static float B(float[] losses, float[] paddingMask) =>
                {|LMP003:TensorPrimitives.Dot<float>(losses, paddingMask) / losses.Length|};
        }
        """);

    [Fact]
    public Task TorchSharpMaskedMeanOverEverything() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor loss, Tensor mask) => {|LMP003:(loss * mask).mean()|};
            static Tensor B(Tensor loss, Tensor mask) => {|LMP003:(loss * mask).sum() / loss.numel()|};
            static Tensor D(Tensor logits, Tensor labels) =>
                {|LMP003:nn.functional.cross_entropy(logits, labels, ignore_index: -100, reduction: nn.Reduction.None).mean()|};
        }
        """);

    // ---- stays quiet

    [Fact]
    public Task DividedByTheCountOfTheMask() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;

        class C
        {
            static float A(float[] losses, bool[] mask)
            {
                float sum = 0;
                for (int i = 0; i < losses.Length; i++) if (mask[i]) sum += losses[i];
                return sum / mask.Count(m => m);
            }

            static float B(float[] losses, bool[] mask)
            {
                float sum = 0;
                int count = 0;
                for (int i = 0; i < losses.Length; i++)
                {
                    if (!mask[i]) continue;
                    sum += losses[i];
                    count++;
                }

                return sum / count;
            }
        }
        """);

    [Fact]
    public Task LmProbMeansAndMaskedMean() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using LmProb;

        class C
        {
            static double A(float[] logits, int V, int[] targets) => Loss.CrossEntropy(logits, V, targets).Mean;

            static double B(float[] logits, int V, int[] targets)
            {
                var r = Loss.CrossEntropy(logits, V, targets);
                return r.Sum / r.Count;
            }

            static float D(float[] losses, bool[] mask) => Loss.MaskedMean(losses, mask);
        }
        """);

    [Fact]
    public Task FilteredAverageAndUnmaskedMeans() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;

        class C
        {
            static float A(float[] losses, bool[] mask) => losses.Where((l, i) => mask[i]).Average();
            static float B(float[] losses) => losses.Sum() / losses.Length;
            static float D(float[] losses) => losses.Average();
            static float E(float[] losses, float[] weights)
            {
                float s = 0;
                for (int i = 0; i < losses.Length; i++) s += losses[i] * weights[i];
                return s / losses.Length;
            }
        }
        """);

    [Fact]
    public Task TorchSharpDividedByMaskSum() => Verify.VerifyNoDiagnosticAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor loss, Tensor mask) => (loss * mask).sum() / mask.sum();
            static Tensor B(Tensor logits, Tensor labels) => nn.functional.cross_entropy(logits, labels, ignore_index: -100);
            static Tensor D(Tensor loss) => loss.mean();
        }
        """);


    // ---- fix

    [Fact]
    public Task FixResultSumOverLengthToMean() => VerifyFix.VerifyFixAsync("""
        using LmProb;

        class C
        {
            static double A(float[] logits, int V, int[] targets)
            {
                var result = Loss.CrossEntropy(logits, V, targets);
                return {|LMP003:result.Sum / targets.Length|};
            }
        }
        """, """
        using LmProb;

        class C
        {
            static double A(float[] logits, int V, int[] targets)
            {
                var result = Loss.CrossEntropy(logits, V, targets);
                return result.Mean;
            }
        }
        """);

    [Fact]
    public Task FixMaskGuardedLoopToMaskedMean() => VerifyFix.VerifyFixAsync("""
        using System;

        class C
        {
            static float A(float[] losses, bool[] mask)
            {
                float sum = 0;
                for (int i = 0; i < losses.Length; i++)
                {
                    if (mask[i]) sum += losses[i];
                }

                return {|LMP003:sum / losses.Length|};
            }

            static double B(ReadOnlySpan<float> losses, ReadOnlySpan<bool> mask)
            {
                double sum = 0;
                for (int i = 0; i < losses.Length; i++)
                    if (mask[i])
                    {
                        sum += losses[i];
                    }

                return {|LMP003:sum / losses.Length|};
            }
        }
        """, """
        using System;
        using LmProb;

        class C
        {
            static float A(float[] losses, bool[] mask)
            {
                float sum = 0;
                for (int i = 0; i < losses.Length; i++)
                {
                    if (mask[i]) sum += losses[i];
                }

                return Loss.MaskedMean(losses, mask);
            }

            static double B(ReadOnlySpan<float> losses, ReadOnlySpan<bool> mask)
            {
                double sum = 0;
                for (int i = 0; i < losses.Length; i++)
                    if (mask[i])
                    {
                        sum += losses[i];
                    }

                return (double)Loss.MaskedMean(losses, mask);
            }
        }
        """);

    [Fact]
    public Task NoFixForIgnoreIndexOrAverages() => VerifyFix.VerifyNoFixAsync("""
        using System;
        using System.Linq;

        class C
        {
            static float A(float[] losses, int[] targets)
            {
                float sum = 0;
                for (int t = 0; t < targets.Length; t++)
                {
                    if (targets[t] == -100) continue;
                    sum += losses[t];
                }

                return {|LMP003:sum / targets.Length|};
            }

            static float B(float[] losses, bool[] mask) => {|LMP003:losses.Zip(mask, (l, m) => m ? l : 0f).Average()|};
        }
        """);
}
