using System;
using System.Linq;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

public class SequenceScoreTests
{
    // Exact in float: the sum is -4 and L = 4 with no rounding anywhere before the normalization.
    private static readonly float[] Example = [-1f, -2f, -0.5f, -0.5f];

    [Fact]
    public void None_is_the_sum()
    {
        Assert.Equal(-4.0, Metrics.SequenceScore(Example, LengthNormalization.None));
    }

    [Fact]
    public void Mean_is_the_sum_over_the_length()
    {
        Assert.Equal(-1.0, Metrics.SequenceScore(Example, LengthNormalization.Mean));
    }

    [Fact]
    public void Gnmt_divides_by_the_length_penalty()
    {
        // ((5 + 4) / 6)^0.6 = 1.5^0.6 = e^(0.6 · 0.405465) = 1.275424…, so -4 / 1.275424 = -3.136211…
        var score = Metrics.SequenceScore(Example, LengthNormalization.Gnmt, alpha: 0.6);
        Assertions.Close(-4 / Math.Pow(1.5, 0.6), score, relative: 4.5e-16);
        Assertions.Close(-3.13621, score, relative: 0, absolute: 5e-6, what: "hand value");
        // α = 1: -4 / 1.5.
        Assertions.Close(-4 / 1.5, Metrics.SequenceScore(Example, LengthNormalization.Gnmt, alpha: 1), relative: 2.3e-16);
    }

    [Fact]
    public void Gnmt_alpha_defaults_to_0_6()
    {
        Assert.Equal(
            Metrics.SequenceScore(Example, LengthNormalization.Gnmt, 0.6),
            Metrics.SequenceScore(Example, LengthNormalization.Gnmt));
    }

    [Fact]
    public void Gnmt_with_alpha_zero_or_length_one_is_the_sum()
    {
        Assert.Equal(-4.0, Metrics.SequenceScore(Example, LengthNormalization.Gnmt, alpha: 0));
        // (5 + 1) / 6 = 1, and 1^α = 1.
        Assert.Equal((double)-2.5f, Metrics.SequenceScore([-2.5f], LengthNormalization.Gnmt, alpha: 0.7));
        Assert.Equal((double)-2.5f, Metrics.SequenceScore([-2.5f], LengthNormalization.Mean));
    }

    [Fact]
    public void Length_normalization_can_reverse_a_ranking()
    {
        // A short poor answer beats a long good one by raw sum, loses by mean (the reason for LMP012).
        float[] shortPoor = [-1.5f, -1.5f];
        float[] longGood = [-0.5f, -0.5f, -0.5f, -0.5f, -0.5f, -0.5f, -0.5f, -0.5f];
        Assert.True(Metrics.SequenceScore(shortPoor, LengthNormalization.None) > Metrics.SequenceScore(longGood, LengthNormalization.None));
        Assert.True(Metrics.SequenceScore(shortPoor, LengthNormalization.Mean) < Metrics.SequenceScore(longGood, LengthNormalization.Mean));
        Assert.True(Metrics.SequenceScore(shortPoor, LengthNormalization.Gnmt, 1) < Metrics.SequenceScore(longGood, LengthNormalization.Gnmt, 1));
    }

    [Fact]
    public void Random_input_matches_the_double_reference()
    {
        var logProbabilities = Rows.Normal(777, scale: 2, seed: 21).Select(v => -MathF.Abs(v)).ToArray();
        var sum = logProbabilities.Sum(v => (double)v);
        // One double rounding per element in the sum: relative ≤ n · 2^-53 ≈ 1e-13.
        const double tolerance = 1e-13;
        Assertions.Close(sum, Metrics.SequenceScore(logProbabilities, LengthNormalization.None), relative: tolerance);
        Assertions.Close(sum / 777, Metrics.SequenceScore(logProbabilities, LengthNormalization.Mean), relative: tolerance);
        Assertions.Close(sum / Math.Pow(782.0 / 6, 0.8), Metrics.SequenceScore(logProbabilities, LengthNormalization.Gnmt, 0.8), relative: tolerance);
    }

    [Theory]
    [InlineData(LengthNormalization.None)]
    [InlineData(LengthNormalization.Mean)]
    [InlineData(LengthNormalization.Gnmt)]
    public void Nan_and_infinity_propagate(LengthNormalization mode)
    {
        Assert.True(double.IsNaN(Metrics.SequenceScore([-1f, float.NaN], mode)));
        Assert.Equal(double.NegativeInfinity, Metrics.SequenceScore([-1f, float.NegativeInfinity], mode));
        Assert.Equal(0.0, Metrics.SequenceScore([0f, 0f], mode));
        Assert.False(double.IsNegative(Metrics.SequenceScore([-0f, 0f], mode)), "certain tokens score +0");
    }

    [Theory]
    [InlineData(LengthNormalization.None)]
    [InlineData(LengthNormalization.Mean)]
    [InlineData(LengthNormalization.Gnmt)]
    public void Empty_throws(LengthNormalization mode)
    {
        var error = Assert.Throws<ArgumentException>(() => Metrics.SequenceScore(ReadOnlySpan<float>.Empty, mode));
        Assert.Equal("tokenLogProbabilities", error.ParamName);
        Assert.Throws<ArgumentException>(() => Metrics.SequenceScore(ReadOnlySpan<Half>.Empty, mode));
        Assert.Throws<ArgumentException>(() => Metrics.SequenceScore(ReadOnlySpan<BFloat16>.Empty, mode));
    }

