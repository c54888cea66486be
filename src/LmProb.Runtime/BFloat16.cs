using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace LmProb;

/// <summary>
/// The bfloat16 ("brain float") format: the upper 16 bits of an IEEE 754 binary32 value
/// (1 sign bit, 8 exponent bits, 7 stored mantissa bits). It has the range of <see cref="float"/>
/// and about three significant decimal digits.
/// </summary>
/// <remarks>
/// Conversions from <see cref="float"/> and <see cref="double"/> round to nearest, ties to even;
/// NaN stays NaN (quiet, sign kept); values past the largest finite bfloat16 become infinity;
/// subnormals are kept. Conversion to <see cref="float"/> is exact.
/// Equality and ordering operators follow IEEE 754 (NaN is unordered, <c>-0 == +0</c>);
/// <see cref="Equals(BFloat16)"/> and <see cref="CompareTo(BFloat16)"/> follow <see cref="float"/>
/// (NaN equals NaN and sorts first).
/// </remarks>
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>, IComparable, IFormattable
{
    private const ushort SignMask = 0x8000;
    private const ushort ExponentMask = 0x7F80;
    private const ushort MantissaMask = 0x007F;
    private const ushort QuietBit = 0x0040;

    private readonly ushort _bits;

    private BFloat16(ushort bits) => _bits = bits;

    /// <summary>Positive zero.</summary>
    public static BFloat16 Zero => new(0x0000);

    /// <summary>One.</summary>
    public static BFloat16 One => new(0x3F80);

    /// <summary>Not a number (a quiet NaN).</summary>
    public static BFloat16 NaN => new(0x7FC0);

    /// <summary>Positive infinity.</summary>
    public static BFloat16 PositiveInfinity => new(0x7F80);

    /// <summary>Negative infinity.</summary>
    public static BFloat16 NegativeInfinity => new(0xFF80);

    /// <summary>The largest finite value, about 3.39e38.</summary>
    public static BFloat16 MaxValue => new(0x7F7F);

    /// <summary>The most negative finite value, about -3.39e38.</summary>
    public static BFloat16 MinValue => new(0xFF7F);

    /// <summary>The smallest positive value (a subnormal, 2^-133, about 9.2e-41).</summary>
    public static BFloat16 Epsilon => new(0x0001);

    /// <summary>Reinterprets 16 raw bits as a bfloat16 value.</summary>
    public static BFloat16 FromBits(ushort bits) => new(bits);

    /// <summary>The 16 raw bits of this value.</summary>
    public ushort ToBits() => _bits;

    /// <summary>Whether the value is NaN.</summary>
    public static bool IsNaN(BFloat16 value) => (value._bits & ~SignMask) > ExponentMask;

    /// <summary>Whether the value is positive or negative infinity.</summary>
    public static bool IsInfinity(BFloat16 value) => (value._bits & ~SignMask) == ExponentMask;

    /// <summary>Whether the value is neither infinite nor NaN.</summary>
    public static bool IsFinite(BFloat16 value) => (value._bits & ExponentMask) != ExponentMask;

    /// <summary>Whether the value is nonzero and below the smallest normal magnitude.</summary>
    public static bool IsSubnormal(BFloat16 value) =>
        (value._bits & ExponentMask) == 0 && (value._bits & MantissaMask) != 0;

    /// <summary>Whether the sign bit is set (true for -0 and negative NaNs).</summary>
    public static bool IsNegative(BFloat16 value) => (value._bits & SignMask) != 0;

    /// <summary>Widens to <see cref="float"/>; exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator float(BFloat16 value) => BitConverter.Int32BitsToSingle(value._bits << 16);

    /// <summary>Widens to <see cref="double"/>; exact.</summary>
    public static explicit operator double(BFloat16 value) => (float)value;

    /// <summary>Rounds a <see cref="float"/> to the nearest bfloat16, ties to even; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator BFloat16(float value) => new(RoundToBFloat16Bits(BitConverter.SingleToUInt32Bits(value)));

    /// <summary>
    /// Rounds a <see cref="double"/> to the nearest bfloat16, ties to even, with a single rounding
    /// (the double is first narrowed to float with round-to-odd, which makes the second rounding exact).
    /// </summary>
    public static explicit operator BFloat16(double value)
    {
        var single = (float)value;
        if (float.IsFinite(single) && (double)single != value)
        {
            // Round to odd: truncate toward zero, then set the sticky bit.
            var bits = BitConverter.SingleToUInt32Bits(single);
            if (Math.Abs((double)single) > Math.Abs(value))
            {
                bits--;
            }
            single = BitConverter.UInt32BitsToSingle(bits | 1);
        }
        return (BFloat16)single;
    }

    /// <summary>Rounds the bit pattern of a float to the bit pattern of the nearest bfloat16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ushort RoundToBFloat16Bits(uint singleBits)
    {
        if ((singleBits & 0x7FFF_FFFFu) > 0x7F80_0000u)
        {
            // NaN: keep the sign and the top payload bits, and make it quiet.
            return (ushort)((singleBits >> 16) | QuietBit);
        }
        // Round to nearest even: add half an ulp of bfloat16 minus one, plus the lowest kept bit.
        var roundingBias = 0x7FFFu + ((singleBits >> 16) & 1u);
        return (ushort)((singleBits + roundingBias) >> 16);
    }

    /// <summary>IEEE equality: NaN is never equal, <c>-0 == +0</c>.</summary>
    public static bool operator ==(BFloat16 left, BFloat16 right) => (float)left == (float)right;

    /// <summary>IEEE inequality.</summary>
    public static bool operator !=(BFloat16 left, BFloat16 right) => (float)left != (float)right;

    /// <summary>IEEE less-than (false when either is NaN).</summary>
    public static bool operator <(BFloat16 left, BFloat16 right) => (float)left < (float)right;

    /// <summary>IEEE greater-than (false when either is NaN).</summary>
    public static bool operator >(BFloat16 left, BFloat16 right) => (float)left > (float)right;

    /// <summary>IEEE less-or-equal (false when either is NaN).</summary>
    public static bool operator <=(BFloat16 left, BFloat16 right) => (float)left <= (float)right;

    /// <summary>IEEE greater-or-equal (false when either is NaN).</summary>
    public static bool operator >=(BFloat16 left, BFloat16 right) => (float)left >= (float)right;

    /// <summary>Equality as <see cref="float.Equals(float)"/>: NaN equals NaN, <c>-0</c> equals <c>+0</c>.</summary>
    public bool Equals(BFloat16 other) => ((float)this).Equals((float)other);

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is BFloat16 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ((float)this).GetHashCode();

    /// <summary>Ordering as <see cref="float.CompareTo(float)"/>: NaN first, then -inf … +inf.</summary>
    public int CompareTo(BFloat16 other) => ((float)this).CompareTo((float)other);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        BFloat16 other => CompareTo(other),
        _ => throw new ArgumentException($"obj is a {obj.GetType()}, not a {nameof(BFloat16)}.", nameof(obj)),
    };

    /// <summary>
    /// The shortest invariant-culture text that parses back to this exact value
    /// (for example <c>0.1</c> rather than <c>0.10009766</c>).
    /// </summary>
    public override string ToString() => ToString(null, CultureInfo.InvariantCulture);

    /// <summary>Formats the value as its <see cref="float"/> would be; a null or empty format gives the shortest round-trip text.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        var value = (float)this;
        if (!string.IsNullOrEmpty(format) || !float.IsFinite(value))
        {
            return value.ToString(format, formatProvider);
        }
        for (var digits = 1; digits < 9; digits++)
        {
            var text = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), formatProvider);
            if (TryParse(text, NumberStyles.Float, formatProvider, out var parsed) && parsed._bits == _bits)
            {
                return text;
            }
        }
        return value.ToString("R", formatProvider);
    }

    /// <summary>Parses invariant-culture text and rounds it once to the nearest bfloat16.</summary>
    /// <exception cref="FormatException">The text is not a number.</exception>
    public static BFloat16 Parse(string s) => Parse(s, CultureInfo.InvariantCulture);

    /// <summary>Parses text in the given culture and rounds it once to the nearest bfloat16.</summary>
    public static BFloat16 Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (BFloat16)double.Parse(s, NumberStyles.Float | NumberStyles.AllowThousands, provider ?? CultureInfo.InvariantCulture);
    }

    /// <summary>Parses invariant-culture text; false when it is not a number.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out BFloat16 result) =>
        TryParse(s, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out result);

    /// <summary>Parses text with the given style and culture; false when it is not a number.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, NumberStyles style, IFormatProvider? provider, out BFloat16 result)
    {
        if (double.TryParse(s, style, provider ?? CultureInfo.InvariantCulture, out var value))
        {
            result = (BFloat16)value;
            return true;
        }
        result = default;
        return false;
    }
}
