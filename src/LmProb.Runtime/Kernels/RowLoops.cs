using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LmProb.Kernels;

/// <summary>
/// The two loops every row kernel is made of: an elementwise map, and a map whose results are
/// summed. Each picks the widest accelerated vector width at JIT time (the other branches fold away).
/// </summary>
/// <remarks>
/// The sum has one fixed order whatever the width, so a row's sum is bit-identical on AVX-512,
/// AVX2, SSE and scalar hardware (which makes sampling and batched losses reproducible):
/// <list type="bullet">
/// <item>the body runs in blocks of <see cref="BlockSize"/> elements and element <c>j</c> of a block
/// adds into float partial sum <c>j</c> (four Vector512 accumulators, eight Vector256, sixteen
/// Vector128, or 64 scalars);</item>
/// <item>every <see cref="BlocksPerFlush"/> blocks the 64 float partials are added into 64 double
/// totals, so float rounding never builds up over more than 16 terms;</item>
/// <item>the 64 totals are reduced in a fixed tree (<see cref="Reduce"/>), and the tail of fewer
/// than 64 elements is added after, in order, in double.</item>
/// </list>
/// </remarks>
internal static class RowLoops
{
    public const int BlockSize = 64;

    public const int BlocksPerFlush = 16;

    private const int ChunkSize = BlockSize * BlocksPerFlush;

