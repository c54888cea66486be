using System.Threading.Tasks;
using Verify = LmProb.Analyzers.Tests.Infrastructure.AnalyzerVerifier<LmProb.Analyzers.Rules.UnshiftedLabelsAnalyzer>;
using VerifyFix = LmProb.Analyzers.Tests.Infrastructure.CodeFixVerifier<LmProb.Analyzers.Rules.UnshiftedLabelsAnalyzer, LmProb.CodeFixes.Rules.UnshiftedLabelsFixer>;

namespace LmProb.Analyzers.Tests.Rules;

public class UnshiftedLabelsTests
{
    // ---- fires

    [Fact]
    public Task LmProbCrossEntropyWithTheIdsFedToTheModel() => Verify.VerifyAsync("""
        using System;
        using LmProb;

        interface IModel { float[] Forward(int[] tokens); }

        class C
        {
            static double Train(IModel model, int[] batch, int vocabSize)
            {
                var logits = model.Forward(batch);
                return Loss.CrossEntropy(logits, vocabSize, {|LMP001:batch|}).Mean;
            }
        }
        """);

    [Fact]
    public Task LmProbCrossEntropyWithTargetsNamedInputIds() => Verify.VerifyAsync("""
        using System;
        using LmProb;

        class C
        {
            static CrossEntropyResult M(ReadOnlySpan<float> logits, int vocabSize, ReadOnlySpan<int> inputIds) =>
                Loss.CrossEntropy(logits, vocabSize, {|LMP001:inputIds|}, new CrossEntropyOptions { LabelSmoothing = 0.1f });
        }
        """);

    [Fact]
    public Task TorchSharpCrossEntropyOfInputIds() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor Loss(nn.Module<Tensor, Tensor> model, Tensor input_ids, long vocab)
            {
                var logits = model.call(input_ids);
                return nn.functional.cross_entropy(logits.view(-1, vocab), {|LMP001:input_ids.view(-1)|});
            }

