using System;
using System.Globalization;
using CsCheck;

namespace LmProb.Tests;

public class BFloat16Tests
{
    /// <summary>Round to nearest even, written from the definition: pick the nearer of the two neighbours.</summary>
    private static float ReferenceRound(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        var down = BitConverter.UInt32BitsToSingle(bits & 0xFFFF_0000u);
        var up = BitConverter.UInt32BitsToSingle((bits & 0xFFFF_0000u) + 0x1_0000u);
        var toDown = Math.Abs((double)value - down);
        var toUp = Math.Abs((double)value - up);
        if (toDown < toUp)
        {
            return down;
        }
        if (toUp < toDown)
        {
            return up;
        }
        return ((bits >> 16) & 1) == 0 ? down : up;
    }

    [Theory]
    [InlineData(1f, 0x3F80)]
    [InlineData(-2f, 0xC000)]
    [InlineData(0f, 0x0000)]
    [InlineData(-0f, 0x8000)]
    [InlineData(float.PositiveInfinity, 0x7F80)]
    [InlineData(float.NegativeInfinity, 0xFF80)]
    [InlineData(3.140625f, 0x4049)]
    public void Known_values_have_known_bits(float value, int bits)
    {
        Assert.Equal((ushort)bits, ((BFloat16)value).ToBits());
        Assert.Equal(value, (float)BFloat16.FromBits((ushort)bits));
    }

    [Fact]
    public void Ties_round_to_even()
    {
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: even is 1.
        Assert.Equal(1f, (float)(BFloat16)(1f + MathF.Pow(2, -8)));
        // 1 + 3·2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: even is 1 + 2^-6.
        Assert.Equal(1f + MathF.Pow(2, -6), (float)(BFloat16)(1f + 3 * MathF.Pow(2, -8)));
        // Just above the halfway point rounds up.
        Assert.Equal(1f + MathF.Pow(2, -7), (float)(BFloat16)MathF.BitIncrement(1f + MathF.Pow(2, -8)));
    }

    [Fact]
    public void NaN_stays_NaN_with_its_sign_and_becomes_quiet()
    {
        Assert.True(BFloat16.IsNaN((BFloat16)float.NaN));
        // A signalling NaN whose payload lives only in the low 16 bits must not become infinity.
        var signalling = BitConverter.UInt32BitsToSingle(0x7F80_0001u);
        var converted = (BFloat16)signalling;
        Assert.True(BFloat16.IsNaN(converted));
        Assert.Equal(0x7FC0, converted.ToBits());
        Assert.True(BFloat16.IsNegative((BFloat16)BitConverter.UInt32BitsToSingle(0xFFC1_2345u)));
        Assert.True(float.IsNaN((float)BFloat16.NaN));
    }

    [Fact]
    public void Overflow_rounds_to_infinity_and_the_largest_value_survives()
    {
        Assert.Equal(float.PositiveInfinity, (float)(BFloat16)float.MaxValue);
        Assert.Equal(float.NegativeInfinity, (float)(BFloat16)(-3.4e38f));
        Assert.Equal(BFloat16.MaxValue, (BFloat16)(float)BFloat16.MaxValue);
        Assert.True(BFloat16.IsFinite(BFloat16.MaxValue));
        Assert.Equal(3.3895314e38f, (float)BFloat16.MaxValue);
    }

    [Fact]
    public void Subnormals_are_kept_and_round_to_nearest()
    {
        Assert.True(BFloat16.IsSubnormal(BFloat16.Epsilon));
        Assert.Equal(MathF.Pow(2, -133), (float)BFloat16.Epsilon);
        Assert.Equal(BFloat16.Epsilon, (BFloat16)MathF.Pow(2, -133));
        Assert.Equal(0f, (float)(BFloat16)MathF.Pow(2, -135));
        Assert.Equal(BFloat16.Epsilon, (BFloat16)(MathF.Pow(2, -133) * 1.4f));
        Assert.Equal(ReferenceRound(1e-39f), (float)(BFloat16)1e-39f);
    }

    [Fact]
    public void Property_float_conversion_is_round_to_nearest_even()
    {
        Gen.UInt.Sample(bits =>
        {
            var value = BitConverter.UInt32BitsToSingle(bits);
            var converted = (float)(BFloat16)value;
            return float.IsNaN(value) ? float.IsNaN(converted) : converted.Equals(ReferenceRound(value));
        }, iter: 20_000);
    }

    [Fact]
    public void Property_every_bfloat16_round_trips_through_float_and_text()
    {
        for (var bits = 0; bits <= ushort.MaxValue; bits++)
        {
            var value = BFloat16.FromBits((ushort)bits);
            if (BFloat16.IsNaN(value))
            {
                Assert.True(BFloat16.IsNaN(BFloat16.Parse(value.ToString())));
                continue;
            }
            Assert.Equal(bits, ((BFloat16)(float)value).ToBits());
            Assert.Equal(bits, BFloat16.Parse(value.ToString()).ToBits());
        }
    }

