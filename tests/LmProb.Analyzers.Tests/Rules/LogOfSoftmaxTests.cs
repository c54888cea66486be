using System.Threading.Tasks;
using Verify = LmProb.Analyzers.Tests.Infrastructure.AnalyzerVerifier<LmProb.Analyzers.Rules.LogOfSoftmaxAnalyzer>;
using VerifyFix = LmProb.Analyzers.Tests.Infrastructure.CodeFixVerifier<LmProb.Analyzers.Rules.LogOfSoftmaxAnalyzer, LmProb.CodeFixes.Rules.LogOfSoftmaxFixer>;

namespace LmProb.Analyzers.Tests.Rules;

public class LogOfSoftmaxTests
{
    // ---- fires

    [Fact]
    public Task TensorPrimitivesSoftMaxThenLog() => Verify.VerifyAsync("""
        using System;
        using System.Numerics.Tensors;

        class C
        {
            static void LogProbabilities(ReadOnlySpan<float> logits, Span<float> p, Span<float> logp)
            {
                TensorPrimitives.SoftMax(logits, p);
                {|LMP002:TensorPrimitives.Log(p, logp)|};
            }
        }
        """);

    [Fact]
    public Task LogOfLibrarySoftmaxElementInALoop() => Verify.VerifyAsync("""
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
                    h -= p[i] * {|LMP002:MathF.Log(p[i])|};
                }

                return h;
            }
        }
        """);

    [Fact]
    public Task CrossEntropyFromHandWrittenSoftmax() => Verify.VerifyAsync("""
        using System;
        using System.Linq;

        class C
        {
            static double Nll(double[] logits, int target)
            {
                double max = logits.Max();
                var e = new double[logits.Length];
                double sum = 0;
                for (int i = 0; i < e.Length; i++) { e[i] = Math.Exp(logits[i] - max); sum += e[i]; }
                var probs = new double[e.Length];
                for (int i = 0; i < e.Length; i++) probs[i] = e[i] / sum;
                return -{|LMP002:Math.Log(probs[target])|};
            }
        }
        """);

    [Fact]
    public Task LogOfExpOverSumInline() => Verify.VerifyAsync("""
        using System;
        using System.Linq;

        class C
        {
            static float LogP(float[] x, int k) => {|LMP002:MathF.Log(MathF.Exp(x[k]) / x.Sum(MathF.Exp))|};
        }
        """);

    [Fact]
    public Task LinqSelectLogOverSoftmaxArray() => Verify.VerifyAsync("""
        using System;
        using System.Linq;
        using LmProb;

        class C
        {
            static float[] LogProbabilities(float[] logits)
            {
                var probs = new float[logits.Length];
                Probability.Softmax(logits, probs);
                // (Select(MathF.Log) does not compile: Log's two overloads make the method group ambiguous.)
                var asDelegate = probs.Select(new Func<float, float>({|LMP002:MathF.Log|})).ToArray();
                return probs.Select(p => {|LMP002:MathF.Log(p)|}).ToArray();
            }
        }
        """);

