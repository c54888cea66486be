using System;
using System.Diagnostics.CodeAnalysis;

namespace LmProb.Internal;

/// <summary>
/// Argument errors with messages that name the argument and the values involved,
/// e.g. <c>vocabSize 32000 does not divide logits.Length 64001</c>.
/// </summary>
internal static partial class ThrowHelper
{
    [DoesNotReturn]
    public static void LengthMismatch(string name, int length, string otherName, int otherLength) =>
        throw new ArgumentException($"{name}.Length {length} does not match {otherName}.Length {otherLength}.", name);

    public static void ThrowIfLengthMismatch(int length, int otherLength, string name, string otherName)
    {
        if (length != otherLength)
        {
            LengthMismatch(name, length, otherName, otherLength);
        }
    }

    /// <summary>Checks <paramref name="vocabSize"/> and returns the number of rows of the flat batch.</summary>
    public static int RowCount(int vocabSize, int length, string lengthName)
    {
        if (vocabSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, $"vocabSize {vocabSize} must be positive.");
        }
        if (length % vocabSize != 0)
        {
            throw new ArgumentException($"vocabSize {vocabSize} does not divide {lengthName}.Length {length}.", nameof(vocabSize));
        }
        return length / vocabSize;
    }

    public static void ThrowIfIndexOutOfRange(int index, int length, string name, string lengthName)
    {
        if ((uint)index >= (uint)length)
        {
            throw new ArgumentOutOfRangeException(name, index, $"{name} {index} is outside [0, {length}) of {lengthName}.Length {length}.");
        }
    }

    /// <summary>Temperature must be positive and finite (0 means greedy only in SamplerOptions).</summary>
    public static void ThrowIfInvalidTemperature(float temperature, string name = "temperature")
    {
        if (!(temperature > 0) || float.IsPositiveInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(name, temperature, $"{name} {temperature} must be positive and finite.");
        }
    }

    /// <summary>A nucleus mass must be in (0, 1].</summary>
    public static void ThrowIfInvalidTopP(float p, string name = "p")
    {
        if (!(p > 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(name, p, $"{name} {p} must be in (0, 1].");
        }
    }

    [DoesNotReturn]
    public static void OverlappingSpans(string name, string otherName) =>
        throw new ArgumentException($"{name} partly overlaps {otherName}; it must be the same memory or disjoint.", name);

    /// <summary>Destinations may alias their source exactly (in-place) but not partly.</summary>
    public static void ThrowIfPartlyOverlapping<TSource, TDestination>(ReadOnlySpan<TSource> source, Span<TDestination> destination, string name, string otherName)
        where TSource : unmanaged
        where TDestination : unmanaged
    {
        var sourceBytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(source);
        ReadOnlySpan<byte> destinationBytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination);
        if (sourceBytes.Overlaps(destinationBytes, out var offset) && offset != 0)
        {
            OverlappingSpans(name, otherName);
        }
    }
}
