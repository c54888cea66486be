using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LmProb.Kernels;

/// <summary>
/// Drawing an index with probability proportional to its weight, the same on every machine: all
/// sums are in double, in one fixed order, whatever the vector width.
/// </summary>
/// <remarks>
/// A row is cut into blocks of <see cref="BlockSize"/> weights. Within a block, weight j goes into
/// partial sum <c>j mod 16</c>, in order; the 16 partials are reduced by a fixed halving tree. The
/// 256-bit path keeps the 16 partials in four <c>Vector256&lt;double&gt;</c>, the 128-bit path in
/// eight <c>Vector128&lt;double&gt;</c>, the scalar path in an array: every partial sees the same
/// additions in the same order, so a block sum has the same bits on AVX-512, AVX2, SSE and scalar
/// hardware. The draw walks the block sums to the block where the running sum passes
/// <c>u · total</c>, then that block's weights one by one.
/// </remarks>
internal static class CategoricalDraw
{
    public const int BlockSize = 256;

    private const int Partials = 16;

    public static int BlockCount(int length) => (length + BlockSize - 1) / BlockSize;

    /// <summary>Writes every block's sum to <paramref name="blockSums"/> and returns their sum, added in order.</summary>
    public static double BlockSums(ReadOnlySpan<float> weights, Span<double> blockSums)
    {
        var total = 0.0;
        for (var b = 0; b < blockSums.Length; b++)
        {
            var start = b * BlockSize;
            var sum = BlockSum(weights.Slice(start, Math.Min(BlockSize, weights.Length - start)));
            blockSums[b] = sum;
            total += sum;
        }
        return total;
    }

    /// <summary>
    /// The first index at which the running sum of <paramref name="weights"/> exceeds
    /// <c>u · total</c> (<paramref name="u"/> in [0, 1)); an index of weight 0 is never returned
    /// while <paramref name="total"/> is positive. When rounding leaves the target unreached, the last
    /// index of nonzero weight (in the block, or in the row) is returned.
    /// </summary>
    public static int Draw(ReadOnlySpan<float> weights, ReadOnlySpan<double> blockSums, double total, double u)
    {
        var target = u * total;
        var running = 0.0;
        for (var b = 0; b < blockSums.Length; b++)
        {
            var next = running + blockSums[b];
            if (next > target)
            {
                // The block's sum is positive, so it holds a positive weight and `last` gets set.
                var start = b * BlockSize;
                var block = weights.Slice(start, Math.Min(BlockSize, weights.Length - start));
                var last = 0;
                for (var j = 0; j < block.Length; j++)
                {
                    if (block[j] > 0)
                    {
                        last = j;
                        running += block[j];
                        if (running > target)
                        {
                            return start + j;
                        }
                    }
                }
                // The in-order sum of the block fell short of its block sum by rounding.
                return start + last;
            }
            running = next;
        }
        // u · total rounded up to the total.
        for (var i = weights.Length - 1; i > 0; i--)
        {
            if (weights[i] > 0)
            {
                return i;
            }
        }
        return 0;
    }

    /// <summary>The sum of up to <see cref="BlockSize"/> weights in the fixed order described on the class.</summary>
    public static double BlockSum(ReadOnlySpan<float> block)
    {
        Span<double> partials = stackalloc double[Partials];
        ref var source = ref MemoryMarshal.GetReference(block);
        var length = block.Length;
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; j + Partials <= length; j += Partials)
            {
                var (w0, w1) = Vector256.Widen(Vector256.LoadUnsafe(ref source, (nuint)j));
                var (w2, w3) = Vector256.Widen(Vector256.LoadUnsafe(ref source, (nuint)(j + 8)));
                s0 += w0;
                s1 += w1;
                s2 += w2;
                s3 += w3;
            }
            ref var p = ref MemoryMarshal.GetReference(partials);
            s0.StoreUnsafe(ref p, 0);
            s1.StoreUnsafe(ref p, 4);
            s2.StoreUnsafe(ref p, 8);
            s3.StoreUnsafe(ref p, 12);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Span<Vector128<double>> sums = stackalloc Vector128<double>[Partials / 2];
            sums.Clear();
            for (; j + Partials <= length; j += Partials)
            {
                for (var q = 0; q < 4; q++)
                {
                    var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref source, (nuint)(j + 4 * q)));
                    sums[2 * q] += lower;
                    sums[2 * q + 1] += upper;
                }
            }
            MemoryMarshal.Cast<Vector128<double>, double>(sums).CopyTo(partials);
        }
        else
        {
            partials.Clear();
            for (; j + Partials <= length; j += Partials)
            {
                for (var q = 0; q < Partials; q++)
                {
                    partials[q] += Unsafe.Add(ref source, j + q);
                }
            }
        }
        // The tail (only in a row's last block): weight j + q into partial q.
        for (var q = 0; j + q < length; q++)
        {
            partials[q] += Unsafe.Add(ref source, j + q);
        }
        for (var width = Partials / 2; width >= 1; width /= 2)
        {
            for (var q = 0; q < width; q++)
            {
                partials[q] += partials[q + width];
            }
        }
        return partials[0];
    }
}
