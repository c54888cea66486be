using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LmProb.Internal;

/// <summary>
/// Argument errors of the information measures (<c>Probability.Information.cs</c>) and of the
/// non-cross-entropy losses. Values are formatted with the invariant culture so messages read the
/// same everywhere (<c>-0.5</c>, not <c>-0,5</c>).
/// </summary>
internal static partial class ThrowHelper
{
    /// <summary>A probability (or probability-like weight) below zero, including −inf.</summary>
    [DoesNotReturn]
    public static void NegativeProbability(string name, int index, float value) =>
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name}[{index}] is {value}; probabilities must not be negative."), name);

    /// <summary>A mean over an empty input would be 0/0; say so instead of returning NaN.</summary>
    public static void ThrowIfEmptyInput(int length, string name)
    {
        if (length == 0)
        {
            throw new ArgumentException($"{name} is empty; the loss of no elements is undefined.", name);
        }
    }

    [DoesNotReturn]
    public static void MaskSelectsNothing(string maskName, int length) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"{maskName} selects none of its {length} elements; the mean over no elements is undefined."), maskName);

    /// <summary>
    /// A probability-valued argument (a binary target, a probability of the true class) must be in
    /// [0, 1]. NaN passes: it is data, and gives a NaN loss.
    /// </summary>
    public static void ThrowIfOutsideUnitInterval(float value, string name)
    {
        if (value < 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} {value} must be in [0, 1]."));
        }
    }

    /// <summary>Element <paramref name="index"/> of a span of binary targets must be in [0, 1] (NaN passes).</summary>
    public static void ThrowIfOutsideUnitInterval(float value, string name, int index)
    {
        if (value < 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(
                name, value, string.Create(CultureInfo.InvariantCulture, $"{name}[{index}] {value} must be in [0, 1]."));
        }
    }

    /// <summary>A hyperparameter that must be positive and finite (β, τ): NaN, 0, negatives and ±inf throw.</summary>
    public static void ThrowIfNotPositiveFinite(float value, string name)
    {
        if (!(value > 0) || float.IsPositiveInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} {value} must be positive and finite."));
        }
    }

    /// <summary>A hyperparameter that must be positive (+inf allowed): NaN, 0 and negatives throw.</summary>
    public static void ThrowIfNotPositive(float value, string name)
    {
        if (!(value > 0))
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} {value} must be positive."));
        }
    }

    /// <summary>A hyperparameter that must be zero or more and finite (focal γ): NaN, negatives and +inf throw.</summary>
    public static void ThrowIfNegativeOrNotFinite(float value, string name)
    {
        if (!(value >= 0) || float.IsPositiveInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} {value} must be non-negative and finite."));
        }
    }

    /// <summary>A hyperparameter that may take any finite value (a margin): NaN and ±inf throw.</summary>
    public static void ThrowIfNotFinite(float value, string name)
    {
        if (!float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} {value} must be finite."));
        }
    }

    /// <summary>The focal α: in [0, 1], or negative to switch the class weighting off; NaN and values above 1 throw.</summary>
    public static void ThrowIfInvalidFocalAlpha(float alpha, string name)
    {
        if (!(alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(
                name, alpha, string.Create(CultureInfo.InvariantCulture, $"{name} {alpha} must be in [0, 1], or negative for no class weighting."));
        }
    }

    /// <summary>Checks <paramref name="n"/> and that <paramref name="length"/> is <c>n·n</c>.</summary>
    public static void ThrowIfNotSquare(int length, int n, string lengthName)
    {
        if (n <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, string.Create(CultureInfo.InvariantCulture, $"n {n} must be positive."));
        }
        if ((long)n * n != length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{lengthName}.Length {length} does not match n·n = {(long)n * n} for n {n}."), lengthName);
        }
    }

    /// <summary>An optional per-row output: empty, or exactly one slot per row.</summary>
    public static void ThrowIfOptionalLengthMismatch(int length, int expected, string name, string expectedName)
    {
        if (length != 0 && length != expected)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{name}.Length {length} does not match {expectedName} {expected}; pass an empty span or one of length {expected}."),
                name);
        }
    }

    /// <summary>An output written row by row must not share any memory with the input it is computed from.</summary>
    public static void ThrowIfOverlapping<TSource, TDestination>(ReadOnlySpan<TSource> source, Span<TDestination> destination, string name, string otherName)
        where TSource : unmanaged
        where TDestination : unmanaged
    {
        var sourceBytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(source);
        ReadOnlySpan<byte> destinationBytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination);
        if (sourceBytes.Overlaps(destinationBytes))
        {
            throw new ArgumentException($"{name} overlaps {otherName}; it must be separate memory.", name);
        }
    }
}