    [Fact]
    public void A_positive_log_probability_throws_naming_index_and_value()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.SequenceScore([-1f, 0.25f], LengthNormalization.Mean));
        Assert.Equal("tokenLogProbabilities", error.ParamName);
        Assert.Contains("tokenLogProbabilities[1] is 0.25", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undefined_mode_throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.SequenceScore(Example, (LengthNormalization)7));
        Assert.Equal("mode", error.ParamName);
        Assert.Contains("mode 7", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void A_bad_alpha_throws_in_every_mode(double alpha)
    {
        foreach (var mode in new[] { LengthNormalization.None, LengthNormalization.Mean, LengthNormalization.Gnmt })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.SequenceScore(Example, mode, alpha));
            Assert.Equal("alpha", error.ParamName);
        }
    }

    [Fact]
    public void Half_and_bfloat16_equal_float_of_the_same_values()
    {
        var logProbabilities = Rows.Normal(100, scale: 2, seed: 8).Select(v => -MathF.Abs(v)).ToArray();
        var half = Rows.ToHalf(logProbabilities);
        var bf16 = Rows.ToBFloat16(logProbabilities);
        foreach (var mode in new[] { LengthNormalization.None, LengthNormalization.Mean, LengthNormalization.Gnmt })
        {
            Assert.Equal(Metrics.SequenceScore(Rows.ToSingle(half), mode), Metrics.SequenceScore(half, mode));
            Assert.Equal(Metrics.SequenceScore(Rows.ToSingle(bf16), mode), Metrics.SequenceScore(bf16, mode));
        }
    }

    [Fact]
    public void AnswerNll_averages_over_the_answer_tokens_only()
    {
        // Prompt NLLs 3 and 2 are left out: (1 + 0.5) / 2 = 0.75.
        float[] logProbabilities = [-3f, -2f, -1f, -0.5f];
        bool[] answer = [false, false, true, true];
        Assert.Equal(0.75, Metrics.AnswerNll(logProbabilities, answer));
        // A non-contiguous mask.
        Assert.Equal(2.0, Metrics.AnswerNll(logProbabilities, [true, false, true, false]));
    }

    [Fact]
    public void AnswerNll_never_reads_the_prompt_entries()
    {
        // NaN, +inf and positive placeholders outside the mask are neither errors nor NaN.
        float[] logProbabilities = [float.NaN, 5f, float.PositiveInfinity, -1f, -0.5f];
        Assert.Equal(0.75, Metrics.AnswerNll(logProbabilities, [false, false, false, true, true]));
    }

    [Fact]
    public void AnswerNll_over_every_token_is_the_negated_mean_score()
    {
        var logProbabilities = Rows.Normal(50, scale: 2, seed: 13).Select(v => -MathF.Abs(v)).ToArray();
        var all = Enumerable.Repeat(true, 50).ToArray();
        var nll = Metrics.AnswerNll(logProbabilities, all);
        Assert.Equal(-Metrics.SequenceScore(logProbabilities, LengthNormalization.Mean), nll);
        Assertions.Close(Math.Log(Metrics.PerplexityFromLogProbabilities(logProbabilities)), nll, relative: 1e-14);
    }

    [Fact]
    public void AnswerNll_edge_values()
    {
        Assert.True(double.IsNaN(Metrics.AnswerNll([-1f, float.NaN], [true, true])));
        Assert.Equal(double.PositiveInfinity, Metrics.AnswerNll([-1f, float.NegativeInfinity], [true, true]));
        var certain = Metrics.AnswerNll([-5f, 0f], [false, true]);
        Assert.Equal(0.0, certain);
        Assert.False(double.IsNegative(certain), "an answer of certain tokens has NLL +0, not -0");
        // Length 1.
        Assert.Equal(2.0, Metrics.AnswerNll([-2f], [true]));
    }

    [Fact]
    public void AnswerNll_with_no_answer_token_throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Metrics.AnswerNll([-1f, -2f], [false, false]));
        Assert.Equal("answerMask", error.ParamName);
        Assert.Contains("none of its 2 tokens", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Metrics.AnswerNll(ReadOnlySpan<float>.Empty, ReadOnlySpan<bool>.Empty));
    }

    [Fact]
    public void AnswerNll_with_mismatched_lengths_throws_naming_both()
    {
        var error = Assert.Throws<ArgumentException>(() => Metrics.AnswerNll([-1f, -2f, -3f], [true, true]));
        Assert.Equal("answerMask", error.ParamName);
        Assert.Contains("answerMask.Length 2 does not match tokenLogProbabilities.Length 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnswerNll_with_a_positive_answer_log_probability_throws_naming_index_and_value()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.AnswerNll([-1f, -2f, 1.5f], [false, true, true]));
        Assert.Equal("tokenLogProbabilities", error.ParamName);
        Assert.Contains("tokenLogProbabilities[2] is 1.5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnswerNll_of_half_and_bfloat16_equals_float_of_the_same_values()
    {
        var logProbabilities = Rows.Normal(90, scale: 2, seed: 17).Select(v => -MathF.Abs(v)).ToArray();
        var mask = Enumerable.Range(0, 90).Select(i => i % 3 != 0).ToArray();
        var half = Rows.ToHalf(logProbabilities);
        var bf16 = Rows.ToBFloat16(logProbabilities);
        Assert.Equal(Metrics.AnswerNll(Rows.ToSingle(half), mask), Metrics.AnswerNll(half, mask));
        Assert.Equal(Metrics.AnswerNll(Rows.ToSingle(bf16), mask), Metrics.AnswerNll(bf16, mask));
    }
}
