using System;
using System.Linq;
using LmProb;

namespace LmProb.Harness;

/// <summary>
/// Prints the exact bit patterns of a fixed set of results. The output must be identical on every
/// SIMD path (AVX-512, AVX2, SSE, scalar); CI runs it under each and compares.
/// </summary>
internal static class Fingerprint
{
    public static void Print()
    {
        foreach (var length in new[] { 1, 7, 63, 64, 65, 1000, 32000, 50257 })
        {
            var x = Row(length, seed: length);
            var p = new float[length];
            var logp = new float[length];
            Probability.Softmax(x, p);
            Probability.LogSoftmax(x, logp);
            var gradient = new float[length];
            var ce = Loss.CrossEntropy(x, length / 2, gradient);
            Console.WriteLine($"V={length} lse={Bits(Probability.LogSumExp(x))} softmax={Hash(p)} logsoftmax={Hash(logp)} ce={Bits(ce)} grad={Hash(gradient)}");
        }

        const int vocab = 1000;
        var batch = Row(vocab * 16, seed: 99);
        var targets = Enumerable.Range(0, 16).Select(i => (i * 37) % vocab).ToArray();
        var result = Loss.CrossEntropy(batch, vocab, targets, new CrossEntropyOptions { LabelSmoothing = 0.1f });
        Console.WriteLine($"batch sum={BitConverter.DoubleToInt64Bits(result.Sum):X16} count={result.Count}");

        var sampler = new Sampler(new SamplerOptions { Temperature = 0.9f, TopK = 50, TopP = 0.95f, Seed = 7 });
        var logits = Row(32000, seed: 5);
        Console.WriteLine($"samples=[{string.Join(",", Enumerable.Range(0, 32).Select(_ => sampler.Next(logits)))}]");
    }

    private static float[] Row(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
    }

    private static string Bits(float value) => BitConverter.SingleToUInt32Bits(value).ToString("X8");

    /// <summary>FNV-1a over the raw bits.</summary>
    private static string Hash(float[] values)
    {
        var hash = 14695981039346656037UL;
        foreach (var v in values)
        {
            hash = (hash ^ BitConverter.SingleToUInt32Bits(v)) * 1099511628211UL;
        }
        return hash.ToString("X16");
    }
}