    [Fact]
    public void Double_conversion_rounds_once()
    {
        // 1 + 2^-8 + 2^-30 is just above the halfway point: a double→float→bf16 chain would round
        // to the tie 1 + 2^-8 first and then to even (1); a single rounding gives 1 + 2^-7.
        var value = 1 + Math.Pow(2, -8) + Math.Pow(2, -30);
        Assert.Equal(1f + MathF.Pow(2, -7), (float)(BFloat16)value);
        Assert.Equal(1f, (float)(BFloat16)(1 + Math.Pow(2, -8)));
        Assert.Equal(0f, (float)(BFloat16)1e-50);
        Assert.Equal(float.PositiveInfinity, (float)(BFloat16)1e300);
        Assert.True(BFloat16.IsNaN((BFloat16)double.NaN));
    }

    [Fact]
    public void Text_is_short_invariant_and_parses_back()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal("0.1", ((BFloat16)0.1f).ToString());
            Assert.Equal("-2.5", ((BFloat16)(-2.5f)).ToString());
            Assert.Equal("1E+30", ((BFloat16)1e30f).ToString());
            Assert.Equal("Infinity", BFloat16.PositiveInfinity.ToString());
            Assert.Equal("NaN", BFloat16.NaN.ToString());
            Assert.Equal((BFloat16)0.1f, BFloat16.Parse("0.1"));
            Assert.Equal(BFloat16.NegativeInfinity, BFloat16.Parse("-Infinity"));
            Assert.Equal("0,100097656", ((BFloat16)0.1f).ToString("G9", CultureInfo.GetCultureInfo("de-DE")));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
        Assert.True(BFloat16.TryParse("3.5", out var parsed));
        Assert.Equal(3.5f, (float)parsed);
        Assert.False(BFloat16.TryParse("three", out _));
        Assert.False(BFloat16.TryParse(null, out _));
        Assert.Throws<FormatException>(() => BFloat16.Parse("x"));
        Assert.Throws<ArgumentNullException>(() => BFloat16.Parse(null!));
    }

    [Fact]
    public void Equality_and_ordering_follow_float()
    {
        Assert.True((BFloat16)0f == (BFloat16)(-0f));
        Assert.True(((BFloat16)0f).Equals((BFloat16)(-0f)));
        Assert.False(BFloat16.NaN == BFloat16.NaN);
        Assert.True(BFloat16.NaN != BFloat16.NaN);
        Assert.True(BFloat16.NaN.Equals(BFloat16.NaN));
        Assert.Equal(BFloat16.NaN.GetHashCode(), BFloat16.FromBits(0x7FC1).GetHashCode());
        Assert.Equal(((BFloat16)0f).GetHashCode(), ((BFloat16)(-0f)).GetHashCode());
        Assert.True((BFloat16)1f < (BFloat16)2f);
        Assert.True((BFloat16)2f >= (BFloat16)2f);
        Assert.False(BFloat16.NaN < BFloat16.One);
        Assert.False(BFloat16.NaN >= BFloat16.One);
        BFloat16[] values = [BFloat16.One, BFloat16.NaN, BFloat16.NegativeInfinity, BFloat16.Zero];
        Array.Sort(values);
        Assert.True(BFloat16.IsNaN(values[0]));
        Assert.Equal([BFloat16.NegativeInfinity, BFloat16.Zero, BFloat16.One], values[1..]);
        Assert.Equal(1, BFloat16.One.CompareTo(null));
        Assert.Equal(0, BFloat16.One.CompareTo((object)BFloat16.One));
        var error = Assert.Throws<ArgumentException>(() => BFloat16.One.CompareTo(1.0f));
        Assert.Equal("obj", error.ParamName);
        Assert.False(BFloat16.One.Equals((object)1f));
    }

    [Fact]
    public void Classification_matches_float()
    {
        foreach (var value in new[] { 0f, -0f, 1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-39f, -1e-40f, 3e38f })
        {
            var b = (BFloat16)value;
            var f = (float)b;
            Assert.Equal(float.IsNaN(f), BFloat16.IsNaN(b));
            Assert.Equal(float.IsInfinity(f), BFloat16.IsInfinity(b));
            Assert.Equal(float.IsFinite(f), BFloat16.IsFinite(b));
            Assert.Equal(float.IsSubnormal(f), BFloat16.IsSubnormal(b));
            Assert.Equal(float.IsNegative(f), BFloat16.IsNegative(b));
        }
        Assert.Equal(-3.3895314e38f, (float)BFloat16.MinValue);
        Assert.Equal(0f, (float)BFloat16.Zero);
        Assert.Equal(1f, (float)BFloat16.One);
    }

    [Fact]
    public void Vectorized_span_conversion_matches_the_scalar_one_for_every_length()
    {
        // The internal span conversions back every BFloat16 kernel overload.
        var random = new Random(5);
        for (var length = 0; length <= 70; length++)
        {
            var source = new float[length];
            for (var i = 0; i < length; i++)
            {
                source[i] = BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, uint.MaxValue + 1L));
            }
            var narrowed = new BFloat16[length];
            Internal.Elements.Narrow<BFloat16>(source, narrowed);
            var widened = new float[length];
            Internal.Elements.Widen<BFloat16>(narrowed, widened);
            for (var i = 0; i < length; i++)
            {
                Assert.Equal(((BFloat16)source[i]).ToBits(), narrowed[i].ToBits());
                Assert.Equal(BitConverter.SingleToUInt32Bits((float)narrowed[i]), BitConverter.SingleToUInt32Bits(widened[i]));
            }
        }
    }
}
