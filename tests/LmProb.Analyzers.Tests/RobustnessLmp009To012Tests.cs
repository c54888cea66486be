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
/// The crash test of <see cref="RobustnessTests"/> over code aimed at LMP009-LMP012's own paths:
/// temperatures, moments, filters, nucleus loops and rankings, half-written and in odd places
/// (top-level code, primary constructors, properties, partial types, local functions).
/// </summary>
public class RobustnessLmp009To012Tests
{
    private static async Task<ImmutableArray<Diagnostic>> RunAllAnalyzersAsync(ConcurrentBag<Exception> exceptions, OutputKind kind, params string[] sources)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, parseOptions, path: $"Corpus{i}.cs")).ToList();
        var compilation = CSharpCompilation.Create(
            "Corpus9To12",
            trees,
            TestReferences.All,
            new CSharpCompilationOptions(kind, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        var withAnalyzers = compilation.WithAnalyzers(
            AllAnalyzers.Analyzers,
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, _, _) => exceptions.Add(exception),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false));
        return await withAnalyzers.GetAnalyzerDiagnosticsAsync();
    }

    [Fact]
    public async Task NoAnalyzerThrowsAndTheRulesStillFire()
    {
        var exceptions = new ConcurrentBag<Exception>();
        var diagnostics = await RunAllAnalyzersAsync(exceptions, OutputKind.ConsoleApplication, TopLevel, Broken, Odd);

        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        var ids = diagnostics.Select(d => d.Id).ToHashSet();
        Assert.Contains(RuleIds.UncheckedTemperature, ids);
        Assert.Contains(RuleIds.NaiveVariance, ids);
        Assert.Contains(RuleIds.UnnormalizedFilter, ids);
        Assert.Contains(RuleIds.RawSequenceScore, ids);
    }

    [Fact]
    public async Task LongChainsStayCheap()
    {
        // A 2000-factor product minus a square, a 300-deep chain of accumulations in one loop, and
        // a 500-term comparison chain: bounded walks, no stack overflow.
        var product = string.Join(" * ", Enumerable.Range(0, 2000).Select(i => $"x[{i % 5}]"));
        var accumulations = string.Join("\n", Enumerable.Range(0, 300).Select(i => $"            cum += p[{i % 7}] / t; if (cum + p[{i % 3}] > topP) break; count++;"));
        var comparisons = string.Join(" && ", Enumerable.Range(0, 500).Select(i => $"lp{i % 2}.Sum() > lp{(i + 1) % 2}.Sum()"));
        var source = $$"""
            using System;
            using System.Linq;
            class Deep
            {
                static float A(float[] x, float mean) => {{product}} - mean * mean;
                static int B(float[] p, float topP, float t)
                {
                    float cum = 0; int count = 0;
                    for (int i = 0; i < p.Length; i++)
                    {
            {{accumulations}}
                    }
                    return count;
                }
                static bool D(float[] lp0, float[] lp1) => {{comparisons}};
            }
            """;
        var exceptions = new ConcurrentBag<Exception>();
        var diagnostics = await RunAllAnalyzersAsync(exceptions, OutputKind.DynamicallyLinkedLibrary, source);
        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }

    private const string TopLevel = """
        using System;
        using System.Linq;
        using LmProb;

        float temperature = float.Parse(args.Length > 0 ? args[0] : "0");
        var logits = new float[] { 2f, 1f, 0f };
        for (int i = 0; i < logits.Length; i++) logits[i] /= temperature;
        var sq = logits.Select(v => v * v).Average() - logits.Average() * logits.Average();
        var probs = logits.Select(MathF.Exp).ToArray();
        probs[2] = 0;
        Console.WriteLine(Probability.Entropy(probs));
        var candidates = new[] { new float[] { -1f }, new float[] { -0.5f, -0.5f } };
        var best = candidates.OrderByDescending(logProbs => logProbs.Sum()).First();
        int Local(float t, float[] x) => (int)MathF.Exp(x[0] / t);
        Console.WriteLine(sq + best.Length + Local(0.5f, logits)
        """;

    private const string Broken = """
        using System;
        using System.Linq;
        using System.Numerics.Tensors;
        using LmProb;

        namespace Broken
        {
            class Sampler(float temperature)
            {
                float[] Scale(float[] logits) => logits.Select(l => l / temperature).ToArray();
                float Missing(float[] x) => x[0] / Undefined.Temperature;
                float Half(float[] x, float temperature) => x[0] / temperature +;
                void Divide(float[] x, float temperature) => TensorPrimitives.Divide(x, temperature);

                double Variance(float[] x)
                {
                    float s = 0, s2 = 0
                    foreach (var v in x) { s += v; s2 += v * v }
                    return s2 / x.Length - (s / x.Length) * (s / x.;
                }

                double Variance2(float[] x) => x.Select(v => v * v).Average() - Math.Pow(x.Average(), );
                double Variance3(float[] x) => undefinedSq / x.Length - mean * mean;

                int Nucleus(float[] sortedProbs, float topP)
                {
                    float cum = 0; int count = 0;
                    for (int i = 0; i < sortedProbs.Length; i++)
                    {
                        if (cum + sortedProbs[i] > topP) break
                        cum += sortedProbs[i];
                        count++;
                    }
                    while (cum + sortedProbs[count] <= ) { count++; }
                    return count;
                }

                int Draw(float[] probs, Random rng)
                {
                    probs[0] = 0;
                    double u = rng.NextDouble(, cum = 0;
                    for (int i = 0; i < probs.Length; i++) { cum += probs[i]; if (u < cum) return i; }
                    float r = rng.NextSingle();
                    foreach (var p in probs) { r -= p; if (r <= 0) return 1; }
                    return -1;
                }

                bool Compare(float[] aLogProbs, float[] bLogProbs) => aLogProbs.Sum() > bLogProbs.Sum(;
                object Rank(object[] xs) => xs.OrderByDescending(x => x.LogProbs.Sum()).First();
                int Top(float[] probabilities, int k) { var v = new float[k]; Decoding.TopK(probabilities, new int[k], v); return v.Max() > 0 ? 1 : 0; }
            }
        """;

    private const string Odd = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Numerics;
        using LmProb;
        using TorchSharp;
        using static TorchSharp.torch;

        namespace Odd;

        public record Options(float Temperature)
        {
            public float Inverse => 1f / Temperature;
        }

        public partial class Decoder
        {
            private float _temperature;
            public float Temperature { get => _temperature; set => _temperature = value; }
            partial void OnScaled(float[] logits);
            public static T Scale<T>(T logit, T t) where T : IFloatingPoint<T> => T.Exp(logit / t);
            public float this[float t] => MathF.Exp(1f / t);
            public event Action<float>? Scaled;

            public async IAsyncEnumerable<float> Stream(float[] logits)
            {
                foreach (var l in logits)
                {
                    await System.Threading.Tasks.Task.Yield();
                    yield return l / _temperature;
                }
            }

            public float Variance(Span<float> x)
            {
                float s = 0, s2 = 0;
                int i = 0;
                while (i < x.Length) { s += x[i]; s2 = s2 + x[i] * x[i]; i++; }
                float m = s / x.Length;
                Func<float> lazy = () => s2 / x.Length - m * m;
                return lazy();
            }

            public static Tensor Torch(Tensor x, Tensor sorted, Tensor logProbs, Tensor mask, double topP, double t) =>
                (x.pow(2).mean() - x.mean().pow(2)) + sorted.masked_fill(sorted.cumsum(-1) > topP, 0)
                + (logProbs * mask).sum(-1).argmax() + (x / t).softmax(-1);

            public int Nucleus(IReadOnlyList<double> probabilities, double p)
            {
                double mass = 0;
                var kept = new List<int>();
                for (int i = 0; i < probabilities.Count; i++)
                {
                    mass += probabilities[i];
                    switch (i) { case 0: break; default: if (mass > p) goto done; break; }
                    kept.Add(i);
                }
            done:
                return kept.Count;
            }

            public Hypothesis? Best(IEnumerable<Hypothesis> hs) => hs.MaxBy(h => h.LogProbability);
        }
        """;
}
