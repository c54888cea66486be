using System;
using System.Buffers;
using System.Numerics;

namespace LmProb.Kernels;

/// <summary>
/// The nucleus (top-p) prefix of a row: the tokens in rank order (larger value first, ties to the
/// lower index, NaN last; the order of <see cref="TopKSelection"/>) until their mass reaches a
/// target. Only the prefix that is needed gets sorted.
/// </summary>
/// <remarks>
/// <para>
/// First try: a heap top-k of <see cref="FirstTry"/> tokens (about one streaming pass), which is
/// enough for the peaked distributions of language models. Second try: a histogram of the masses
/// (by their top 12 bits) gives an order value above which the target mass lies; every token at or
/// above it becomes a 64-bit key <c>(rank of the value) · 2^32 + index</c>, whose ascending order is
/// the rank order, and only those keys are sorted. Should rounding leave the target unreached
/// (the sums in rank order falling short of the bucket sums), the tokens below the cut are sorted
/// too. The cost is one scalar pass (the histogram) and two vector passes over the row, plus
/// O(m log m) for the m tokens sorted (m a little more than the nucleus), instead of sorting the row.
/// </para>
/// <para>
/// Running sums are in double, in rank order, so the result is the same on every machine.
/// </para>
/// </remarks>
internal static class NucleusSelection
{
    /// <summary>How many tokens the first, heap-based try selects.</summary>
    public const int FirstTry = 64;

