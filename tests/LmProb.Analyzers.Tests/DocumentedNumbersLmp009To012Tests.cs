using System;
using System.Linq;

namespace LmProb.Analyzers.Tests;

/// <summary>
/// The worked numbers of docs/rules/LMP009.md to LMP012.md, computed for real (the same idea as
/// <see cref="DocumentedNumbersTests"/>, in its own file so the rules can be merged separately).
/// </summary>
public class DocumentedNumbersLmp009To012Tests
{
    private static float[] NaiveSoftmax(float[] logits, float temperature)
    {
        var scaled = logits.Select(l => l / temperature).ToArray();
        var max = scaled.Max();
        var e = scaled.Select(s => MathF.Exp(s - max)).ToArray();
        var sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    [Fact]
    public void Lmp009ZeroTemperatureGivesNaNAndANegativeOneReversesTheRanking()
    {
        float[] logits = { 2, 1, 0 };
        var scaled = logits.Select(l => l / 0f).ToArray();
        Assert.Equal(new[] { float.PositiveInfinity, float.PositiveInfinity, float.NaN }, scaled);
        Assert.All(NaiveSoftmax(logits, 0f), p => Assert.True(float.IsNaN(p)));

        var reversed = NaiveSoftmax(logits, -1f);
        var normal = NaiveSoftmax(logits, 1f);
        Assert.Equal(new[] { 0.0900f, 0.2447f, 0.6652f }, reversed.Select(p => MathF.Round(p, 4)));
        Assert.Equal(normal.Reverse().Select(p => MathF.Round(p, 4)), reversed.Select(p => MathF.Round(p, 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Probability.Softmax(logits, new float[3], 0f));
    }

    [Theory]
    [InlineData(new float[] { 10000.1f, 10000.2f, 10000.3f }, -8f, 0.00668)]
    [InlineData(new float[] { 10000f, 10001f, 10002f, 10003f }, 0f, 1.25)]
    public void Lmp010NaiveVarianceLosesEveryDigitNearTenThousand(float[] x, float naive, double stable)
    {
        float sum = 0, sumSq = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i];
            sumSq += x[i] * x[i];
        }

        float mean = sum / x.Length;
        Assert.Equal(naive, sumSq / x.Length - mean * mean);
        Assert.Equal(stable, Metrics.Variance(x), 5);
    }

    // cum += p[i]; if (u < cum) return i; with -1 as the fall-through.
    private static int SampleByCumulativeMass(float[] p, double u)
    {
        double cum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            cum += p[i];
            if (u < cum)
            {
                return i;
            }
        }

        return -1;
    }

    [Fact]
    public void Lmp011UnnormalizedTopKFallsOffTheEndForTwentyPercentOfDraws()
    {
        float[] kept = { 0.5f, 0.3f, 0f }; // top-2 of [0.5, 0.3, 0.2], not renormalized
        var mass = kept.Sum();
        Assert.Equal(0.8f, mass, 6);
        Assert.Equal(-1, SampleByCumulativeMass(kept, 0.85));
        Assert.Equal(1, SampleByCumulativeMass(kept, 0.75));

        // The fraction of a fine grid of draws that reaches no token: 1 - mass.
        var draws = Enumerable.Range(0, 1000).Select(i => (i + 0.5) / 1000).ToArray();
        Assert.Equal(0.2, draws.Count(u => SampleByCumulativeMass(kept, u) < 0) / 1000.0, 2);

        // Renormalized, or with the draw scaled by the kept mass, every draw lands on a kept token.
        Assert.Equal(new[] { 0.625f, 0.375f, 0f }, kept.Select(p => MathF.Round(p / mass, 4)));
        Assert.All(draws, u => Assert.InRange(SampleByCumulativeMass(kept, u * mass), 0, 1));
    }

    [Fact]
    public void Lmp011CheckingBeforeKeepingEmptiesTheNucleusWhenTheFirstTokenReachesP()
    {
        float[] sorted = { 0.95f, 0.03f, 0.02f };
        const float topP = 0.9f;

        float cum = 0;
        int checkFirst = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (cum + sorted[i] > topP)
            {
                break;
            }

            cum += sorted[i];
            checkFirst++;
        }

        cum = 0;
        int keepFirst = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            cum += sorted[i];
            keepFirst++;
            if (cum >= topP)
            {
                break;
            }
        }

        Assert.Equal(0, checkFirst);
        Assert.Equal(1, keepFirst);
    }

    [Fact]
    public void Lmp012RawSumPrefersTheShorterAnswerWhereTheMeanDoesNot()
    {
        float[] shortAnswer = { -1.0f };
        float[] longAnswer = { -0.5f, -0.5f, -0.5f };

        Assert.Equal(-1.0, Metrics.SequenceScore(shortAnswer, LengthNormalization.None), 9);
        Assert.Equal(-1.5, Metrics.SequenceScore(longAnswer, LengthNormalization.None), 9);
        Assert.Equal(-0.5, Metrics.SequenceScore(longAnswer, LengthNormalization.Mean), 9);
        Assert.Equal(-1.26, Metrics.SequenceScore(longAnswer, LengthNormalization.Gnmt), 2);
        Assert.Equal(-1.0, Metrics.SequenceScore(shortAnswer, LengthNormalization.Gnmt), 9);

        // Appending any token can only lower the raw sum.
        Assert.True(Metrics.SequenceScore(longAnswer.Take(2).ToArray(), LengthNormalization.None) > Metrics.SequenceScore(longAnswer, LengthNormalization.None));
    }
}
