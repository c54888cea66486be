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
}
