using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LmProb.Kernels;

/// <summary>
/// Partial selection of the k best elements of a row in O(n + s·log k + k·log k) time, where s is
/// the number of elements that enter the selection while the row streams by (s ≪ n for k ≪ n on
/// typical rows; s ≤ n in the worst case, an ascending row). The row is never sorted.
/// </summary>
/// <remarks>
/// <para>
/// The order is total and the same on every machine: larger values first; NaN after every number
/// (−inf included); equal values (including −0 and +0) and NaNs among themselves by lower index.
/// </para>
/// <para>
/// The k best so far live in a binary heap whose root is the worst of them, stored in the caller's
/// output spans. Because elements arrive by increasing index, a new element enters exactly when it
/// is strictly greater than the root (or, while the root is NaN, when it is a number), so a
/// vector compare against the root value skips whole vectors that cannot enter; only the lanes that
/// pass are looked at, one by one, against the root as it rises. Comparisons are exact, so the
/// result does not depend on the vector width (AVX-512, AVX2, SSE or scalar).
/// </para>
/// </remarks>
internal static class TopKSelection
{
    /// <summary>
    /// Writes the <c>k = indices.Length</c> best elements of <paramref name="values"/>, best first,
    /// to <paramref name="indices"/> and <paramref name="topValues"/>. The caller checks that the two
    /// have the same length and that k ≤ <c>values.Length</c>.
    /// </summary>
    public static void Select(ReadOnlySpan<float> values, Span<int> indices, Span<float> topValues)
    {
        var k = indices.Length;
        Debug.Assert(topValues.Length == k && k <= values.Length);
        if (k == 0)
        {
            return;
        }

        // The first k elements form the heap.
        for (var j = 0; j < k; j++)
        {
            indices[j] = j;
            topValues[j] = values[j];
        }
        for (var j = k / 2 - 1; j >= 0; j--)
        {
            SiftDown(indices, topValues, j, k);
        }

        var heap = new Heap(indices, topValues);
        Scan(values, k, ref heap);

        // Heap sort: move the worst to the end, repeatedly; the spans end up best first.
        for (var end = k - 1; end > 0; end--)
        {
            (indices[0], indices[end]) = (indices[end], indices[0]);
            (topValues[0], topValues[end]) = (topValues[end], topValues[0]);
            SiftDown(indices, topValues, 0, end);
        }
    }

    /// <summary>
    /// The index of the best element (the largest number, lowest index on ties, NaN never chosen
    /// over a number); −1 for an empty or all-NaN row.
    /// </summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return -1;
        }
        var index = 0;
        var value = 0f;
        Select(values, new Span<int>(ref index), new Span<float>(ref value));
        return float.IsNaN(value) ? -1 : index;
    }

    /// <summary>
    /// True when <c>(a, indexA)</c> ranks strictly before <c>(b, indexB)</c>: larger first, NaN after
    /// every number, ties to the lower index.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool RanksBefore(float a, int indexA, float b, int indexB)
    {
        if (a > b)
        {
            return true;
        }
        if (a < b)
        {
            return false;
        }
        // Equal, or at least one NaN.
        var aIsNaN = float.IsNaN(a);
        var bIsNaN = float.IsNaN(b);
        if (aIsNaN != bIsNaN)
        {
            return bIsNaN;
        }
        return indexA < indexB;
    }

    /// <summary>Offers every element from <paramref name="start"/> on to the heap, at the widest vector width available.</summary>
    private static void Scan(ReadOnlySpan<float> values, int start, ref Heap heap)
    {
        ref var row = ref MemoryMarshal.GetReference(values);
        var length = values.Length;
        var i = start;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var x = Vector512.LoadUnsafe(ref row, (nuint)i);
                var candidates = heap.RootIsNaN ? Vector512.Equals(x, x) : Vector512.GreaterThan(x, Vector512.Create(heap.Threshold));
                heap.OfferLanes(values, i, candidates.ExtractMostSignificantBits());
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var x = Vector256.LoadUnsafe(ref row, (nuint)i);
                var candidates = heap.RootIsNaN ? Vector256.Equals(x, x) : Vector256.GreaterThan(x, Vector256.Create(heap.Threshold));
                heap.OfferLanes(values, i, candidates.ExtractMostSignificantBits());
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                var x = Vector128.LoadUnsafe(ref row, (nuint)i);
                var candidates = heap.RootIsNaN ? Vector128.Equals(x, x) : Vector128.GreaterThan(x, Vector128.Create(heap.Threshold));
                heap.OfferLanes(values, i, candidates.ExtractMostSignificantBits());
            }
        }
        for (; i < length; i++)
        {
            heap.Offer(Unsafe.Add(ref row, i), i);
        }
    }

    /// <summary>Restores the heap property below <paramref name="node"/>: every parent ranks after its children.</summary>
    private static void SiftDown(Span<int> indices, Span<float> values, int node, int count)
    {
        var index = indices[node];
        var value = values[node];
        while (true)
        {
            var child = 2 * node + 1;
            if (child >= count)
            {
                break;
            }
            // Pick the worse child.
            var right = child + 1;
            if (right < count && RanksBefore(values[child], indices[child], values[right], indices[right]))
            {
                child = right;
            }
            if (!RanksBefore(value, index, values[child], indices[child]))
            {
                break;
            }
            indices[node] = indices[child];
            values[node] = values[child];
            node = child;
        }
        indices[node] = index;
        values[node] = value;
    }

    /// <summary>The selection so far: a heap with the worst of the k best at the root.</summary>
    private ref struct Heap(Span<int> indices, Span<float> values)
    {
        private readonly Span<int> _indices = indices;
        private readonly Span<float> _values = values;

        /// <summary>The root value: a later element enters only if it is strictly greater.</summary>
        public readonly float Threshold => _values[0];

        /// <summary>While the root is NaN, any number enters.</summary>
        public readonly bool RootIsNaN => float.IsNaN(_values[0]);

        /// <summary>Offers the lanes whose bits are set, in lane order, starting at element <paramref name="offset"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void OfferLanes(ReadOnlySpan<float> row, int offset, ulong lanes)
        {
            while (lanes != 0)
            {
                var index = offset + BitOperations.TrailingZeroCount(lanes);
                lanes &= lanes - 1;
                Offer(row[index], index);
            }
        }

        /// <summary>Replaces the root with element <paramref name="index"/> if it ranks before the root.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Offer(float value, int index)
        {
            // Every element in the heap has a lower index, so "ranks before the root" is "greater than
            // the root", or "is a number" while the root is NaN.
            var root = _values[0];
            if (value > root || (float.IsNaN(root) && !float.IsNaN(value)))
            {
                _indices[0] = index;
                _values[0] = value;
                SiftDown(_indices, _values, 0, _indices.Length);
            }
        }
    }
}
