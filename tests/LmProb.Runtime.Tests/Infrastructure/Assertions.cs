using System;
using Xunit.Sdk;

namespace LmProb.Tests.Infrastructure;

/// <summary>Numeric assertions with the tolerance stated at the call site.</summary>
internal static class Assertions
{
    /// <summary>
    /// |actual − expected| ≤ relative·|expected| + absolute. NaN matches only NaN, and infinities
    /// match only the same infinity.
    /// </summary>
    public static void Close(double expected, double actual, double relative, double absolute = 0, string? what = null)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual) || double.IsInfinity(expected) || double.IsInfinity(actual))
        {
            if (!expected.Equals(actual))
            {
                throw new XunitException($"{what ?? "value"}: expected {expected:R}, got {actual:R}.");
            }
            return;
        }
        var error = Math.Abs(actual - expected);
        if (error > relative * Math.Abs(expected) + absolute)
        {
            throw new XunitException(
                $"{what ?? "value"}: expected {expected:R}, got {actual:R} (error {error:E3}, relative {error / Math.Abs(expected):E3}; allowed relative {relative:E1} + absolute {absolute:E1}).");
        }
    }

    /// <summary>Elementwise <see cref="Close(double, double, double, double, string?)"/>.</summary>
    public static void AllClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double relative, double absolute = 0)
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"length: expected {expected.Length}, got {actual.Length}.");
        }
        for (var i = 0; i < expected.Length; i++)
        {
            Close(expected[i], actual[i], relative, absolute, $"[{i}] of {expected.Length}");
        }
    }

    /// <summary>The largest relative error |a − e| / |e| over the finite nonzero expected values.</summary>
    public static double MaxRelativeError(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual)
    {
        double worst = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] != 0 && double.IsFinite(expected[i]))
            {
                worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / Math.Abs(expected[i]));
            }
        }
        return worst;
    }
}
