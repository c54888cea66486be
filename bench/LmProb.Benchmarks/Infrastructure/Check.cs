using System;
using System.Runtime.InteropServices;

namespace LmProb.Benchmarks.Infrastructure;

/// <summary>
/// Sanity checks run once in <c>[GlobalSetup]</c>: a benchmark that compares a wrong answer
/// with a right one measures nothing, so setup fails loudly instead.
/// </summary>
/// <remarks>
/// The tolerances are loose on purpose (the naive loops sum in float, whose error grows with V);
/// LmProb's accuracy is tested in tests/, against tighter bounds.
/// </remarks>
internal static class Check
{
    /// <summary>Throws unless <paramref name="actual"/> is within <paramref name="relativeTolerance"/> of <paramref name="expected"/>.</summary>
    public static void Close(double expected, double actual, double relativeTolerance, string what)
    {
        var error = Math.Abs(actual - expected);
        if (!(error <= relativeTolerance * Math.Abs(expected)))
        {
            throw new InvalidOperationException($"{what}: {actual:R} differs from {expected:R} by {error:R} (tolerance {relativeTolerance} relative).");
        }
    }

    /// <summary>Throws unless every element is within <paramref name="relativeTolerance"/> of the expected one (or 1e-30 absolute, for underflowed probabilities).</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double relativeTolerance, string what)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs((double)actual[i] - expected[i]);
            if (!(error <= relativeTolerance * Math.Abs(expected[i]) || error <= 1e-30))
            {
                throw new InvalidOperationException($"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R} (tolerance {relativeTolerance} relative).");
            }
        }
    }

    /// <summary>Throws unless the two results have the same bits (generated and generic kernels promise this).</summary>
    public static void Identical(float expected, float actual, string what)
    {
        if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
        {
            throw new InvalidOperationException($"{what}: {actual:R} is not bit-identical to {expected:R}.");
        }
    }

    /// <summary>Throws unless the two spans have the same bytes.</summary>
    public static void Identical<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : unmanaged
    {
        if (!MemoryMarshal.AsBytes(expected).SequenceEqual(MemoryMarshal.AsBytes(actual)))
        {
            throw new InvalidOperationException($"{what}: the outputs are not bit-identical.");
        }
    }
}
