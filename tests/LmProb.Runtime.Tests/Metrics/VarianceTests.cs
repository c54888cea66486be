using System;
using System.Linq;
using CsCheck;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

public class VarianceTests
{
    [Fact]
    public void Variance_divides_by_n()
    {
        // Mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over n = 4: 1.25 (not 5/3).
        Assert.Equal(1.25, Metrics.Variance([1f, 2f, 3f, 4f]));
        Assert.Equal(0.25, Metrics.Variance([-0.5f, 0.5f]));
    }

    [Fact]
    public void Variance_of_one_value_or_equal_values_is_zero()
    {
        Assert.Equal(0.0, Metrics.Variance([42f]));
        Assert.Equal(0.0, Metrics.Variance([float.MaxValue]));
        Assert.Equal(0.0, Metrics.Variance(Enumerable.Repeat(0.1f, 1001).ToArray()));
        Assert.Equal(0.0, Metrics.Variance(Enumerable.Repeat(1e9f, 1001).ToArray()));
    }

    [Fact]
    public void Variance_of_nothing_throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Metrics.Variance(ReadOnlySpan<float>.Empty));
        Assert.Equal("x", error.ParamName);
        Assert.Throws<ArgumentException>(() => Metrics.Variance(ReadOnlySpan<Half>.Empty));
        Assert.Throws<ArgumentException>(() => Metrics.Variance(ReadOnlySpan<BFloat16>.Empty));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Variance_with_a_non_finite_value_is_nan(float bad)
    {
        Assert.True(double.IsNaN(Metrics.Variance([1f, bad, 3f])));
        Assert.True(double.IsNaN(Metrics.Variance([bad])));
    }

    [Fact]
    public void Variance_of_the_largest_floats_does_not_overflow()
    {
        // Squares are taken in double, so ±3e38 give 9e76 rather than +inf.
        var variance = Metrics.Variance([3e38f, -3e38f]);
        Assertions.Close((double)3e38f * 3e38f, variance, relative: 4.5e-16);
    }

    [Fact]
    public void Variance_of_subnormals_is_not_flushed_to_zero()
    {
        // ±ε (2^-149) have variance 2^-298: a double, though no float.
        var variance = Metrics.Variance([float.Epsilon, -float.Epsilon]);
        Assert.Equal(Math.Pow(2, -298), variance);
    }

    [Fact]
    public void Variance_of_1e9_plus_noise_is_exact_where_the_naive_formula_is_not()
    {
        // Floats near 1e9 are 64 apart, so x = 1e9 + 64 k is exact for small integers k, and the true
        // variance is 64² · Var(k), computed here in exact integer arithmetic.
        var random = new Random(5);
        var k = Enumerable.Range(0, 10_001).Select(_ => random.Next(-3, 4)).ToArray();
        var x = k.Select(v => 1e9f + (64 * v)).ToArray();
        Assert.All(x.Zip(k), p => Assert.Equal(1e9 + (64.0 * p.Second), p.First));
        var exact = 64.0 * 64.0 * ExactVariance(k);

        // E[x²] − E[x]² in double: x² ≈ 1e18 has an ulp of 128, and the variance is ≈ 16000, so the
        // cancellation leaves only a few correct digits (or none).
        var meanOfSquares = x.Sum(v => (double)v * v) / x.Length;
        var mean = x.Sum(v => (double)v) / x.Length;
        var naive = meanOfSquares - (mean * mean);
        Assert.True(Math.Abs(naive - exact) > 1e-3 * exact, $"the naive formula was expected to fail: naive {naive:R}, exact {exact:R}");

        // Ours: within the bound n · 2^-53 of the double sums.
        Assertions.Close(exact, Metrics.Variance(x), relative: SummationBound(x.Length));
    }

    [Fact]
    public void Variance_matches_exact_arithmetic_on_dyadic_values_with_a_large_offset()
    {
        // x = 2^20 + k / 8 is exact in float for |k| < 2^22; Var(x) = Var(k) / 64 exactly.
        var random = new Random(9);
        var k = Enumerable.Range(0, 4099).Select(_ => random.Next(-4000, 4001)).ToArray();
        var x = k.Select(v => 1048576f + (v / 8f)).ToArray();
        Assertions.Close(ExactVariance(k) / 64, Metrics.Variance(x), relative: SummationBound(x.Length));
    }

    [Fact]
    public void Variance_of_normal_data_matches_exact_arithmetic()
    {
        // Quantize to multiples of 2^-10 so the exact variance is a ratio of integers.
        var k = Rows.Normal(1000, scale: 3, seed: 2).Select(v => (int)MathF.Round(v * 1024)).ToArray();
        var x = k.Select(v => v / 1024f).ToArray();
        Assertions.Close(ExactVariance(k) / (1024.0 * 1024.0), Metrics.Variance(x), relative: SummationBound(x.Length));
    }

    [Fact]
    public void Variance_of_half_and_bfloat16_equals_float_of_the_same_values()
    {
        var x = Rows.Normal(300, scale: 10, seed: 4);
        var half = Rows.ToHalf(x);
        var bf16 = Rows.ToBFloat16(x);
        Assert.Equal(Metrics.Variance(Rows.ToSingle(half)), Metrics.Variance(half));
        Assert.Equal(Metrics.Variance(Rows.ToSingle(bf16)), Metrics.Variance(bf16));
        // And Half's largest finite value does not overflow either.
        Assertions.Close(65504.0 * 65504.0, Metrics.Variance([Half.MaxValue, Half.MinValue]), relative: 4.5e-16);
    }

    [Fact]
    public void Property_variance_is_never_negative()
    {
        Gen.Float[-1e6f, 1e6f].Array[1, 64].Sample(x =>
        {
            var variance = Metrics.Variance(x);
            Assert.True(variance >= 0, $"Variance {variance:R} < 0");
        }, iter: 2000);

        // Nearly equal values, where the correction term could dip below 0.
        Gen.Select(Gen.Float[-1e6f, 1e6f], Gen.Int[0, 3].Array[1, 64]).Sample((center, steps) =>
        {
            var x = steps.Select(s => center + (s * MathF.Abs(center) * 1e-7f)).ToArray();
            Assert.True(Metrics.Variance(x) >= 0);
        }, iter: 2000);
    }

    [Fact]
    public void Property_shifting_by_a_constant_leaves_the_variance_unchanged()
    {
        // Integers up to 2^24 are exact in float, so x + c is computed exactly and the two variances
        // are of exactly shifted data: both must match the exact variance of k within the summation bound.
        Gen.Select(Gen.Int[-1000, 1000].Array[2, 64], Gen.Int[-8_000_000, 8_000_000]).Sample((k, shift) =>
        {
            var x = k.Select(v => (float)v).ToArray();
            var shifted = k.Select(v => (float)(v + shift)).ToArray();
            var expected = ExactVariance(k);
            Assertions.Close(expected, Metrics.Variance(x), relative: SummationBound(k.Length), absolute: 1e-12);
            Assertions.Close(expected, Metrics.Variance(shifted), relative: SummationBound(k.Length), absolute: 1e-12);
        }, iter: 2000);
    }

    /// <summary>
    /// The error bound of a recursive double sum of n terms, (n + 2) · 2^-53 relative, which covers the
    /// sums of the two passes (the deviations themselves are exact or nearly so).
    /// </summary>
    private static double SummationBound(int n) => (n + 2) * Math.Pow(2, -53);

    /// <summary>Population variance of integers: (n Σk² − (Σk)²) / n², numerator exact in Int128, one rounding in the division.</summary>
    private static double ExactVariance(int[] k)
    {
        Int128 n = k.Length;
        Int128 sum = 0;
        Int128 sumOfSquares = 0;
        foreach (var v in k)
        {
            sum += v;
            sumOfSquares += (Int128)v * v;
        }
        var numerator = (n * sumOfSquares) - (sum * sum);
        return (double)numerator / ((double)n * (double)n);
    }
}
