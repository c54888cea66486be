using System;

namespace LmProb.Benchmarks.Infrastructure;

/// <summary>Reproducible benchmark inputs: the same logits in every run, process and implementation.</summary>
internal static class Logits
{
    /// <summary>The seed every benchmark's <c>[GlobalSetup]</c> uses.</summary>
    public const int Seed = 20261101;

    /// <summary>
    /// Fills <paramref name="destination"/> with logits drawn from N(0, 4²) (Box–Muller on
    /// <see cref="Random"/> seeded with <paramref name="seed"/>): the spread of a real LM's
    /// next-token logits, and within Half's range, so the three element types hold the same row.
    /// </summary>
    public static void Fill(Span<float> destination, int seed = Seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < destination.Length; i += 2)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var radius = 4.0 * Math.Sqrt(-2.0 * Math.Log(u1));
            destination[i] = (float)(radius * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = (float)(radius * Math.Sin(2 * Math.PI * u2));
            }
        }
    }

    /// <summary>Rounds each float to <see cref="Half"/>.</summary>
    public static void ToHalf(ReadOnlySpan<float> source, Span<Half> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (Half)source[i];
        }
    }

    /// <summary>Rounds each float to <see cref="BFloat16"/>.</summary>
    public static void ToBFloat16(ReadOnlySpan<float> source, Span<BFloat16> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (BFloat16)source[i];
        }
    }

    /// <summary>A fixed target token for cross-entropy: a third of the way into the row.</summary>
    public static int Target(int vocabSize) => vocabSize / 3;
}
