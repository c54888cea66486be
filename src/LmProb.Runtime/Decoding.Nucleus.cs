using System;
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using LmProb.Internal;
using LmProb.Kernels;

namespace LmProb;

public static partial class Decoding
{
    /// <summary>
    /// The nucleus of a probability row: the smallest set of tokens, largest first (ties to the lower
    /// index), whose cumulative probability is <c>&gt;= p</c>. Never empty for a valid row.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The mass is accumulated in double, largest first, and compared with <paramref name="p"/> as
    /// given (the row is not renormalized). When the whole row's mass stays below
    /// <paramref name="p"/> (rounding: float probabilities that sum to 0.99999994 with p = 1), every
    /// token with nonzero probability is kept; zero-probability tokens are never kept, except that a
    /// row of all zeros keeps the one token <see cref="Greedy(ReadOnlySpan{float})"/> chooses (index 0).
    /// A bad row (NaN or +inf) also returns Greedy's choice: one token, or none for an all-NaN row.
    /// An empty row returns 0.
    /// </para>
    /// <para>
    /// The set is found without sorting the row: a top-64 selection first (enough for the peaked
    /// distributions of language models); otherwise a histogram of the probabilities gives a
    /// threshold above which the mass lies, and only the tokens above it are sorted. The cost is a
    /// few passes over the row plus sorting (a little more than) the nucleus itself.
    /// </para>
    /// </remarks>
    /// <param name="probabilities">The probabilities (non-negative; normally a softmax output).</param>
    /// <param name="p">The mass to reach, in (0, 1].</param>
    /// <param name="indices">Receives the kept token ids, largest probability first. Must be at least
    /// as long as <paramref name="probabilities"/>, the size of the set in the worst case.</param>
    /// <returns>The size of the set: the number of entries of <paramref name="indices"/> written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in (0, 1].</exception>
    /// <exception cref="ArgumentException"><paramref name="indices"/> is shorter than <paramref name="probabilities"/>,
    /// or a probability is negative.</exception>
    public static int TopP(ReadOnlySpan<float> probabilities, float p, Span<int> indices) => TopPCore(probabilities, p, indices);

    /// <inheritdoc cref="TopP(ReadOnlySpan{float}, float, Span{int})"/>
    public static int TopP(ReadOnlySpan<Half> probabilities, float p, Span<int> indices) => TopPCore(probabilities, p, indices);

    /// <inheritdoc cref="TopP(ReadOnlySpan{float}, float, Span{int})"/>
    public static int TopP(ReadOnlySpan<BFloat16> probabilities, float p, Span<int> indices) => TopPCore(probabilities, p, indices);

    /// <summary>
    /// The min-p set of a probability row: every token whose probability is
    /// <c>&gt;= minP · max probability</c>, largest first (ties to the lower index).
    /// </summary>
    /// <remarks>
    /// The threshold <c>minP · max</c> is exact (computed in double), so a token at exactly the
    /// threshold is kept. The set always holds the most probable token; <paramref name="minP"/> = 0
    /// keeps the whole row, sorted. A bad row (NaN or +inf) returns <see cref="Greedy(ReadOnlySpan{float})"/>'s
    /// choice (one token, or none for an all-NaN row); an empty row returns 0.
    /// </remarks>
    /// <param name="probabilities">The probabilities (non-negative; normally a softmax output).</param>
    /// <param name="minP">The ratio to the largest probability, in [0, 1].</param>
    /// <param name="indices">Receives the kept token ids, largest first. Must be at least as long as
    /// <paramref name="probabilities"/>.</param>
    /// <returns>The size of the set.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minP"/> is not in [0, 1].</exception>
    /// <exception cref="ArgumentException"><paramref name="indices"/> is shorter than <paramref name="probabilities"/>,
    /// or a probability is negative.</exception>
    public static int MinP(ReadOnlySpan<float> probabilities, float minP, Span<int> indices) => MinPCore(probabilities, minP, indices);

    /// <inheritdoc cref="MinP(ReadOnlySpan{float}, float, Span{int})"/>
    public static int MinP(ReadOnlySpan<Half> probabilities, float minP, Span<int> indices) => MinPCore(probabilities, minP, indices);

    /// <inheritdoc cref="MinP(ReadOnlySpan{float}, float, Span{int})"/>
    public static int MinP(ReadOnlySpan<BFloat16> probabilities, float minP, Span<int> indices) => MinPCore(probabilities, minP, indices);