            static Tensor WithModule(Tensor logits, Tensor tokens)
            {
                var criterion = nn.CrossEntropyLoss();
                return criterion.forward(logits, {|LMP001:tokens|});
            }
        }
        """);

    [Fact]
    public Task LoopScoresRowTAgainstTokenT() => Verify.VerifyAsync("""
        using System;
        using LmProb;

        class C
        {
            static float Nll(float[] logits, int[] tokens, int vocabSize)
            {
                float loss = 0;
                for (int t = 0; t < tokens.Length; t++)
                {
                    loss += Loss.CrossEntropy(logits.AsSpan(t * vocabSize, vocabSize), {|LMP001:tokens[t]|});
                }

                return loss / tokens.Length;
            }
        }
        """);

    [Fact]
    public Task LoopIndexesLogProbabilitiesWithTheSamePosition() => Verify.VerifyAsync("""
        using System;

        class C
        {
            static double Flat(float[] logProbs, ReadOnlySpan<int> ids, int V)
            {
                double nll = 0;
                for (int t = 0; t < ids.Length; t++)
                {
                    nll -= logProbs[t * V + {|LMP001:ids[t]|}];
                }

                return nll;
            }

            static double Jagged(float[][] logProbs, int[] inputIds)
            {
                double nll = 0;
                for (int t = 0; t < inputIds.Length; t++)
                {
                    var row = logProbs[t];
                    nll -= logProbs[t][{|LMP001:inputIds[t]|}];
                }

                return nll;
            }

            static double TwoDimensional(float[,] logProbs, int[] tokens)
            {
                double nll = 0;
                for (int t = 0; t < tokens.Length; t++) nll -= logProbs[t, {|LMP001:tokens[t]|}];
                return nll;
            }
        }
        """);

    [Fact]
    public Task RowThroughALocalSpan() => Verify.VerifyAsync("""
        using System;
        using LmProb;

        class C
        {
            static float Nll(float[] logits, int[] tokens, int V)
            {
                float loss = 0;
                for (int t = 0; t < tokens.Length; t++)
                {
                    var row = logits.AsSpan(t * V, V);
                    loss += Loss.CrossEntropy(row, {|LMP001:tokens[t]|});
                }

                return loss;
            }
        }
        """);

    // ---- stays quiet

    [Fact]
    public Task NextTokenLossAndShiftedSlices() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using LmProb;

        class C
        {
            static double A(float[] logits, int V, int[] inputIds) => Loss.NextTokenLoss(logits, V, inputIds).Mean;

            static double B(float[] logits, int V, int[] inputIds)
            {
                int T = inputIds.Length;
                return Loss.CrossEntropy(logits.AsSpan(0, (T - 1) * V), V, inputIds[1..]).Mean;
            }

            static double D(float[] logits, int V, int[] inputIds)
            {
                ReadOnlySpan<int> labels = inputIds.AsSpan(1);
                return Loss.CrossEntropy(logits.AsSpan(0, labels.Length * V), V, labels).Mean;
            }
        }
        """);

    [Fact]
    public Task LoopWithTPlusOneOrRowTMinusOne() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using LmProb;

        class C
        {
            static float Plus(float[] logits, int[] tokens, int V)
            {
                float loss = 0;
                for (int t = 0; t < tokens.Length - 1; t++)
                    loss += Loss.CrossEntropy(logits.AsSpan(t * V, V), tokens[t + 1]);
                return loss;
            }

            static float Minus(float[] logits, int[] tokens, int V)
            {
                float loss = 0;
                for (int t = 1; t < tokens.Length; t++)
                    loss += Loss.CrossEntropy(logits.AsSpan((t - 1) * V, V), tokens[t]);
                return loss;
            }

            static double Flat(float[] logProbs, int[] ids, int V)
            {
                double nll = 0;
                for (int t = 0; t + 1 < ids.Length; t++) nll -= logProbs[t * V + ids[t + 1]];
                return nll;
            }
        }
        """);

    [Fact]
    public Task TargetsThatAreLabelsNotInputs() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using LmProb;

        interface IModel { float[] Forward(int[] tokens); }

        class C
        {
            static double Classify(IModel model, int[] inputIds, int[] labels, int classes)
            {
                var logits = model.Forward(inputIds);
                return Loss.CrossEntropy(logits, classes, labels).Mean;
            }

            static float PerRow(float[] logits, int[] labels, int V)
            {
                float loss = 0;
                for (int t = 0; t < labels.Length; t++) loss += Loss.CrossEntropy(logits.AsSpan(t * V, V), labels[t]);
                return loss;
            }
        }
        """);

    [Fact]
    public Task TorchSharpShiftedOrClassification() => Verify.VerifyNoDiagnosticAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor Shifted(Tensor logits, Tensor input_ids, long vocab, long T)
            {
                var shiftLogits = logits.narrow(1, 0, T - 1);
                var shiftLabels = input_ids.narrow(1, 1, T - 1);
                return nn.functional.cross_entropy(shiftLogits.reshape(-1, vocab), shiftLabels.reshape(-1));
            }

            static Tensor Indexed(Tensor logits, Tensor input_ids) =>
                nn.functional.cross_entropy(logits, input_ids[TensorIndex.Colon, TensorIndex.Slice(1)]);

            static Tensor Classification(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels) =>
                nn.functional.cross_entropy(model.call(images), labels);
        }
        """);

    [Fact]
    public Task EmbeddingLookupIsNotATarget() => Verify.VerifyNoDiagnosticAsync("""
        using System;

        class C
        {
            static void Embed(float[] table, int[] tokens, float[] output, int D)
            {
                for (int t = 0; t < tokens.Length; t++)
                    for (int j = 0; j < D; j++)
                        output[t * D + j] = table[tokens[t] * D + j];
            }
        }
        """);


    // ---- fix

    [Fact]
    public Task FixCrossEntropyToNextTokenLoss() => VerifyFix.VerifyFixAsync("""
        using System;
        using LmProb;

        class C
        {
            static double A(float[] logits, int V, int[] inputIds) => Loss.CrossEntropy(logits, V, {|LMP001:inputIds|}).Mean;

            static double B(float[] logits, int V, int[] inputIds, CrossEntropyOptions options) =>
                Loss.CrossEntropy(logits, V, {|LMP001:inputIds|}, options).Mean;

            static double D(float[] logits, int V, int[] inputIds) =>
                Loss.CrossEntropy(logits, vocabSize: V, targets: {|LMP001:inputIds|}).Mean;
        }
        """, """
        using System;
        using LmProb;

        class C
        {
            static double A(float[] logits, int V, int[] inputIds) => Loss.NextTokenLoss(logits, V, inputIds).Mean;

            static double B(float[] logits, int V, int[] inputIds, CrossEntropyOptions options) =>
                Loss.NextTokenLoss(logits, V, inputIds, options: options).Mean;

            static double D(float[] logits, int V, int[] inputIds) =>
                Loss.NextTokenLoss(logits, vocabSize: V, inputIds: inputIds).Mean;
        }
        """);

    [Fact]
    public Task FixLoopShiftsTheIndexAndShortensTheLoop() => VerifyFix.VerifyFixAsync("""
        using System;
        using LmProb;

        class C
        {
            static float Nll(float[] logits, int[] tokens, int V)
            {
                float loss = 0;
                for (int t = 0; t < tokens.Length; t++)
                {
                    loss += Loss.CrossEntropy(logits.AsSpan(t * V, V), {|LMP001:tokens[t]|});
                }

                return loss;
            }

            static double AlreadyShort(float[] logProbs, int[] ids, int V)
            {
                double nll = 0;
                for (int t = 0; t < ids.Length - 1; t++) nll -= logProbs[t * V + {|LMP001:ids[t]|}];
                return nll;
            }
        }
        """, """
        using System;
        using LmProb;

        class C
        {
            static float Nll(float[] logits, int[] tokens, int V)
            {
                float loss = 0;
                for (int t = 0; t < tokens.Length - 1; t++)
                {
                    loss += Loss.CrossEntropy(logits.AsSpan(t * V, V), tokens[t + 1]);
                }

                return loss;
            }

            static double AlreadyShort(float[] logProbs, int[] ids, int V)
            {
                double nll = 0;
                for (int t = 0; t < ids.Length - 1; t++) nll -= logProbs[t * V + ids[t + 1]];
                return nll;
            }
        }
        """);

    [Fact]
    public Task NoFixForTorchSharpOrLoopsWithoutABound() => VerifyFix.VerifyNoFixAsync("""
        using System;
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor Torch(Tensor logits, Tensor input_ids) => nn.functional.cross_entropy(logits, {|LMP001:input_ids|});

            static double While(float[] logProbs, int[] ids, int V)
            {
                double nll = 0;
                int t = 0;
                while (t < ids.Length) { nll -= logProbs[t * V + {|LMP001:ids[t]|}]; t++; }
                return nll;
            }
        }
        """);
}
