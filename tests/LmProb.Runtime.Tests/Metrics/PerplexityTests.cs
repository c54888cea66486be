using System;
using System.Linq;
using LmProb.Tests.Infrastructure;

// Not LmProb.Tests.Metrics: a namespace of that name would hide the Metrics class.
namespace LmProb.Tests;

public class PerplexityTests
{
    private const double Ln2 = 0.693147180559945309417232121458;

    [Fact]
    public void Perplexity_of_mean_nll_1_75_is_e_to_the_1_75()
    {
        // e^1.75 = 5.754602676005730…; Math.Exp is within 1 ulp, so compare to 2 ulps of double.
        var perplexity = Metrics.Perplexity(1.75);
        Assertions.Close(Math.Exp(1.75), perplexity, relative: 4.5e-16);
        Assertions.Close(5.7546, perplexity, relative: 0, absolute: 5e-5, what: "hand value");
    }

    [Fact]
    public void BitsPerToken_of_mean_nll_1_75_is_1_75_over_ln_2()
    {
        // 1.75 / ln 2 = 2.524710524…; one division, so within 1 ulp.
        var bits = Metrics.BitsPerToken(1.75);
        Assertions.Close(1.75 / Math.Log(2), bits, relative: 2.3e-16);
        Assertions.Close(2.5247, bits, relative: 0, absolute: 5e-5, what: "hand value");
    }

    [Fact]
    public void BitsPerByte_divides_the_total_by_ln_2_and_the_byte_count()
    {
        // 1000 nats over 400 bytes: 2.5 nats per byte = 3.6067376 bits per byte.
        Assertions.Close(1000 / (Ln2 * 400), Metrics.BitsPerByte(1000, 400), relative: 4.5e-16);
        Assertions.Close(3.60674, Metrics.BitsPerByte(1000, 400), relative: 0, absolute: 5e-6, what: "hand value");
        Assert.Equal(0.0, Metrics.BitsPerByte(0, 1));
        // A byte count past int.MaxValue is fine (the parameter is long).
        Assertions.Close(1.0, Metrics.BitsPerByte(Ln2 * 3e10, 30_000_000_000L), relative: 4.5e-16);
    }

    [Fact]
    public void Zero_nll_is_perplexity_one_and_zero_bits()
    {
        Assert.Equal(1.0, Metrics.Perplexity(0));
        Assert.Equal(1.0, Metrics.Perplexity(-0.0));
        Assert.Equal(0.0, Metrics.BitsPerToken(0));
    }