    /// <summary>
    /// Writes the nucleus to <paramref name="indices"/> and returns its size: ranks by
    /// <paramref name="order"/>, sums <paramref name="mass"/> (non-negative, same length) in rank
    /// order, and stops at the first token where the running sum is <c>&gt;= target</c>. A token of
    /// mass 0 stops it too (everything after weighs nothing, so the target is out of reach through
    /// rounding): the tokens before it are kept, or the first token if it is the very first. When
    /// the whole row falls short, every token is kept.
    /// </summary>
    /// <param name="order">The values that rank the tokens (probabilities, or logits).</param>
    /// <param name="mass">The mass of each token.</param>
    /// <param name="target">The mass to reach.</param>
    /// <param name="indices">Receives the prefix; at least as long as the row.</param>
    public static int Select(ReadOnlySpan<float> order, ReadOnlySpan<float> mass, double target, Span<int> indices)
    {
        var length = order.Length;
        var running = 0.0;

        // First try: a heap top-k.
        var sorted = Math.Min(length, FirstTry);
        Span<float> values = stackalloc float[FirstTry];
        TopKSelection.Select(order, indices[..sorted], values[..sorted]);
        if (TryReach(mass, indices, 0, sorted, target, ref running, out var count))
        {
            return count;
        }
        if (sorted == length)
        {
            return length;
        }

        // Second try: every token whose order value is at least a cut that the mass histogram says
        // is enough (a prefix of the ranking), sorted.
        var cut = OrderCut(order, mass, target);
        var rented = ArrayPool<ulong>.Shared.Rent(length - sorted);
        try
        {
            var keys = rented.AsSpan(0, length - sorted);
            var lastKey = Key(values[sorted - 1], indices[sorted - 1]);
            var front = CollectKeysAtOrAbove(order, cut, lastKey, keys);
            var segment = keys[..front];
            segment.Sort();
            for (var j = 0; j < front; j++)
            {
                indices[sorted + j] = (int)(uint)segment[j];
            }
            if (TryReach(mass, indices, sorted, sorted + front, target, ref running, out count))
            {
                return count;
            }
            sorted += front;

            // Only when rounding defeats the histogram (the sums in rank order fall short of the
            // bucket sums): the tokens below the cut, sorted. Never reached in practice.
            var rest = keys[front..];
            var remaining = 0;
            for (var i = 0; i < length; i++)
            {
                var key = Key(order[i], i);
                if (!(order[i] >= cut) && key > lastKey)
                {
                    rest[remaining++] = key;
                }
            }
            segment = rest[..remaining];
            segment.Sort();
            for (var j = 0; j < remaining; j++)
            {
                indices[sorted + j] = (int)(uint)segment[j];
            }
            return TryReach(mass, indices, sorted, sorted + remaining, target, ref running, out count) ? count : length;
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// An order value such that the tokens at or above it very likely hold the target mass: the
    /// masses are summed per bucket of their top 12 bits (exponent and 3 mantissa bits, about 9 % wide),
    /// the heaviest buckets are taken until the target is reached, and the cut is the smallest order
    /// value among the tokens in them. Only speed depends on it: the caller checks the sums exactly.
    /// </summary>
    private static float OrderCut(ReadOnlySpan<float> order, ReadOnlySpan<float> mass, double target)
    {
        const int BucketShift = 20;
        Span<double> histogram = stackalloc double[1 << (31 - BucketShift)];
        histogram.Clear();
        foreach (var value in mass)
        {
            if (value > 0)
            {
                histogram[(int)(BitConverter.SingleToUInt32Bits(value) >> BucketShift)] += value;
            }
        }
        var bucket = 0;
        var cumulative = 0.0;
        for (var b = histogram.Length - 1; b >= 0; b--)
        {
            cumulative += histogram[b];
            if (cumulative >= target)
            {
                bucket = b;
                break;
            }
        }

        // The smallest order value among the tokens of mass >= the bucket's lower bound.
        var cutMass = BitConverter.UInt32BitsToSingle((uint)bucket << BucketShift);
        var cut = float.PositiveInfinity;
        var i = 0;
        if (Vector.IsHardwareAccelerated && order.Length >= Vector<float>.Count)
        {
            var minimum = new Vector<float>(float.PositiveInfinity);
            var limit = new Vector<float>(cutMass);
            for (; i <= order.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var inBuckets = Vector.GreaterThanOrEqual(new Vector<float>(mass[i..]), limit);
                minimum = Vector.Min(minimum, Vector.ConditionalSelect(inBuckets, new Vector<float>(order[i..]), minimum));
            }
            for (var lane = 0; lane < Vector<float>.Count; lane++)
            {
                cut = MathF.Min(cut, minimum[lane]);
            }
        }
        for (; i < order.Length; i++)
        {
            if (mass[i] >= cutMass && order[i] < cut)
            {
                cut = order[i];
            }
        }
        return cut;
    }

    /// <summary>
    /// Writes the keys of the tokens with <c>order &gt;= cut</c> that rank after <paramref name="lastKey"/>
    /// to <paramref name="keys"/>, in index order, and returns how many. Whole vectors below the cut are skipped.
    /// </summary>
    private static int CollectKeysAtOrAbove(ReadOnlySpan<float> order, float cut, ulong lastKey, Span<ulong> keys)
    {
        var count = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var limit = new Vector<float>(cut);
            for (; i <= order.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                if (Vector.GreaterThanOrEqualAny(new Vector<float>(order[i..]), limit))
                {
                    for (var lane = i; lane < i + Vector<float>.Count; lane++)
                    {
                        Collect(order, lane, cut, lastKey, keys, ref count);
                    }
                }
            }
        }
        for (; i < order.Length; i++)
        {
            Collect(order, i, cut, lastKey, keys, ref count);
        }
        return count;

        static void Collect(ReadOnlySpan<float> order, int i, float cut, ulong lastKey, Span<ulong> keys, ref int count)
        {
            if (order[i] >= cut)
            {
                var key = Key(order[i], i);
                if (key > lastKey)
                {
                    keys[count++] = key;
                }
            }
        }
    }

    /// <summary>
    /// The float threshold of min-p: the smallest float <c>&gt;= minP · max</c>. The product is exact
    /// in double (24 + 24 significant bits), so <c>x &gt;= threshold</c> in float is the exact test.
    /// </summary>
    public static float MinPThreshold(float minP, float max)
    {
        var exact = (double)minP * max;
        var threshold = (float)exact;
        return threshold < exact ? MathF.BitIncrement(threshold) : threshold;
    }

    /// <summary>
    /// A key whose ascending order is the rank order: the value's rank in the high 32 bits (larger
    /// values give smaller ranks; −0 and +0 the same; NaN the largest), the index in the low 32 bits.
    /// </summary>
    public static ulong Key(float value, int index)
    {
        uint rank;
        if (float.IsNaN(value))
        {
            rank = uint.MaxValue;
        }
        else
        {
            // value + 0 turns −0 into +0. Flipping the sign bit of positives and every bit of
            // negatives gives an unsigned integer increasing with the value; its complement decreases.
            var bits = BitConverter.SingleToUInt32Bits(value + 0f);
            var increasing = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
            rank = ~increasing;
        }
        return ((ulong)rank << 32) | (uint)index;
    }

    /// <summary>Adds the masses of <c>indices[from..to)</c> in order; true (with the count) once the target or a zero mass is reached.</summary>
    private static bool TryReach(ReadOnlySpan<float> mass, ReadOnlySpan<int> indices, int from, int to, double target, ref double running, out int count)
    {
        for (var j = from; j < to; j++)
        {
            var value = mass[indices[j]];
            if (value == 0)
            {
                count = Math.Max(j, 1);
                return true;
            }
            running += value;
            if (running >= target)
            {
                count = j + 1;
                return true;
            }
        }
        count = 0;
        return false;
    }
}
