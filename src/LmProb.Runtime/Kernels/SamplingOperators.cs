using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LmProb.Kernels;

/// <summary><c>x &gt;= threshold ? x : 0</c>: the min-p filter on weights (an exact compare, the same at every width).</summary>
internal readonly struct KeepAtLeast(float threshold) : IRowOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => x >= threshold ? x : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) =>
        Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(x, Vector128.Create(threshold)), x, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256.Create(threshold)), x, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512.Create(threshold)), x, Vector512<float>.Zero);
}
