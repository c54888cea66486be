using System.Threading.Tasks;
using LmProb.Analyzers.Rules;
using Verify = LmProb.Analyzers.Tests.Infrastructure.AnalyzerVerifier<LmProb.Analyzers.Rules.ExpWithoutMaxAnalyzer>;
using VerifyFix = LmProb.Analyzers.Tests.Infrastructure.CodeFixVerifier<LmProb.Analyzers.Rules.ExpWithoutMaxAnalyzer, LmProb.CodeFixes.Rules.ExpWithoutMaxFixer>;

namespace LmProb.Analyzers.Tests.Rules;

public class ExpWithoutMaxTests
{
    // ---- fires

    [Fact]
    public Task TensorPrimitivesSoftMax() => Verify.VerifyAsync("""
        using System;
        using System.Numerics.Tensors;

        class C
        {
            static void M(ReadOnlySpan<float> logits, Span<float> probabilities) =>
                {|LMP004:TensorPrimitives.SoftMax(logits, probabilities)|};
        }
        """);

    [Fact]
    public Task LoopExpIntoArrayThenDivideInAnotherLoop() => Verify.VerifyAsync("""
        using System;

        class C
        {
            static float[] Softmax(float[] logits)
            {
                var e = new float[logits.Length];
                float sum = 0;
                for (int i = 0; i < logits.Length; i++)
                {
                    e[i] = {|LMP004:MathF.Exp(logits[i])|};
                    sum += e[i];
                }

                var p = new float[logits.Length];
                for (int i = 0; i < logits.Length; i++)
                {
                    p[i] = e[i] / sum;
                }

                return p;
            }
        }
        """);

    [Fact]
    public Task LinqSelectExpThenSum() => Verify.VerifyAsync("""
        using System.Linq;
        using System;

        class C
        {
            static float[] Softmax(float[] logits)
            {
                var exps = logits.Select({|LMP004:MathF.Exp|}).ToArray();
                var sum = exps.Sum();
                return exps.Select(e => e / sum).ToArray();
            }
        }
        """);

    [Fact]
    public Task NaiveLogSumExpWithSumSelector() => Verify.VerifyAsync("""
        using System.Linq;
        using System;

        class C
        {
            static float LogSumExp(float[] logits) => MathF.Log(logits.Sum({|LMP004:MathF.Exp|}));
        }
        """);

    [Fact]
    public Task TensorPrimitivesExpSumDivide() => Verify.VerifyAsync("""
        using System;
        using System.Numerics.Tensors;

        class C
        {
            static void Softmax(ReadOnlySpan<float> logits, Span<float> p)
            {
                {|LMP004:TensorPrimitives.Exp(logits, p)|};
                float sum = TensorPrimitives.Sum<float>(p);
                TensorPrimitives.Divide(p, sum, p);
            }
        }
        """);

    [Fact]
    public Task ForeachDoubleAccumulatorAndTemperature() => Verify.VerifyAsync("""
        using System;

        class C
        {
            static double[] Softmax(double[] logits, double temperature)
            {
                double z = 0;
                foreach (var x in logits)
                {
                    z += {|LMP004:Math.Exp(x / temperature)|};
                }

                var p = new double[logits.Length];
                for (int i = 0; i < p.Length; i++)
                {
                    p[i] = {|LMP004:Math.Exp(logits[i] / temperature)|} / z;
                }

                return p;
            }
        }
        """);

    [Fact]
    public Task TwoClassSoftmaxByHand() => Verify.VerifyAsync("""
        using System;

        class C
        {
            static float P(float a, float b) => {|LMP004:MathF.Exp(a)|} / ({|LMP004:MathF.Exp(a)|} + {|LMP004:MathF.Exp(b)|});
        }
        """);

    [Fact]
    public Task TorchSharpExpDividedBySum() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor Softmax(Tensor logits)
            {
                var e = {|LMP004:logits.exp()|};
                return e / e.sum(-1, keepdim: true);
            }