    [Fact]
    public Task TorchSharpSoftmaxThenLog() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits) => {|LMP002:torch.nn.functional.softmax(logits, -1).log()|};
            static Tensor B(Tensor logits) => {|LMP002:torch.log(torch.softmax(logits, 1))|};
            static Tensor D(Tensor logits)
            {
                var p = logits.softmax(-1);
                return {|LMP002:p.log()|};
            }
        }
        """);

    // ---- stays quiet

    [Fact]
    public Task LogSoftmaxAndLogSumExp() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using LmProb;

        class C
        {
            static void M(float[] x, float[] logp)
            {
                Probability.LogSoftmax(x, logp);
                float lse = Probability.LogSumExp(x);
                for (int i = 0; i < x.Length; i++)
                {
                    logp[i] = x[i] - lse;
                }
            }
        }
        """);

    [Fact]
    public Task LogOfTheNormalizerIsLogSumExp() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;

        class C
        {
            static float Lse(float[] x)
            {
                float max = x.Max();
                float sum = 0;
                foreach (var v in x) sum += MathF.Exp(v - max);
                return max + MathF.Log(sum);
            }
        }
        """);

    [Fact]
    public Task LogOfProbabilitiesThatAreNotASoftmax() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;

        class C
        {
            static double SequenceLogProbability(float[] tokenProbabilities) =>
                tokenProbabilities.Sum(p => Math.Log(p));

            static float Log1p(float x) => MathF.Log(1 + MathF.Exp(x));
        }
        """);

    [Fact]
    public Task EpsilonAndClampAreLeftToLmp006() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using LmProb;

        class C
        {
            static float M(float[] logits, int target)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                return -MathF.Log(p[target] + 1e-9f) - MathF.Log(MathF.Max(p[0], 1e-12f));
            }

            // The epsilon added in place: p is still "a softmax" to a flow-insensitive reading, but the log is LMP006's.
            static void InPlace(ReadOnlySpan<float> logits, Span<float> p, Span<float> logp)
            {
                System.Numerics.Tensors.TensorPrimitives.SoftMax(logits, p);
                System.Numerics.Tensors.TensorPrimitives.Add(p, 1e-10f, p);
                System.Numerics.Tensors.TensorPrimitives.Log(p, logp);
            }
        }
        """);

    [Fact]
    public Task TorchSharpLogSoftmax() => Verify.VerifyNoDiagnosticAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits) => torch.nn.functional.log_softmax(logits, -1);
            static Tensor B(Tensor logits) => logits.log_softmax(-1);
            static Tensor D(Tensor probabilities) => probabilities.log();
        }
        """);


    // ---- fix

    [Fact]
    public Task FixTensorPrimitivesLogToLogSoftmax() => VerifyFix.VerifyFixAsync("""
        using System;
        using System.Numerics.Tensors;

        class C
        {
            static void LogProbabilities(ReadOnlySpan<float> logits, Span<float> p, Span<float> logp)
            {
                TensorPrimitives.SoftMax(logits, p);
                {|LMP002:TensorPrimitives.Log(p, logp)|};
            }
        }
        """, """
        using System;
        using System.Numerics.Tensors;
        using LmProb;

        class C
        {
            static void LogProbabilities(ReadOnlySpan<float> logits, Span<float> p, Span<float> logp)
            {
                TensorPrimitives.SoftMax(logits, p);
                Probability.LogSoftmax(logits, logp);
            }
        }
        """);

    [Fact]
    public Task FixSingleLogToLogSumExp() => VerifyFix.VerifyFixAsync("""
        using System;
        using LmProb;

        class C
        {
            static float Nll(float[] logits, int target)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                return -{|LMP002:MathF.Log(p[target])|};
            }

            static float LogP(float[] logits, int k)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                var logp = {|LMP002:MathF.Log(p[k])|};
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

            static float LogP(float[] logits, int k)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                var logp = logits[k] - Probability.LogSumExp(logits);
                return logp;
            }
        }
        """);

    [Fact]
    public Task FixTorchSharpSoftmaxLogToLogSoftmax() => VerifyFix.VerifyFixAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits) => {|LMP002:torch.nn.functional.softmax(logits, -1).log()|};
            static Tensor B(Tensor logits) => {|LMP002:logits.softmax(-1).log()|};
        }
        """, """
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits) => torch.nn.functional.log_softmax(logits, -1);
            static Tensor B(Tensor logits) => logits.log_softmax(-1);
        }
        """);

    [Fact]
    public Task NoFixInLoopsWhenLogitsChangeOrWithoutALogSoftmaxOverload() => VerifyFix.VerifyNoFixAsync("""
        using System;
        using LmProb;
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static float Entropy(float[] logits)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                float h = 0;
                for (int i = 0; i < p.Length; i++) h -= p[i] * {|LMP002:MathF.Log(p[i])|};
                return h;
            }

            static float Changed(float[] logits, int k)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                logits[0] = 0;
                return {|LMP002:MathF.Log(p[k])|};
            }

            static Tensor TorchStatic(Tensor logits) => {|LMP002:torch.log(torch.softmax(logits, 1))|};
        }
        """);
}
