using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

/// <summary><see cref="Decoding.ApplyTemperature(Span{float}, float)"/> and <see cref="Decoding.ApplyLogitBias(Span{float}, IReadOnlyDictionary{int, float})"/>.</summary>
public class TemperatureAndBiasTests
{
    public static TheoryData<Element> ElementTypes => DecodingReference.ElementData;

    // ---- ApplyTemperature ----

    [Fact]
    public void ApplyTemperature_divides_in_place()
    {
        float[] logits = [2, -4, 1e30f, float.NegativeInfinity, float.PositiveInfinity, float.NaN, 0, -0f];
        Decoding.ApplyTemperature(logits, 2);
        Assert.Equal([1, -2, 5e29f, float.NegativeInfinity, float.PositiveInfinity, float.NaN, 0, -0f], logits);
        Assert.True(float.IsNegative(logits[^1]));
    }

    [Fact]
    public void ApplyTemperature_below_1_can_overflow_to_infinity_as_documented()
    {
        float[] logits = [3e38f, -3e38f, 1];
        Decoding.ApplyTemperature(logits, 0.5f);
        Assert.Equal([float.PositiveInfinity, float.NegativeInfinity, 2], logits);
    }

    [Fact]
    public void ApplyTemperature_matches_division_for_every_length_from_1_to_67()
    {
        foreach (var temperature in new[] { 0.7f, 1f, 1.3f, 1e-3f })
        {
            for (var length = 1; length <= 67; length++)
            {
                var logits = Rows.Normal(length, seed: length);
                var expected = logits.Select(x => x / temperature).ToArray();
                Decoding.ApplyTemperature(logits, temperature);
                Assert.Equal(expected, logits);
            }
        }
    }

    [Fact]
    public void ApplyTemperature_of_16_bit_rows_divides_in_float_and_rounds_once()
    {
        var source = Rows.Normal(67, seed: 4);
        var half = Rows.ToHalf(source);
        var expectedHalf = half.Select(x => (Half)((float)x / 0.7f)).ToArray();
        Decoding.ApplyTemperature(half, 0.7f);
        Assert.Equal(expectedHalf, half);

        var bf16 = Rows.ToBFloat16(source);
        var expectedBf16 = bf16.Select(x => (BFloat16)((float)x / 0.7f)).ToArray();
        Decoding.ApplyTemperature(bf16, 0.7f);
        Assert.Equal(expectedBf16, bf16);
    }

    [Fact]
    public void ApplyTemperature_of_an_empty_row_does_nothing()
    {
        Decoding.ApplyTemperature(Span<float>.Empty, 2);
        Decoding.ApplyTemperature(Span<Half>.Empty, 2);
        Decoding.ApplyTemperature(Span<BFloat16>.Empty, 2);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1.5f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void ApplyTemperature_rejects_temperatures_that_are_not_positive_and_finite(float temperature)
    {
        float[] logits = [1, 2];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.ApplyTemperature(logits, temperature));
        Assert.Equal("temperature", error.ParamName);
        Assert.Contains($"temperature {temperature.ToString(CultureInfo.CurrentCulture)} must be positive and finite", error.Message);
        Assert.Equal([1f, 2f], logits);
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.ApplyTemperature(new Half[2], temperature));
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.ApplyTemperature(new BFloat16[2], temperature));
    }

    [Fact]
    public void ApplyTemperature_rejects_minus_zero()
    {
        Assert.Equal("temperature", Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.ApplyTemperature(new float[2], -0f)).ParamName);
    }

    // ---- ApplyLogitBias ----

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void ApplyLogitBias_adds_and_minus_infinity_bans(Element element)
    {
        float[] logits = [1, 2, 3, float.PositiveInfinity, 5];
        var bias = new Dictionary<int, float> { [0] = 0.5f, [2] = float.NegativeInfinity, [3] = float.NegativeInfinity, [4] = -1 };
        float[] expected = [1.5f, 2, float.NegativeInfinity, float.NegativeInfinity, 4];
        Assert.Equal(expected, Biased(element, logits, bias));
    }

    [Fact]
    public void ApplyLogitBias_rounds_16_bit_results_once()
    {
        var half = new[] { (Half)1, (Half)1 };
        Decoding.ApplyLogitBias(half, new Dictionary<int, float> { [1] = 1e-3f });
        Assert.Equal((Half)(1f + 1e-3f), half[1]);
        var bf16 = new[] { (BFloat16)1f, (BFloat16)1f };
        Decoding.ApplyLogitBias(bf16, new Dictionary<int, float> { [0] = 0.01f });
        Assert.Equal((BFloat16)(1f + 0.01f), bf16[0]);
    }

    [Fact]
    public void ApplyLogitBias_with_positive_infinity_forces_the_token_greedily()
    {
        float[] logits = [5, 1, 2];
        Decoding.ApplyLogitBias(logits, new Dictionary<int, float> { [1] = float.PositiveInfinity });
        Assert.Equal(1, Decoding.Greedy(logits));
    }

    [Fact]
    public void ApplyLogitBias_with_an_empty_dictionary_changes_nothing()
    {
        float[] logits = [1, 2];
        Decoding.ApplyLogitBias(logits, new Dictionary<int, float>());
        Assert.Equal([1f, 2f], logits);
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void ApplyLogitBias_token_ids_outside_the_row_throw_and_change_nothing(Element element)
    {
        foreach (var token in new[] { 5, -1, int.MaxValue })
        {
            float[] logits = [1, 2, 3, 4, 5];
            var bias = new Dictionary<int, float> { [0] = 1, [token] = 1 };
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => Biased(element, logits, bias));
            Assert.Equal("bias", error.ParamName);
            Assert.Contains($"bias has token id {token.ToString(CultureInfo.InvariantCulture)}, outside [0, 5) of logits.Length 5.", error.Message);
        }
        float[] row = [1, 2, 3, 4, 5];
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.ApplyLogitBias(row, new Dictionary<int, float> { [0] = 1, [9] = 1 }));
        Assert.Equal([1f, 2, 3, 4, 5], row);
    }

    [Fact]
    public void ApplyLogitBias_NaN_bias_throws()
    {
        float[] logits = [1, 2];
        var error = Assert.Throws<ArgumentException>(() => Decoding.ApplyLogitBias(logits, new Dictionary<int, float> { [1] = float.NaN }));
        Assert.Equal("bias", error.ParamName);
        Assert.Contains("bias[1] is NaN", error.Message);
        Assert.Equal([1f, 2f], logits);
    }

    [Fact]
    public void ApplyLogitBias_null_dictionary_throws()
    {
        Assert.Equal("bias", Assert.Throws<ArgumentNullException>(() => Decoding.ApplyLogitBias(new float[2], null!)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentNullException>(() => Decoding.ApplyLogitBias(new Half[2], null!)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentNullException>(() => Decoding.ApplyLogitBias(new BFloat16[2], null!)).ParamName);
    }

    private static float[] Biased(Element element, float[] logits, IReadOnlyDictionary<int, float> bias)
    {
        switch (element)
        {
            case Element.Single:
                var single = (float[])logits.Clone();
                Decoding.ApplyLogitBias(single, bias);
                return single;
            case Element.Half:
                var half = Rows.ToHalf(logits);
                Decoding.ApplyLogitBias(half, bias);
                return Rows.ToSingle(half);
            default:
                var bf16 = Rows.ToBFloat16(logits);
                Decoding.ApplyLogitBias(bf16, bias);
                return Rows.ToSingle(bf16);
        }
    }
}
