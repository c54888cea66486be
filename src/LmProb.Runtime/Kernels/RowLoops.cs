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
/// The sum has one fixed order whatever the width: the body runs in blocks of
/// <see cref="BlockSize"/> elements, element <c>i</c> of a block adds into partial sum <c>i</c>
/// (four Vector512 accumulators, eight Vector256, sixteen Vector128, or 64 scalars), the partial
/// sums are reduced by <see cref="ReducePartials"/> in a fixed tree, and the tail of fewer than
/// 64 elements is added after, in order. So a row's sum is bit-identical on AVX-512, AVX2, SSE and
/// scalar hardware, which makes sampling and batched losses reproducible across machines.
/// </remarks>
internal static class RowLoops
{
    public const int BlockSize = 64;

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

    /// <summary>Returns <c>Σ op(x[i])</c> in the fixed order described on the class.</summary>
    public static float Sum<TOperator>(ReadOnlySpan<float> x, TOperator op)
        where TOperator : struct, IRowOperator =>
        MapAndSum(x, Span<float>.Empty, op, store: false);

    /// <summary>
    /// Writes <c>destination[i] = op(x[i])</c> and returns their sum in the fixed order described on
    /// the class. <paramref name="destination"/> may be <paramref name="x"/> itself.
    /// </summary>
    public static float MapAndSum<TOperator>(ReadOnlySpan<float> x, Span<float> destination, TOperator op)
        where TOperator : struct, IRowOperator =>
        MapAndSum(x, destination, op, store: true);

    private static float MapAndSum<TOperator>(ReadOnlySpan<float> x, Span<float> destination, TOperator op, bool store)
        where TOperator : struct, IRowOperator
    {
        ref var source = ref MemoryMarshal.GetReference(x);
        ref var target = ref MemoryMarshal.GetReference(destination);
        var blocks = (nuint)(x.Length / BlockSize);
        var bodyLength = blocks * BlockSize;
        Span<float> partials = stackalloc float[BlockSize];

        if (blocks == 0)
        {
            partials.Clear();
        }
        else if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> sum0 = default, sum1 = default, sum2 = default, sum3 = default;
            for (nuint i = 0; i < bodyLength; i += BlockSize)
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
            ref var p = ref MemoryMarshal.GetReference(partials);
            sum0.StoreUnsafe(ref p, 0);
            sum1.StoreUnsafe(ref p, 16);
            sum2.StoreUnsafe(ref p, 32);
            sum3.StoreUnsafe(ref p, 48);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Span<Vector256<float>> sums = stackalloc Vector256<float>[BlockSize / 8];
            sums.Clear();
            for (nuint i = 0; i < bodyLength; i += BlockSize)
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
            MemoryMarshal.Cast<Vector256<float>, float>(sums).CopyTo(partials);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Span<Vector128<float>> sums = stackalloc Vector128<float>[BlockSize / 4];
            sums.Clear();
            for (nuint i = 0; i < bodyLength; i += BlockSize)
            {
                for (var j = 0; j < sums.Length; j++)
                {
                    var offset = i + (nuint)(4 * j);
                    var e = op.Invoke(Vector128.LoadUnsafe(ref source, offset));
                    if (store)
                    {
                        e.StoreUnsafe(ref target, offset);
                    }
                    sums[j] += e;
                }
            }
            MemoryMarshal.Cast<Vector128<float>, float>(sums).CopyTo(partials);
        }
        else
        {
            partials.Clear();
            for (nuint i = 0; i < bodyLength; i += BlockSize)
            {
                for (var j = 0; j < BlockSize; j++)
                {
                    var e = op.Invoke(Unsafe.Add(ref source, i + (nuint)j));
                    if (store)
                    {
                        Unsafe.Add(ref target, i + (nuint)j) = e;
                    }
                    partials[j] += e;
                }
            }
        }

        var total = ReducePartials(partials);
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

    /// <summary>
    /// Sums the 64 partial sums in a fixed tree: first the four 16-lane groups,
    /// (g0 + g1) + (g2 + g3), then the 16 lanes by halving.
    /// </summary>
    private static float ReducePartials(Span<float> partials)
    {
        Span<float> lanes = stackalloc float[16];
        for (var l = 0; l < 16; l++)
        {
            lanes[l] = (partials[l] + partials[16 + l]) + (partials[32 + l] + partials[48 + l]);
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
