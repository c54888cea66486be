using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using LmProb.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LmProb.Analyzers.Tests;

/// <summary>
/// Every analyzer over a few hundred lines of varied and partly broken C#: no AD0001, no
/// exception (the analyzers' own guard is switched to rethrow in tests, so a swallowed bug fails here).
/// </summary>
public class RobustnessTests
{
    [Fact]
    public async Task NoAnalyzerThrowsOnBrokenOrUnusualCode()
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = new[] { TopLevel, Broken, Unusual, Numerics, Normalizers }
            .Select((source, i) => CSharpSyntaxTree.ParseText(source, parseOptions, path: $"Corpus{i}.cs"))
            .ToArray();
        var compilation = CSharpCompilation.Create(
            "Corpus",
            trees,
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

        // The corpus is meant to be broken: make sure it is, so the analyzers really see error trees.
        Assert.Contains(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);

        var exceptions = new ConcurrentBag<Exception>();
        var withAnalyzers = compilation.WithAnalyzers(
            AllAnalyzers.Analyzers,
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, _, _) => exceptions.Add(exception),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();

        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");

        // The rules still work inside all that noise.
        var ids = diagnostics.Select(d => d.Id).ToHashSet();
        Assert.Contains(RuleIds.UnshiftedLabels, ids);
        Assert.Contains(RuleIds.LogOfSoftmax, ids);
        Assert.Contains(RuleIds.PaddedMean, ids);
        Assert.Contains(RuleIds.ExpWithoutMax, ids);
        Assert.Contains(RuleIds.SoftmaxOverWrongAxis, ids);
        Assert.Contains(RuleIds.EpsilonInLog, ids);
        Assert.Contains(RuleIds.BinaryCrossEntropyFromProbabilities, ids);
        Assert.Contains(RuleIds.PerplexityFromTotal, ids);
    }

