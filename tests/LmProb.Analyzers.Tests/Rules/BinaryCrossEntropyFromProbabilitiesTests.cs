using System.Threading.Tasks;
using Verify = LmProb.Analyzers.Tests.Infrastructure.AnalyzerVerifier<LmProb.Analyzers.Rules.BinaryCrossEntropyFromProbabilitiesAnalyzer>;
using VerifyFix = LmProb.Analyzers.Tests.Infrastructure.CodeFixVerifier<LmProb.Analyzers.Rules.BinaryCrossEntropyFromProbabilitiesAnalyzer, LmProb.CodeFixes.Rules.BinaryCrossEntropyFromProbabilitiesFixer>;

namespace LmProb.Analyzers.Tests.Rules;

public class BinaryCrossEntropyFromProbabilitiesTests
{
    // ---- fires

    [Fact]
    public Task ScalarBceFromAHandWrittenSigmoid() => Verify.VerifyAsync("""
        using System;

        class C
        {
            static float Bce(float x, float y)
            {
                float s = 1f / (1f + MathF.Exp(-x));
                return {|LMP007:-(y * MathF.Log(s) + (1 - y) * MathF.Log(1 - s))|};
            }
        }
        """);

    [Fact]
    public Task LoopOverTensorPrimitivesSigmoidWithEpsilon() => Verify.VerifyAsync("""
        using System;
        using System.Numerics.Tensors;

        class C
        {
            static float Mean(float[] logits, float[] y)
            {
                var s = new float[logits.Length];
                TensorPrimitives.Sigmoid(logits, s);
                float loss = 0;
                for (int i = 0; i < s.Length; i++)
                {
                    loss += {|LMP007:-(y[i] * MathF.Log(s[i] + 1e-7f) + (1 - y[i]) * MathF.Log(1 - s[i] + 1e-7f))|};
                }

                return loss / s.Length;
            }
        }
        """);

    [Fact]
    public Task LinqOverSigmoidProbabilities() => Verify.VerifyAsync("""
        using System;
        using System.Linq;

        class C
        {
            static float Mean(float[] logits, float[] labels)
            {
                var probs = logits.Select(x => 1f / (1f + MathF.Exp(-x))).ToArray();
                return probs.Zip(labels, (s, y) => {|LMP007:-(y * MathF.Log(s) + (1 - y) * MathF.Log(1 - s))|}).Average();
            }
        }
        """);

    [Fact]
    public Task BranchesAndConditionalsOverASigmoidHelper() => Verify.VerifyAsync("""
        using System;

        class C
        {
            static double Sigmoid(double z) => Math.Exp(z) / (1 + Math.Exp(z));

            static double Branches(double x, bool label)
            {
                double p = Sigmoid(x);
                double loss;
                if (label) loss = -{|LMP007:Math.Log(p)|};
                else loss = -{|LMP007:Math.Log(1 - p)|};
                return loss;
            }

            static double Conditional(double x, bool label)
            {
                double p = Sigmoid(x);
                return {|LMP007:label ? -Math.Log(p) : -Math.Log(1 - p)|};
            }

            // Only the negative class: log(1 - sigmoid) on its own is -inf from x = 37 in double.
            static double Negative(double x) => -{|LMP007:Math.Log(1 - 1 / (1 + Math.Exp(-x)))|};
        }
        """);