            static Tensor Softmax2(Tensor logits) => {|LMP004:torch.exp(logits)|} / {|LMP004:torch.exp(logits)|}.sum(-1, true);
        }
        """);

    // ---- stays quiet

    [Fact]
    public Task ExpAfterSubtractingTheMax() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;

        class C
        {
            static float[] Softmax(float[] logits)
            {
                float max = logits.Max();
                var p = new float[logits.Length];
                float sum = 0;
                for (int i = 0; i < logits.Length; i++)
                {
                    p[i] = MathF.Exp(logits[i] - max);
                    sum += p[i];
                }

                for (int i = 0; i < p.Length; i++)
                {
                    p[i] /= sum;
                }

                return p;
            }

            static float[] Linq(float[] logits)
            {
                float max = logits.Max();
                var e = logits.Select(x => MathF.Exp(x - max)).ToArray();
                var s = e.Sum();
                return e.Select(v => v / s).ToArray();
            }
        }
        """);

    [Fact]
    public Task MaxSubtractedInPlaceOrWithTensorPrimitives() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Numerics.Tensors;

        class C
        {
            static void InPlace(float[] x, float[] p)
            {
                float max = TensorPrimitives.Max<float>(x);
                for (int i = 0; i < x.Length; i++) x[i] -= max;
                float sum = 0;
                for (int i = 0; i < x.Length; i++) { p[i] = MathF.Exp(x[i]); sum += p[i]; }
                for (int i = 0; i < x.Length; i++) p[i] /= sum;
            }

            static void Shifted(ReadOnlySpan<float> x, Span<float> shifted, Span<float> p)
            {
                TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), shifted);
                TensorPrimitives.SoftMax(shifted, p);
            }
        }
        """);

    [Fact]
    public Task ExpThatIsNotNormalized() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;

        class C
        {
            static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
            static double Perplexity(double meanNll) => Math.Exp(meanNll);
            static float Mass(float[] logProbabilities) => logProbabilities.Sum(MathF.Exp);
            static float Average(float[] logProbabilities) => logProbabilities.Select(MathF.Exp).Sum() / logProbabilities.Length;
        }
        """);

    [Fact]
    public Task LibrarySoftmaxAndLogSumExp() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using LmProb;
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static float Lse(ReadOnlySpan<float> x, Span<float> p)
            {
                Probability.Softmax(x, p);
                return Probability.LogSumExp(x);
            }

            static Tensor Torch(Tensor logits) => logits.softmax(-1);
            static Tensor TorchStable(Tensor logits)
            {
                var e = (logits - logits.max(-1, true).values).exp();
                return e / e.sum(-1, true);
            }
        }
        """);


    // ---- fix

    [Fact]
    public Task FixReplacesTensorPrimitivesSoftMaxAndAddsTheUsing() => VerifyFix.VerifyFixAsync("""
        using System;
        using System.Numerics.Tensors;
        using TorchSharp;

        class C
        {
            static void M(ReadOnlySpan<float> logits, Span<float> probabilities) =>
                {|LMP004:TensorPrimitives.SoftMax(logits, probabilities)|};
        }
        """, """
        using System;
        using System.Numerics.Tensors;
        using LmProb;
        using TorchSharp;

        class C
        {
            static void M(ReadOnlySpan<float> logits, Span<float> probabilities) =>
                Probability.Softmax(logits, probabilities);
        }
        """);

    [Fact]
    public Task FixAllKeepsOneUsingAndRenamesTheNamedArgument() => VerifyFix.VerifyFixAsync("""
        using System;
        using System.Numerics.Tensors;

        class C
        {
            static void M(float[] a, float[] b, Span<float> p, Span<float> q)
            {
                {|LMP004:TensorPrimitives.SoftMax(a, p)|};
                {|LMP004:TensorPrimitives.SoftMax(x: b, destination: q)|};
            }
        }
        """, """
        using System;
        using System.Numerics.Tensors;
        using LmProb;

        class C
        {
            static void M(float[] a, float[] b, Span<float> p, Span<float> q)
            {
                Probability.Softmax(a, p);
                Probability.Softmax(logits: b, destination: q);
            }
        }
        """);

    [Fact]
    public Task FixInAFileWithoutUsings() => VerifyFix.VerifyFixAsync("""
        // Header comment.
        class C
        {
            static void M(float[] logits, float[] p) => {|LMP004:System.Numerics.Tensors.TensorPrimitives.SoftMax(logits, p)|};
        }
        """, """
        // Header comment.
        using LmProb;

        class C
        {
            static void M(float[] logits, float[] p) => Probability.Softmax(logits, p);
        }
        """);

    [Fact]
    public Task NoFixForDoubleOrHandWrittenLoops() => VerifyFix.VerifyNoFixAsync("""
        using System;
        using System.Numerics.Tensors;

        class C
        {
            static void M(double[] logits, double[] p) => {|LMP004:TensorPrimitives.SoftMax<double>(logits, p)|};

            static void Loop(float[] x, float[] p)
            {
                float s = 0;
                for (int i = 0; i < x.Length; i++) { p[i] = {|LMP004:MathF.Exp(x[i])|}; s += p[i]; }
                for (int i = 0; i < x.Length; i++) p[i] /= s;
            }
        }
        """);
}
