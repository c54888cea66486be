using System;
using System.Linq;
using CsCheck;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests.Losses;

public class MaskedMeanTests
{
    private static double ReferenceMaskedMean(float[] values, bool[] mask)
    {
        double sum = 0;
        var count = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (mask[i])
            {
                sum += values[i];
                count++;
            }
        }
        return sum / count;
    }

    [Fact]
    public void Padded_batch_worked_example()
    {
        // Per-token losses of a batch of two sequences padded to length 3:
        // [[1, .8, pad], [1.4, pad, pad]], mask [[1, 1, 0], [1, 0, 0]].
        float[] losses = [1f, 0.8f, 0f, 1.4f, 0f, 0f];
        bool[] mask = [true, true, false, true, false, false];
        // Sum 3.2 over 3 real tokens = 1.0667; the padded mean 3.2 / 6 = 0.5333 would halve it.
        Assertions.Close(3.2 / 3, Loss.MaskedMean(losses, mask), relative: 1e-7);
        Assertions.Close(3.2 / 6, losses.Average(), relative: 1e-7, what: "padded mean (the mistake MaskedMean avoids)");
    }

    [Fact]
    public void Unselected_values_are_never_read()
    {
        float[] values = [2f, float.NaN, 4f, float.PositiveInfinity, float.NegativeInfinity];
        bool[] mask = [true, false, true, false, false];
        Assert.Equal(3f, Loss.MaskedMean(values, mask));
    }

    [Fact]
    public void Selected_nan_and_infinities_propagate()
    {
        Assert.True(float.IsNaN(Loss.MaskedMean([1f, float.NaN], [true, true])));
        Assert.Equal(float.PositiveInfinity, Loss.MaskedMean([1f, float.PositiveInfinity], [true, true]));
        Assert.True(float.IsNaN(Loss.MaskedMean([float.NegativeInfinity, float.PositiveInfinity], [true, true])));
    }

    [Fact]
    public void Sum_in_double_does_not_overflow_or_round_away()
    {
        // 3e38 + 3e38 overflows float; the mean 3e38 does not.
        Assertions.Close(3e38, Loss.MaskedMean([3e38f, 3e38f, 1f], [true, true, false]), relative: 1e-7);
        // 1e8 followed by ones: a float running sum would drop every 1.
        var values = new float[1001];
        values[0] = 1e8f;
        values.AsSpan(1).Fill(1f);
        var mask = Enumerable.Repeat(true, values.Length).ToArray();
        Assertions.Close((1e8 + 1000) / 1001, Loss.MaskedMean(values, mask), relative: 1e-7);
        // Subnormals.
        Assertions.Close(float.Epsilon, Loss.MaskedMean([float.Epsilon, float.Epsilon], [true, true]), relative: 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(67)]
    public void Matches_reference(int length)
    {
        var values = Rows.Normal(length, 5, seed: length);
        var random = new Random(length);
        var mask = Enumerable.Range(0, length).Select(i => i == 0 || random.Next(2) == 0).ToArray();
        Assertions.Close(ReferenceMaskedMean(values, mask), Loss.MaskedMean(values, mask), relative: 1e-7, absolute: 1e-12);
    }

    [Fact]
    public void All_true_mask_is_the_plain_mean()
    {
        Gen.Float[-1000f, 1000f].Array[1, 100].Sample(values =>
        {
            var mask = Enumerable.Repeat(true, values.Length).ToArray();
            Assertions.Close(values.Average(v => (double)v), Loss.MaskedMean(values, mask), relative: 1e-6, absolute: 1e-4);
        }, iter: 200);
    }

    [Fact]
    public void A_mask_selecting_nothing_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.MaskedMean([1f, 2f], [false, false]));
        Assert.Equal("mask", e.ParamName);
        Assert.Contains("2", e.Message);
        Assert.Throws<ArgumentException>(() => Loss.MaskedMean(ReadOnlySpan<float>.Empty, ReadOnlySpan<bool>.Empty));
    }

    [Fact]
    public void Length_mismatch_names_both_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.MaskedMean([1f, 2f, 3f], [true, false]));
        Assert.Equal("mask", e.ParamName);
        Assert.Contains("mask.Length 2", e.Message);
        Assert.Contains("values.Length 3", e.Message);
    }

    [Fact]
    public void Half_and_bfloat16_match_float_of_widened_inputs()
    {
        var values = Rows.Normal(45, 3, seed: 2);
        var mask = Enumerable.Range(0, 45).Select(i => i % 4 != 3).ToArray();
        var half = Rows.ToHalf(values);
        var bf16 = Rows.ToBFloat16(values);
        Assert.Equal(Loss.MaskedMean(Rows.ToSingle(half), mask), Loss.MaskedMean(half, mask));
        Assert.Equal(Loss.MaskedMean(Rows.ToSingle(bf16), mask), Loss.MaskedMean(bf16, mask));
        Assert.Throws<ArgumentException>(() => Loss.MaskedMean(half, new bool[45]));
    }
}