    [Fact]
    public Task TorchSharpBinaryCrossEntropyOfASigmoid() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits, Tensor y) => {|LMP007:nn.functional.binary_cross_entropy(torch.sigmoid(logits), y)|};

            static Tensor B(Tensor logits, Tensor y)
            {
                var p = logits.sigmoid();
                var manual = {|LMP007:-(y * p.log() + (1 - y) * (1 - p).log())|};
                var criterion = nn.BCELoss();
                return manual.mean() + {|LMP007:criterion.call(p, y)|};
            }
        }
        """);

    // ---- stays quiet

    [Fact]
    public Task WithLogitsIsFine() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using LmProb;
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static float A(float x, float y) => Loss.BinaryCrossEntropyWithLogits(x, y);

            static Tensor B(Tensor logits, Tensor y) => nn.functional.binary_cross_entropy_with_logits(logits, y);

            // The stable form written out: max(x, 0) - x * y + log(1 + exp(-|x|)).
            static double D(double x, double y) => Math.Max(x, 0) - x * y + Math.Log(1 + Math.Exp(-Math.Abs(x)));
        }
        """);

    [Fact]
    public Task ALoneLogSigmoidIsNotABinaryCrossEntropy() => Verify.VerifyNoDiagnosticAsync("""
        using System;

        class C
        {
            // A DPO-style -log(sigmoid(margin)): a log-sigmoid, not reported here.
            static float Dpo(float margin, float beta) => -MathF.Log(1f / (1f + MathF.Exp(-beta * margin)));
        }
        """);

    [Fact]
    public Task ProbabilitiesThatAreNotASigmoid() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            // Calibrated probabilities handed in: the rule cannot know a logit exists.
            static double Bce(double p, double y) => -(y * Math.Log(p) + (1 - y) * Math.Log(1 - p));

            static Tensor Torch(Tensor probabilities, Tensor y) => nn.functional.binary_cross_entropy(probabilities, y);
        }
        """);

    [Fact]
    public Task OneMinusSomethingElse() => Verify.VerifyNoDiagnosticAsync("""
        using System;

        class C
        {
            static float M(float x, float dropout)
            {
                float s = 1f / (1f + MathF.Exp(-x));
                return MathF.Log(1 - dropout) + s;
            }
        }
        """);

    // ---- fix

    [Fact]
    public Task FixScalarBceToWithLogitsAddingTheUsing() => VerifyFix.VerifyFixAsync("""
        using System;

        class C
        {
            static float Bce(float x, float y)
            {
                float s = 1f / (1f + MathF.Exp(-x));
                return {|LMP007:-(y * MathF.Log(s) + (1 - y) * MathF.Log(1 - s))|};
            }

            static double Inline(float x, int y) =>
                {|LMP007:-y * Math.Log(1 / (1 + Math.Exp(-x))) - (1 - y) * Math.Log(1 - 1 / (1 + Math.Exp(-x)))|};
        }
        """, """
        using System;
        using LmProb;

        class C
        {
            static float Bce(float x, float y)
            {
                float s = 1f / (1f + MathF.Exp(-x));
                return Loss.BinaryCrossEntropyWithLogits(x, y);
            }

            static double Inline(float x, int y) =>
                (double)Loss.BinaryCrossEntropyWithLogits(x, y);
        }
        """);

    [Fact]
    public Task FixElementOfTensorPrimitivesSigmoid() => VerifyFix.VerifyFixAsync("""
        using System;
        using System.Numerics.Tensors;
        using LmProb;

        class C
        {
            static float Sum(float[] logits, float[] y)
            {
                var s = new float[logits.Length];
                TensorPrimitives.Sigmoid(logits, s);
                float loss = 0;
                for (int i = 0; i < s.Length; i++)
                {
                    loss += {|LMP007:-(y[i] * MathF.Log(s[i] + 1e-7f) + (1 - y[i]) * MathF.Log(1 - s[i] + 1e-7f))|};
                }

                return loss;
            }
        }
        """, """
        using System;
        using System.Numerics.Tensors;
        using LmProb;

        class C
        {
            static float Sum(float[] logits, float[] y)
            {
                var s = new float[logits.Length];
                TensorPrimitives.Sigmoid(logits, s);
                float loss = 0;
                for (int i = 0; i < s.Length; i++)
                {
                    loss += Loss.BinaryCrossEntropyWithLogits(logits[i], y[i]);
                }

                return loss;
            }
        }
        """);

    [Fact]
    public Task FixTorchSharpToWithLogitsKeepingTheOtherArguments() => VerifyFix.VerifyFixAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits, Tensor y) =>
                {|LMP007:nn.functional.binary_cross_entropy(torch.sigmoid(logits), y, reduction: nn.Reduction.Sum)|};

            static Tensor B(Tensor logits, Tensor y)
            {
                var p = logits.sigmoid();
                return {|LMP007:torch.nn.functional.binary_cross_entropy(p, y)|};
            }
        }
        """, """
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits, Tensor y) =>
                nn.functional.binary_cross_entropy_with_logits(logits, y, reduction: nn.Reduction.Sum);

            static Tensor B(Tensor logits, Tensor y)
            {
                var p = logits.sigmoid();
                return torch.nn.functional.binary_cross_entropy_with_logits(logits, y);
            }
        }
        """);

    [Fact]
    public Task NoFixForBranchesDoubleTargetsChangedLogitsOrModules() => VerifyFix.VerifyNoFixAsync("""
        using System;
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static float Branches(float x, bool label)
            {
                float s = 1f / (1f + MathF.Exp(-x));
                float loss;
                if (label) loss = -{|LMP007:MathF.Log(s)|};
                else loss = -{|LMP007:MathF.Log(1 - s)|};
                return loss;
            }

            static double DoubleTarget(float x, double y)
            {
                float s = 1f / (1f + MathF.Exp(-x));
                return {|LMP007:-(y * Math.Log(s) + (1 - y) * Math.Log(1 - s))|};
            }

            static float Changed(float x, float y)
            {
                float s = 1f / (1f + MathF.Exp(-x));
                x = 0;
                return {|LMP007:-(y * MathF.Log(s) + (1 - y) * MathF.Log(1 - s))|};
            }

            static Tensor Module(Tensor logits, Tensor y) => {|LMP007:nn.BCELoss().call(torch.sigmoid(logits), y)|};
        }
        """);
}
