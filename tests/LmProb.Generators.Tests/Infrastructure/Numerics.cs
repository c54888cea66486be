using System;
using System.Runtime.InteropServices;
using Xunit.Sdk;

namespace LmProb.Generators.Tests.Infrastructure;

/// <summary>Bit-for-bit and tolerance comparisons; each failure names what was compared and where.</summary>
internal static class Numerics
{
    /// <summary>Fails unless the two spans hold the same bits (NaN payloads included).</summary>
    public static void BitIdentical<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what, Func<T, float> toSingle)
        where T : unmanaged
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{what}: length {actual.Length}, expected {expected.Length}.");
        }
        var e = MemoryMarshal.AsBytes(expected);
        var a = MemoryMarshal.AsBytes(actual);
        if (e.SequenceEqual(a))
        {
            return;
        }
        var size = e.Length / Math.Max(1, expected.Length);
        var index = e.CommonPrefixLength(a) / size;
        throw new XunitException(
            $"{what}: not bit-identical to the runtime at [{index}] of {expected.Length}: generated {Show(toSingle(actual[index]))}, runtime {Show(toSingle(expected[index]))}.");
    }

    /// <summary>Fails unless the two floats have the same bits.</summary>
    public static void BitIdentical(float expected, float actual, string what)
    {
        if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
        {
            throw new XunitException($"{what}: not bit-identical to the runtime: generated {Show(actual)}, runtime {Show(expected)}.");
        }
    }

    /// <summary>Fails unless the two doubles have the same bits.</summary>
    public static void BitIdentical(double expected, double actual, string what)
    {
        if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual))
        {
            throw new XunitException($"{what}: not bit-identical to the runtime: generated {actual:R}, runtime {expected:R}.");
        }
    }

    /// <summary>
    /// |actual − expected| ≤ relative·|expected| + absolute. NaN matches only NaN, an infinity only
    /// the same infinity.
    /// </summary>
    public static void Close(double expected, double actual, Tolerance tolerance, string what)
    {
        if (!IsClose(expected, actual, tolerance))
        {
            var error = Math.Abs(actual - expected);
            throw new XunitException(
                $"{what}: expected {expected:R}, got {actual:R} (error {error:E3}; allowed {tolerance}).");
        }
    }

    /// <summary>Elementwise <see cref="Close(double, double, Tolerance, string)"/>.</summary>
    public static void AllClose<T>(double[] expected, ReadOnlySpan<T> actual, Func<T, float> toSingle, Tolerance tolerance, string what)
        where T : unmanaged
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{what}: length {actual.Length}, expected {expected.Length}.");
        }
        for (var i = 0; i < expected.Length; i++)
        {
            Close(expected[i], toSingle(actual[i]), tolerance, $"{what} [{i}] of {expected.Length}");
        }
    }

    public static bool IsClose(double expected, double actual, Tolerance tolerance)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual) || double.IsInfinity(expected) || double.IsInfinity(actual))
        {
            return expected.Equals(actual);
        }
        return Math.Abs(actual - expected) <= tolerance.Relative * Math.Abs(expected) + tolerance.Absolute;
    }

    private static string Show(float value) => $"{value:R} (0x{BitConverter.SingleToUInt32Bits(value):X8})";
}

/// <summary>An error bound <c>relative·|expected| + absolute</c>.</summary>
internal readonly record struct Tolerance(double Relative, double Absolute)
{
    public override string ToString() => $"{Relative:E1}·|expected| + {Absolute:E1}";
}
