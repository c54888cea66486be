using System;
using LmProb.Internal;
using LmProb.Kernels;

namespace LmProb;

public static partial class Decoding
{
    /// <summary>
    /// Writes the <c>k = indices.Length</c> largest values of <paramref name="values"/>, largest
    /// first, with their indices: ties go to the lower index, NaN ranks after every number (−inf
    /// included), −inf ranks below every finite value. k = 0 writes nothing.
    /// </summary>
    /// <remarks>
    /// Partial selection in O(n log k) worst case and about one streaming pass for k ≪ n: a heap of
    /// the k best so far, whose worst value is a threshold that whole vectors of the row are
    /// compared against and skipped. The row is never sorted.
    /// </remarks>
    /// <param name="values">The row to select from.</param>
    /// <param name="indices">Receives the k indices, best first; its length is k.</param>
    /// <param name="topValues">Receives the k values, in the same order; same length as <paramref name="indices"/>.</param>
    /// <returns>k.</returns>
    /// <exception cref="ArgumentException"><paramref name="indices"/> and <paramref name="topValues"/> have different lengths.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is larger than <c>values.Length</c>.</exception>
    public static int TopK(ReadOnlySpan<float> values, Span<int> indices, Span<float> topValues) => TopKCore(values, indices, topValues);

    /// <summary>
    /// Top-k of a <see cref="Half"/> row: as <see cref="TopK(ReadOnlySpan{float}, Span{int}, Span{float})"/>,
    /// with the selected values widened (exactly) to <see cref="float"/>.
    /// </summary>
    /// <inheritdoc cref="TopK(ReadOnlySpan{float}, Span{int}, Span{float})"/>
    public static int TopK(ReadOnlySpan<Half> values, Span<int> indices, Span<float> topValues) => TopKCore(values, indices, topValues);

    /// <summary>
    /// Top-k of a <see cref="BFloat16"/> row: as <see cref="TopK(ReadOnlySpan{float}, Span{int}, Span{float})"/>,
    /// with the selected values widened (exactly) to <see cref="float"/>.
    /// </summary>
    /// <inheritdoc cref="TopK(ReadOnlySpan{float}, Span{int}, Span{float})"/>
    public static int TopK(ReadOnlySpan<BFloat16> values, Span<int> indices, Span<float> topValues) => TopKCore(values, indices, topValues);

    private static int TopKCore<T>(ReadOnlySpan<T> values, Span<int> indices, Span<float> topValues)
        where T : unmanaged
    {
        ThrowHelper.ThrowIfLengthMismatch(indices.Length, topValues.Length, nameof(indices), nameof(topValues));
        ThrowHelper.ThrowIfKExceedsLength(indices.Length, values.Length, nameof(indices), nameof(values));
        if (indices.IsEmpty)
        {
            return 0;
        }
        using var row = WidenedSpan.Create(values);
        TopKSelection.Select(row.Span, indices, topValues);
        return indices.Length;
    }
}