    /// <summary><c>destination[i] = op(x[i])</c>. <paramref name="destination"/> may be <paramref name="x"/> itself.</summary>
    public static void Map<TOperator>(ReadOnlySpan<float> x, Span<float> destination, TOperator op)
        where TOperator : struct, IRowOperator
    {
        ref var source = ref MemoryMarshal.GetReference(x);
        ref var target = ref MemoryMarshal.GetReference(destination);
        var length = (nuint)x.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector512<float>.Count <= length; i += (nuint)Vector512<float>.Count)
            {
                op.Invoke(Vector512.LoadUnsafe(ref source, i)).StoreUnsafe(ref target, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<float>.Count <= length; i += (nuint)Vector256<float>.Count)
            {
                op.Invoke(Vector256.LoadUnsafe(ref source, i)).StoreUnsafe(ref target, i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector128<float>.Count <= length; i += (nuint)Vector128<float>.Count)
            {
                op.Invoke(Vector128.LoadUnsafe(ref source, i)).StoreUnsafe(ref target, i);
            }
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref target, i) = op.Invoke(Unsafe.Add(ref source, i));
        }
    }

    /// <summary>
    /// The row maximum by <c>MaxNative</c> (one instruction, not IEEE's NaN-propagating max): exact
    /// for a row without NaN; for a row with NaN it is NaN or the maximum of the other elements.
    /// Row kernels detect NaN through the exp sum instead (see <see cref="IRowKernels{T}.Max"/>).
    /// −inf for an empty row.
    /// </summary>
    public static float Max(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty)
        {
            return float.NegativeInfinity;
        }
        ref var source = ref MemoryMarshal.GetReference(x);
        var length = (nuint)x.Length;
        nuint i = 0;
        var max = float.NegativeInfinity;
        if (Vector512.IsHardwareAccelerated && length >= 16)
        {
            var m0 = Vector512.LoadUnsafe(ref source);
            var (m1, m2, m3) = (m0, m0, m0);
            for (; i + 64 <= length; i += 64)
            {
                m0 = Vector512.MaxNative(m0, Vector512.LoadUnsafe(ref source, i));
                m1 = Vector512.MaxNative(m1, Vector512.LoadUnsafe(ref source, i + 16));
                m2 = Vector512.MaxNative(m2, Vector512.LoadUnsafe(ref source, i + 32));
                m3 = Vector512.MaxNative(m3, Vector512.LoadUnsafe(ref source, i + 48));
            }
            for (; i + 16 <= length; i += 16)
            {
                m0 = Vector512.MaxNative(m0, Vector512.LoadUnsafe(ref source, i));
            }
            // The last vector overlaps the end (max is idempotent).
            m1 = Vector512.MaxNative(m1, Vector512.LoadUnsafe(ref source, length - 16));
            return HorizontalMax(Vector512.MaxNative(Vector512.MaxNative(m0, m1), Vector512.MaxNative(m2, m3)));
        }
        if (Vector256.IsHardwareAccelerated && length >= 8)
        {
            var m0 = Vector256.LoadUnsafe(ref source);
            var m1 = m0;
            for (; i + 16 <= length; i += 16)
            {
                m0 = Vector256.MaxNative(m0, Vector256.LoadUnsafe(ref source, i));
                m1 = Vector256.MaxNative(m1, Vector256.LoadUnsafe(ref source, i + 8));
            }
            m0 = Vector256.MaxNative(m0, Vector256.LoadUnsafe(ref source, length - 8));
            return HorizontalMax(Vector256.MaxNative(m0, m1).GetLower(), Vector256.MaxNative(m0, m1).GetUpper());
        }
        if (Vector128.IsHardwareAccelerated && length >= 4)
        {
            var m0 = Vector128.LoadUnsafe(ref source);
            for (; i + 4 <= length; i += 4)
            {
                m0 = Vector128.MaxNative(m0, Vector128.LoadUnsafe(ref source, i));
            }
            m0 = Vector128.MaxNative(m0, Vector128.LoadUnsafe(ref source, length - 4));
            return HorizontalMax(m0, m0);
        }
        for (; i < length; i++)
        {
            var value = Unsafe.Add(ref source, i);
            max = value > max ? value : max;
        }
        return max;
    }

    private static float HorizontalMax(Vector512<float> m) => HorizontalMax(m.GetLower().GetLower(), m.GetLower().GetUpper(), m.GetUpper().GetLower(), m.GetUpper().GetUpper());

    private static float HorizontalMax(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d) =>
        HorizontalMax(Vector128.MaxNative(a, b), Vector128.MaxNative(c, d));

    private static float HorizontalMax(Vector128<float> a, Vector128<float> b)
    {
        var m = Vector128.MaxNative(a, b);
        var max = float.NegativeInfinity;
        for (var lane = 0; lane < Vector128<float>.Count; lane++)
        {
            var value = m.GetElement(lane);
            max = value > max ? value : max;
        }
        return max;
    }

    /// <summary>Returns <c>Σ op(x[i])</c> in the fixed order described on the class.</summary>
    public static double Sum<TOperator>(ReadOnlySpan<float> x, TOperator op)
        where TOperator : struct, IRowOperator =>
        MapAndSum(x, Span<float>.Empty, op, store: false);

    /// <summary>
    /// Writes <c>destination[i] = op(x[i])</c> and returns their sum in the fixed order described on
    /// the class. <paramref name="destination"/> may be <paramref name="x"/> itself.
    /// </summary>
    public static double MapAndSum<TOperator>(ReadOnlySpan<float> x, Span<float> destination, TOperator op)
        where TOperator : struct, IRowOperator =>
        MapAndSum(x, destination, op, store: true);

    private static double MapAndSum<TOperator>(ReadOnlySpan<float> x, Span<float> destination, TOperator op, bool store)
        where TOperator : struct, IRowOperator
    {
        ref var source = ref MemoryMarshal.GetReference(x);
        ref var target = ref MemoryMarshal.GetReference(destination);
        var bodyLength = (nuint)(x.Length / BlockSize * BlockSize);
        Span<double> totals = stackalloc double[BlockSize];
        totals.Clear();
        Span<float> partials = stackalloc float[BlockSize];

        for (nuint chunk = 0; chunk < bodyLength; chunk += ChunkSize)
        {
            var chunkEnd = Math.Min(chunk + ChunkSize, bodyLength);
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<float> sum0 = default, sum1 = default, sum2 = default, sum3 = default;
                for (var i = chunk; i < chunkEnd; i += BlockSize)
                {
                    var e0 = op.Invoke(Vector512.LoadUnsafe(ref source, i));
                    var e1 = op.Invoke(Vector512.LoadUnsafe(ref source, i + 16));
                    var e2 = op.Invoke(Vector512.LoadUnsafe(ref source, i + 32));
                    var e3 = op.Invoke(Vector512.LoadUnsafe(ref source, i + 48));
                    if (store)
                    {
                        e0.StoreUnsafe(ref target, i);
                        e1.StoreUnsafe(ref target, i + 16);
                        e2.StoreUnsafe(ref target, i + 32);
                        e3.StoreUnsafe(ref target, i + 48);
                    }
                    sum0 += e0;
                    sum1 += e1;
                    sum2 += e2;
                    sum3 += e3;
                }
                ref var t = ref MemoryMarshal.GetReference(totals);
                Flush(sum0, ref t, 0);
                Flush(sum1, ref t, 16);
                Flush(sum2, ref t, 32);
                Flush(sum3, ref t, 48);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                var sums = MemoryMarshal.Cast<float, Vector256<float>>(partials);
                sums.Clear();
                for (var i = chunk; i < chunkEnd; i += BlockSize)
                {
                    for (var j = 0; j < sums.Length; j++)
                    {
                        var offset = i + (nuint)(8 * j);
                        var e = op.Invoke(Vector256.LoadUnsafe(ref source, offset));
                        if (store)
                        {
                            e.StoreUnsafe(ref target, offset);
                        }
                        sums[j] += e;
                    }
                }
                ref var t = ref MemoryMarshal.GetReference(totals);
                for (var j = 0; j < sums.Length; j++)
                {
                    var (low, high) = Vector256.Widen(sums[j]);
                    (Vector256.LoadUnsafe(ref t, (nuint)(8 * j)) + low).StoreUnsafe(ref t, (nuint)(8 * j));
                    (Vector256.LoadUnsafe(ref t, (nuint)(8 * j + 4)) + high).StoreUnsafe(ref t, (nuint)(8 * j + 4));
                }
            }
            else
            {
                // Vector128 hardware gains little over scalar code here; one path keeps the order plain.
                var sums = partials;
                sums.Clear();
                for (var i = chunk; i < chunkEnd; i += BlockSize)
                {
                    for (var j = 0; j < BlockSize; j++)
                    {
                        var offset = i + (nuint)j;
                        var e = op.Invoke(Unsafe.Add(ref source, offset));
                        if (store)
                        {
                            Unsafe.Add(ref target, offset) = e;
                        }
                        sums[j] += e;
                    }
                }
                for (var j = 0; j < BlockSize; j++)
                {
                    totals[j] += sums[j];
                }
            }
        }

        var total = Reduce(totals);
        for (var i = bodyLength; i < (nuint)x.Length; i++)
        {
            var e = op.Invoke(Unsafe.Add(ref source, i));
            if (store)
            {
                Unsafe.Add(ref target, i) = e;
            }
            total += e;
        }
        return total;
    }

    /// <summary>Adds 16 float partial sums into the 16 double totals at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Flush(Vector512<float> sum, ref double totals, nuint offset)
    {
        var (low, high) = Vector512.Widen(sum);
        (Vector512.LoadUnsafe(ref totals, offset) + low).StoreUnsafe(ref totals, offset);
        (Vector512.LoadUnsafe(ref totals, offset + 8) + high).StoreUnsafe(ref totals, offset + 8);
    }

    /// <summary>
    /// Sums the 64 totals in a fixed tree: first the four 16-lane groups, (g0 + g1) + (g2 + g3),
    /// then the 16 lanes by halving.
    /// </summary>
    private static double Reduce(Span<double> totals)
    {
        Span<double> lanes = stackalloc double[16];
        for (var l = 0; l < 16; l++)
        {
            lanes[l] = (totals[l] + totals[16 + l]) + (totals[32 + l] + totals[48 + l]);
        }
        for (var width = 8; width >= 1; width /= 2)
        {
            for (var l = 0; l < width; l++)
            {
                lanes[l] += lanes[l + width];
            }
        }
        return lanes[0];
    }
}