    [Fact]
    public async Task DeepExpressionsStayCheap()
    {
        // A 2000-term sum of exps and a 400-statement chain of element writes: bounded queries, no stack overflow.
        var terms = string.Join(" + ", Enumerable.Range(0, 2000).Select(i => $"MathF.Exp(x[{i % 7}])"));
        var writes = string.Join("\n", Enumerable.Range(0, 400).Select(i => $"        a[{i}] = a[{(i + 1) % 400}] / s + MathF.Log(a[{i}]);"));
        var source = $$"""
            using System;
            class Deep
            {
                static float M(float[] x, float[] a)
                {
                    float s = {{terms}};
                    {{writes}}
                    return a[0] / s;
                }
            }
            """;
        var compilation = CSharpCompilation.Create(
            "Deep", new[] { CSharpSyntaxTree.ParseText(source) }, TestReferences.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var exceptions = new ConcurrentBag<Exception>();
        var withAnalyzers = compilation.WithAnalyzers(
            AllAnalyzers.Analyzers,
            new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), (e, _, _) => exceptions.Add(e), true, false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }

    private const string TopLevel = """
        using System;
        using System.Linq;
        using LmProb;
        using static TorchSharp.torch;

        // Top-level statements with the bugs in them.
        var logits = new float[] { 1000f, 999f, 997f };
        var e = logits.Select(MathF.Exp).ToArray();
        var z = e.Sum();
        var p = e.Select(v => v / z).ToArray();
        Console.WriteLine(MathF.Log(p[0]));
        int[] inputIds = { 1, 2, 3 };
        var r = Loss.CrossEntropy(new float[9], 3, inputIds);
        Console.WriteLine(r.Sum / inputIds.Length);
        Console.WriteLine(Local(3));
        int Local(int n) => n <= 0 ? 0 : Local(n - 1) + 1;
        static float StaticLocal(float x) => MathF.Exp(x) / (MathF.Exp(x) + 1);
        Func<float[], float> lse = xs => MathF.Log(xs.Sum(MathF.Exp));
        var t = nn.functional.cross_entropy(randn(3, 5), inputIds
        Console.WriteLine(lse(logits))
        """;

    private const string Broken = """
        using System;
        using System.Linq;
        using System.Numerics.Tensors;
        using LmProb;

        namespace Broken
        {
            class Missing
            {
                float M(float[] x)
                {
                    float s = 0
                    for (int i = 0; i < x.Length; i++) s += MathF.Exp(x[i]
                    return x[0] / s;
                }

                float N(float[] x) => Undefined.Softmax(x, y) / MissingSum;
                float O(float[] x) { TensorPrimitives.SoftMax(x); return MathF.Log(); }
                float P(int[] ids) => Loss.CrossEntropy(ids);
                double Q(float[] losses, bool[] mask) { double s = 0; foreach (var l in losses) if (mask[]) s += l; return s / ; }
                void R(float[] logits, int[] tokens, int V) { for (int t = 0; t < tokens.Length; t++) _ = logits[t * V + tokens[t]; }
                float S => MathF.Exp(undefined) / undefinedSum.Sum();
                void T(float[] a) { a[0] = a[; }
                float U(float[] x) { var e = x.Select(v => MathF.Exp(v)); return e.First() / e.Sum(); }
                void V() { var p = new float[3]; Probability.Softmax(p, p); var q = MathF.Log(p[Nope]); }
                void W() { TensorPrimitives.Log(default, default); Probability.Softmax(); }
                void X(Span<float> s) { s[0] /= s.ToArray().Sum(MathF.Exp); }
            }

            class Generic<T> where T : struct
            {
                T[] values = new T[0];
                T this[int i] => values[i];
                float M(float[] x) => x.Select(v => MathF.Exp(v)).Sum() switch { > 0 and var s => x[0] / s, _ => 0 };
            }

            class Unfinished : IDisposable
            {
                public void Dispose(
        """;

    private const string Unusual = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using LmProb;

        namespace Unusual;

        public record Batch(int[] InputIds, bool[] Mask, float[] Logits);

        public static class Outer<TKey> where TKey : notnull
        {
            public sealed class Inner<TValue>
            {
                private readonly Dictionary<TKey, TValue> _map = new();
                public TValue this[TKey key] { get => _map[key]; set => _map[key] = value; }
                public IEnumerable<TValue> Values { get { foreach (var v in _map.Values) yield return v; } }
            }
        }

        public unsafe struct Unsafe
        {
            public fixed float Buffer[16];

            public float Sum(float* p, int n)
            {
                float s = 0;
                for (int i = 0; i < n; i++) s += MathF.Exp(p[i]);
                float* q = stackalloc float[n];
                for (int i = 0; i < n; i++) q[i] = MathF.Exp(p[i]) / s;
                return MathF.Log(q[0]);
            }
        }

        public partial class Trainer
        {
            public event Action<float>? Reported;
            partial void OnStep(int step);
            public static Trainer operator +(Trainer a, Trainer b) => a;
            public static implicit operator float(Trainer t) => 0;
            private readonly float _scale = MathF.Exp(1f) / (MathF.Exp(1f) + MathF.Exp(2f));

            public async Task<float> StepAsync(Batch batch, int vocabSize)
            {
                await Task.Yield();
                var (ids, mask, logits) = (batch.InputIds, batch.Mask, batch.Logits);
                ref float first = ref logits[0];
                first = checked(first * 2);
                var perToken = new float[ids.Length];
                Loss.CrossEntropy(logits, vocabSize, ids, new CrossEntropyOptions { PerTokenLoss = perToken });
                var mean = perToken.Average();
                var query = from l in perToken where l > 0 select MathF.Exp(l);
                var norm = query.Sum();
                float Local(float v) => v / norm;
                Reported?.Invoke(Local(mean));
                var values = new[] { 1f, 2f, 3f } is [var a, .., var c] ? a + c : 0;
                int[] collection = [1, 2, 3, .. ids];
                var sliced = ids[1..^1];
                goto done;
            done:
                return values + _scale + sliced.Length + collection.Length;
            }

            public float Masked(float[] losses, bool[] mask)
            {
                float total = 0;
                int i = 0;
                while (i < losses.Length)
                {
                    if (mask[i]) total += losses[i];
                    i++;
                }

                do { i--; } while (i > 0);
                return total / losses.Length;
            }

            public void Lambdas(float[] x)
            {
                Func<int, Func<float, float>> curry = k => v => MathF.Exp(v * k) / x.Sum(MathF.Exp);
                Action nothing = delegate { };
                var nested = x.Select(a => x.Select(b => MathF.Exp(a - b)).Sum()).ToArray();
                Array.Sort(x, (l, r) => l.CompareTo(r));
                _ = curry(1)(2) + nested.Length;
                nothing();
            }
        }

        public class Primary(int vocab)
        {
            public int Vocab => vocab;
            public double Loss(float[] logits, int[] tokens) => LmProb.Loss.CrossEntropy(logits, vocab, tokens).Sum / tokens.Length;
        }
        """;

    private const string Numerics = """
        using System;
        using System.Numerics;
        using System.Numerics.Tensors;
        using TorchSharp;
        using static TorchSharp.torch;

        namespace Numerics;

        public static class GenericMath
        {
            public static T Softmax0<T>(T[] x) where T : IExponentialFunctions<T>, ILogarithmicFunctions<T>
            {
                T sum = T.Zero;
                foreach (var v in x) sum += T.Exp(v);
                return T.Log(T.Exp(x[0]) / sum);
            }

            public static void Spans(ReadOnlySpan<float> x, Span<float> d)
            {
                TensorPrimitives.Exp(x, d);
                TensorPrimitives.Divide(d, TensorPrimitives.Sum(d), d);
                TensorPrimitives.Log(d, d);
                TensorPrimitives.SoftMax(x, d);
                TensorPrimitives.Log(d, d);
            }

            public static Tensor Torch(nn.Module<Tensor, Tensor> model, Tensor input_ids, Tensor mask)
            {
                var logits = model.call(input_ids);
                var lp = logits.softmax(-1).log();
                var e = logits.exp();
                var p = e / e.sum(-1, true);
                var loss = nn.functional.cross_entropy(logits.view(-1, 10), input_ids.view(-1), reduction: nn.Reduction.None);
                return (loss * mask).sum() / loss.numel() + lp.mean() + p.mean();
            }

            public static float Recursive(float[] x, int depth) =>
                depth == 0 ? MathF.Exp(x[0]) / x.Sum(MathF.Exp) : Recursive(x, depth - 1);

            public static float SelfReferential(float[] x)
            {
                var a = x;
                var b = a;
                a = b;
                x = a;
                float s = 0;
                s = s + s;
                s += s / s;
                return MathF.Log(s / s);
            }
        }
        """;

    // Axes, epsilons, sigmoids and totals (LMP005-LMP008), half of it broken on purpose.
    private const string Normalizers = """
        using System;
        using System.Linq;
        using System.Numerics.Tensors;
        using LmProb;
        using TorchSharp;
        using static TorchSharp.torch;

        namespace Normalizers;

        public static class Shapes
        {
            public static Tensor Axis(long B, long T, long V)
            {
                var x = torch.randn(B, T, V);
                x = x * x;
                var y = x.view(B * T, V).unsqueeze(0).unsqueeze(0);
                var z = torch.zeros(new long[] { B, T, V }).softmax(1);
                var w = torch.empty([B, T, .. new long[] { V }]).softmax(0);
                var broken = torch.randn(B, T, V).softmax(dim: );
                return x.softmax(0) + y.log_softmax(1) + z + w + torch.tensor(new float[2, 3, 4]).softmax(1);
            }

            public static Tensor Cycle(Tensor a, long n)
            {
                var t = torch.ones(n, n);
                for (int i = 0; i < 3; i++) t = t.matmul(t) + a;
                return t.softmax(0) + (torch.sigmoid(a) + 1e-9).log();
            }
        }

        public static class Epsilons
        {
            const float Eps = 1e-7f;

            public static float M(float[] logits, int k)
            {
                var p = new float[logits.Length];
                Probability.Softmax(logits, p);
                p[0] += Eps;
                var q = MathF.Log(p[k] + Eps) + MathF.Log(MathF.Max(p[1], )) + MathF.Log(Math.Clamp(p[2], Eps));
                TensorPrimitives.Add(p, Eps, p);
                TensorPrimitives.Log(p, p);
                return q + MathF.Log(p[k] + 1e-9f + 1e-9f) + MathF.Log(Undefined(p) + Eps);
            }
        }

        public static class Sigmoids
        {
            static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
            static float Logistic() => 0;

            public static float Bce(float x, float y, float[] xs, float[] ys)
            {
                var s = Sigmoid(x);
                var loss = -(y * MathF.Log(s) + (1 - y) * MathF.Log(1 - s));
                var t = new float[xs.Length];
                TensorPrimitives.Sigmoid(xs, t);
                for (int i = 0; i < t.Length; i++) loss += -(ys[i] * MathF.Log(t[i]) + (1 - ys[i]) * MathF.Log(1 - t[i] + ));
                loss += MathF.Log(1 - Logistic()) + MathF.Log(1 - 1 / (1 + MathF.Exp(-x) + MathF.Exp(x)));
                return loss + -(y * MathF.Log(s) - (1 - y) * -MathF.Log(1 - s) * (1 - y));
            }

            public static Tensor Torch(Tensor logits, Tensor y) =>
                nn.functional.binary_cross_entropy(logits.sigmoid(), y, reduction: ) + nn.BCELoss().call(torch.sigmoid(logits), y);
        }

        public static class Totals
        {
            public static double M(float[] losses, float[] logProbs, float[][] nested, int n)
            {
                double total = 0, nll = 0;
                foreach (var l in losses) total += l;
                for (int i = 0; i < n; i++) nll -= logProbs[i];
                for (int i = 0; ; i++) total += i;
                foreach (var row in nested) foreach (var l in row) nll += l;
                var r = Loss.CrossEntropy(new float[4], 2, new[] { 1, 0 });
                return Math.Exp(total) + Math.Exp(nll) + Metrics.Perplexity(r.Sum) + Math.Exp(-logProbs.Sum())
                    + Math.Exp(losses.Sum(l => l * )) + Metrics.BitsPerToken(losses.Sum()) + Math.Exp(Missing.Sum());
            }

            public static Tensor T(Tensor l) => l.sum().exp() + torch.exp(l.sum(-1)) + l.sum(dim: ).exp();
        }
        """;
}