    /// <summary>
    /// Keeps the <paramref name="k"/> most probable tokens (ties to the lower index), sets every other
    /// probability to 0, and divides the kept ones by their sum so they sum to 1.
    /// </summary>
    /// <remarks>
    /// A <paramref name="k"/> at or above the row length keeps every token (and only renormalizes).
    /// The kept mass is summed in double. A bad row (NaN or +inf), or one whose kept mass is 0 (all
    /// zeros), cannot be renormalized: <paramref name="destination"/> is filled with NaN.
    /// </remarks>
    /// <param name="probabilities">The probabilities (non-negative).</param>
    /// <param name="k">How many tokens to keep, at least 1.</param>
    /// <param name="destination">Receives the filtered distribution; same length as
    /// <paramref name="probabilities"/>, and may be the same memory.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">The lengths differ, the spans partly overlap, or a probability is negative.</exception>
    public static void FilterTopK(ReadOnlySpan<float> probabilities, int k, Span<float> destination) => FilterTopKCore(probabilities, k, destination);

    /// <inheritdoc cref="FilterTopK(ReadOnlySpan{float}, int, Span{float})"/>
    public static void FilterTopK(ReadOnlySpan<Half> probabilities, int k, Span<Half> destination) => FilterTopKCore(probabilities, k, destination);

    /// <inheritdoc cref="FilterTopK(ReadOnlySpan{float}, int, Span{float})"/>
    public static void FilterTopK(ReadOnlySpan<BFloat16> probabilities, int k, Span<BFloat16> destination) => FilterTopKCore(probabilities, k, destination);

    /// <summary>
    /// Keeps the nucleus of <see cref="TopP(ReadOnlySpan{float}, float, Span{int})"/>, sets every other
    /// probability to 0, and divides the kept ones by their sum so they sum to 1.
    /// </summary>
    /// <remarks>
    /// The kept set is never empty for a valid row. A bad row (NaN or +inf), or one whose kept mass
    /// is 0 (all zeros), cannot be renormalized: <paramref name="destination"/> is filled with NaN.
    /// </remarks>
    /// <param name="probabilities">The probabilities (non-negative).</param>
    /// <param name="p">The mass to reach, in (0, 1].</param>
    /// <param name="destination">Receives the filtered distribution; same length as
    /// <paramref name="probabilities"/>, and may be the same memory.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in (0, 1].</exception>
    /// <exception cref="ArgumentException">The lengths differ, the spans partly overlap, or a probability is negative.</exception>
    public static void FilterTopP(ReadOnlySpan<float> probabilities, float p, Span<float> destination) => FilterTopPCore(probabilities, p, destination);

    /// <inheritdoc cref="FilterTopP(ReadOnlySpan{float}, float, Span{float})"/>
    public static void FilterTopP(ReadOnlySpan<Half> probabilities, float p, Span<Half> destination) => FilterTopPCore(probabilities, p, destination);

    /// <inheritdoc cref="FilterTopP(ReadOnlySpan{float}, float, Span{float})"/>
    public static void FilterTopP(ReadOnlySpan<BFloat16> probabilities, float p, Span<BFloat16> destination) => FilterTopPCore(probabilities, p, destination);

    private static int TopPCore<T>(ReadOnlySpan<T> probabilities, float p, Span<int> indices)
        where T : unmanaged
    {
        ThrowHelper.ThrowIfInvalidTopP(p);
        ThrowHelper.ThrowIfTooShort(indices.Length, probabilities.Length, nameof(indices), nameof(probabilities));
        if (probabilities.IsEmpty)
        {
            return 0;
        }
        using var row = WidenedSpan.Create(probabilities);
        return CheckProbabilities(row.Span, nameof(probabilities))
            ? Nucleus(row.Span, p, indices)
            : GreedyOrNothing(row.Span, indices);
    }

    private static int MinPCore<T>(ReadOnlySpan<T> probabilities, float minP, Span<int> indices)
        where T : unmanaged
    {
        ThrowHelper.ThrowIfInvalidMinP(minP);
        ThrowHelper.ThrowIfTooShort(indices.Length, probabilities.Length, nameof(indices), nameof(probabilities));
        if (probabilities.IsEmpty)
        {
            return 0;
        }
        using var row = WidenedSpan.Create(probabilities);
        if (!CheckProbabilities(row.Span, nameof(probabilities)))
        {
            return GreedyOrNothing(row.Span, indices);
        }

        var threshold = NucleusSelection.MinPThreshold(minP, TensorPrimitives.Max(row.Span));
        // The tokens at or above the threshold are exactly the `count` best of the row.
        var count = CountAtLeast(row.Span, threshold);
        var values = ArrayPool<float>.Shared.Rent(count);
        TopKSelection.Select(row.Span, indices[..count], values.AsSpan(0, count));
        ArrayPool<float>.Shared.Return(values);
        return count;
    }