    [Fact]
    public void Nan_nll_gives_nan_and_infinite_nll_gives_infinity()
    {
        Assert.True(double.IsNaN(Metrics.Perplexity(double.NaN)));
        Assert.True(double.IsNaN(Metrics.BitsPerToken(double.NaN)));
        Assert.True(double.IsNaN(Metrics.BitsPerByte(double.NaN, 10)));
        Assert.Equal(double.PositiveInfinity, Metrics.Perplexity(double.PositiveInfinity));
        Assert.Equal(double.PositiveInfinity, Metrics.BitsPerToken(double.PositiveInfinity));
        Assert.Equal(double.PositiveInfinity, Metrics.BitsPerByte(double.PositiveInfinity, 10));
        // exp overflows double past ~709.78 nats per token: a true +inf, not an error.
        Assert.Equal(double.PositiveInfinity, Metrics.Perplexity(710));
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(-1e-300)]
    [InlineData(double.NegativeInfinity)]
    public void Negative_mean_nll_throws_naming_the_parameter_and_value(double meanNll)
    {
        var perplexity = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.Perplexity(meanNll));
        Assert.Equal("meanNll", perplexity.ParamName);
        Assert.Contains(meanNll.ToString("R", System.Globalization.CultureInfo.InvariantCulture), perplexity.Message, StringComparison.Ordinal);
        var bits = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.BitsPerToken(meanNll));
        Assert.Equal("meanNll", bits.ParamName);
        var perByte = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.BitsPerByte(meanNll, 10));
        Assert.Equal("totalNll", perByte.ParamName);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void BitsPerByte_with_a_byte_count_that_is_not_positive_throws(long byteCount)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.BitsPerByte(10, byteCount));
        Assert.Equal("byteCount", error.ParamName);
        Assert.Contains($"byteCount {byteCount} must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PerplexityFromLogProbabilities_is_exp_of_minus_the_mean()
    {
        // p = 1/2, 1/4, 1/8: mean NLL 2 ln 2, perplexity 4 (up to the rounding of the float logs).
        float[] logProbabilities = [MathF.Log(0.5f), MathF.Log(0.25f), MathF.Log(0.125f)];
        var perplexity = Metrics.PerplexityFromLogProbabilities(logProbabilities);
        Assertions.Close(ReferencePerplexity(logProbabilities), perplexity, relative: 1e-15);
        Assertions.Close(4.0, perplexity, relative: 1e-6, what: "hand value");
    }

    [Fact]
    public void PerplexityFromLogProbabilities_matches_the_double_reference_on_random_input()
    {
        var logProbabilities = Rows.Normal(1000, scale: 2, seed: 7).Select(v => -MathF.Abs(v)).ToArray();
        // The sum is in double, one rounding per element: relative error ≲ 1000 · 2^-53 in the mean,
        // magnified by at most the mean (≈ 1.6) in the exp.
        Assertions.Close(ReferencePerplexity(logProbabilities), Metrics.PerplexityFromLogProbabilities(logProbabilities), relative: 1e-12);
    }

    [Fact]
    public void PerplexityFromLogProbabilities_sums_in_double_over_a_million_tokens()
    {
        // A float accumulator drifts by ~1e-3 relative here; the double sum is exact to ~1e-10.
        var logProbabilities = Enumerable.Repeat(-0.1f, 1_000_000).ToArray();
        Assertions.Close(Math.Exp(0.1f), Metrics.PerplexityFromLogProbabilities(logProbabilities), relative: 1e-10);
    }

    [Fact]
    public void PerplexityFromLogProbabilities_of_certain_tokens_is_one()
    {
        Assert.Equal(1.0, Metrics.PerplexityFromLogProbabilities([0f]));
        Assert.Equal(1.0, Metrics.PerplexityFromLogProbabilities([0f, -0f, 0f]));
    }

    [Fact]
    public void PerplexityFromLogProbabilities_of_length_one_is_one_over_p()
    {
        Assertions.Close(1 / (double)0.2f, Metrics.PerplexityFromLogProbabilities([MathF.Log(0.2f)]), relative: 1e-7);
    }

    [Fact]
    public void PerplexityFromLogProbabilities_propagates_nan_and_infinity()
    {
        Assert.True(double.IsNaN(Metrics.PerplexityFromLogProbabilities([-1f, float.NaN, -2f])));
        Assert.Equal(double.PositiveInfinity, Metrics.PerplexityFromLogProbabilities([-1f, float.NegativeInfinity]));
        // Finite but huge: exp(3e38) overflows to +inf rather than throwing.
        Assert.Equal(double.PositiveInfinity, Metrics.PerplexityFromLogProbabilities([-3e38f]));
    }

    [Fact]
    public void PerplexityFromLogProbabilities_of_nothing_throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Metrics.PerplexityFromLogProbabilities(ReadOnlySpan<float>.Empty));
        Assert.Equal("tokenLogProbabilities", error.ParamName);
        Assert.Throws<ArgumentException>(() => Metrics.PerplexityFromLogProbabilities(ReadOnlySpan<Half>.Empty));
        Assert.Throws<ArgumentException>(() => Metrics.PerplexityFromLogProbabilities(ReadOnlySpan<BFloat16>.Empty));
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(float.Epsilon)]
    [InlineData(float.PositiveInfinity)]
    public void PerplexityFromLogProbabilities_of_a_positive_log_probability_throws_naming_index_and_value(float bad)
    {
        float[] logProbabilities = [-1f, -2f, bad, -3f];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.PerplexityFromLogProbabilities(logProbabilities));
        Assert.Equal("tokenLogProbabilities", error.ParamName);
        Assert.Contains($"tokenLogProbabilities[2] is {bad.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PerplexityFromLogProbabilities_of_half_and_bfloat16_equals_float_of_the_same_values()
    {
        var logProbabilities = Rows.Normal(257, scale: 3, seed: 3).Select(v => -MathF.Abs(v)).ToArray();
        var half = Rows.ToHalf(logProbabilities);
        var bf16 = Rows.ToBFloat16(logProbabilities);
        // Widening is exact and the arithmetic identical, so the results are bit-identical.
        Assert.Equal(Metrics.PerplexityFromLogProbabilities(Rows.ToSingle(half)), Metrics.PerplexityFromLogProbabilities(half));
        Assert.Equal(Metrics.PerplexityFromLogProbabilities(Rows.ToSingle(bf16)), Metrics.PerplexityFromLogProbabilities(bf16));
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.PerplexityFromLogProbabilities([(Half)(-1f), (Half)1f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.PerplexityFromLogProbabilities([(BFloat16)(-1f), (BFloat16)1f]));
    }

    [Fact]
    public void Perplexity_bits_and_log_probabilities_agree()
    {
        var logProbabilities = Rows.Normal(64, scale: 1, seed: 11).Select(v => -MathF.Abs(v)).ToArray();
        var meanNll = -logProbabilities.Sum(v => (double)v) / logProbabilities.Length;
        Assertions.Close(Metrics.Perplexity(meanNll), Metrics.PerplexityFromLogProbabilities(logProbabilities), relative: 1e-14);
        // log2(perplexity) = bits per token.
        Assertions.Close(Math.Log2(Metrics.Perplexity(meanNll)), Metrics.BitsPerToken(meanNll), relative: 1e-14);
        // Over n tokens of b bytes each, bits per byte = bits per token / b.
        Assertions.Close(Metrics.BitsPerToken(meanNll) / 4, Metrics.BitsPerByte(meanNll * 64, 64 * 4), relative: 1e-14);
    }

    private static double ReferencePerplexity(float[] logProbabilities) =>
        Math.Exp(-logProbabilities.Sum(v => (double)v) / logProbabilities.Length);
}