    private static void FilterTopKCore<T>(ReadOnlySpan<T> probabilities, int k, Span<T> destination)
        where T : unmanaged
    {
        ThrowHelper.ThrowIfLengthMismatch(destination.Length, probabilities.Length, nameof(destination), nameof(probabilities));
        ThrowHelper.ThrowIfPartlyOverlapping(probabilities, destination, nameof(destination), nameof(probabilities));
        ThrowHelper.ThrowIfKNotPositive(k);
        if (probabilities.IsEmpty)
        {
            return;
        }
        using var row = WidenedSpan.Create(probabilities);
        if (!CheckProbabilities(row.Span, nameof(probabilities)))
        {
            destination.Fill(Elements.FromSingle<T>(float.NaN));
            return;
        }
        var kept = Math.Min(k, row.Span.Length);
        var indices = ArrayPool<int>.Shared.Rent(kept);
        var values = ArrayPool<float>.Shared.Rent(kept);
        TopKSelection.Select(row.Span, indices.AsSpan(0, kept), values.AsSpan(0, kept));
        Renormalize(indices.AsSpan(0, kept), values.AsSpan(0, kept), destination);
        ArrayPool<float>.Shared.Return(values);
        ArrayPool<int>.Shared.Return(indices);
    }

    private static void FilterTopPCore<T>(ReadOnlySpan<T> probabilities, float p, Span<T> destination)
        where T : unmanaged
    {
        ThrowHelper.ThrowIfLengthMismatch(destination.Length, probabilities.Length, nameof(destination), nameof(probabilities));
        ThrowHelper.ThrowIfPartlyOverlapping(probabilities, destination, nameof(destination), nameof(probabilities));
        ThrowHelper.ThrowIfInvalidTopP(p);
        if (probabilities.IsEmpty)
        {
            return;
        }
        using var row = WidenedSpan.Create(probabilities);
        if (!CheckProbabilities(row.Span, nameof(probabilities)))
        {
            destination.Fill(Elements.FromSingle<T>(float.NaN));
            return;
        }
        var indices = ArrayPool<int>.Shared.Rent(row.Span.Length);
        var kept = Nucleus(row.Span, p, indices);
        // Read the kept values before anything is written: destination may be the row itself.
        var values = ArrayPool<float>.Shared.Rent(kept);
        for (var j = 0; j < kept; j++)
        {
            values[j] = row.Span[indices[j]];
        }
        Renormalize(indices.AsSpan(0, kept), values.AsSpan(0, kept), destination);
        ArrayPool<float>.Shared.Return(values);
        ArrayPool<int>.Shared.Return(indices);
    }

    /// <summary>The nucleus of a checked, non-empty row (no negatives, NaN or +inf).</summary>
    private static int Nucleus(ReadOnlySpan<float> row, float p, Span<int> indices) =>
        NucleusSelection.Select(row, row, p, indices);

    /// <summary>Writes the kept probabilities divided by their (double) sum and zero elsewhere; NaN everywhere if the sum is 0.</summary>
    private static void Renormalize<T>(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<T> destination)
        where T : unmanaged
    {
        var mass = 0.0;
        foreach (var value in values)
        {
            mass += value;
        }
        if (!(mass > 0))
        {
            destination.Fill(Elements.FromSingle<T>(float.NaN));
            return;
        }
        var zero = Elements.FromSingle<T>(0f);
        destination.Fill(zero);
        for (var j = 0; j < indices.Length; j++)
        {
            destination[indices[j]] = Elements.FromSingle<T>((float)(values[j] / mass));
        }
    }

    /// <summary>A bad row's answer: Greedy's token, or no token when the row is all NaN.</summary>
    private static int GreedyOrNothing(ReadOnlySpan<float> row, Span<int> indices)
    {
        var index = TopKSelection.ArgMax(row);
        if (index < 0)
        {
            return 0;
        }
        indices[0] = index;
        return 1;
    }

    /// <summary>How many elements are <c>&gt;= threshold</c> (NaN never is).</summary>
    private static int CountAtLeast(ReadOnlySpan<float> row, float threshold)
    {
        var count = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated && row.Length >= Vector<float>.Count)
        {
            var counts = Vector<int>.Zero;
            var limit = new Vector<float>(threshold);
            for (; i <= row.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                // A true lane is -1.
                counts -= Vector.GreaterThanOrEqual(new Vector<float>(row[i..]), limit);
            }
            count = Vector.Sum(counts);
        }
        for (; i < row.Length; i++)
        {
            if (row[i] >= threshold)
            {
                count++;
            }
        }
        return count;
    }
}
