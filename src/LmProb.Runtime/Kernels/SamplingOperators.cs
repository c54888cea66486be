using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LmProb.Kernels;

/// <summary>
/// <c>exp((x − max) / T)</c> that stays right when <c>x − max</c> overflows (a row spanning more than
/// the float range, such as <c>[-3e38, 3e38]</c>, with T &gt; 1): there <c>x / T − max / T</c> is used.
/// Elsewhere it equals <see cref="TemperedExp"/> bit for bit; every width does the same operations.
/// </summary>
internal readonly struct WideTemperedExp(float max, float temperature) : IRowOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x)
    {
        var shifted = x - max;
        // x − max is −inf either because x is −inf (then x / T − max / T is −inf too) or by overflow.
        return ExpKernel.Exp(float.IsNegativeInfinity(shifted) ? x / temperature - max / temperature : shifted / temperature);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x)
    {
        var t = Vector128.Create(temperature);
        var shifted = x - Vector128.Create(max);
        var overflowed = Vector128.Equals(shifted, Vector128.Create(float.NegativeInfinity));
        return ExpKernel.Exp(Vector128.ConditionalSelect(overflowed, x / t - Vector128.Create(max / temperature), shifted / t));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x)
    {
        var t = Vector256.Create(temperature);
        var shifted = x - Vector256.Create(max);
        var overflowed = Vector256.Equals(shifted, Vector256.Create(float.NegativeInfinity));
        return ExpKernel.Exp(Vector256.ConditionalSelect(overflowed, x / t - Vector256.Create(max / temperature), shifted / t));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x)
    {
        var t = Vector512.Create(temperature);
        var shifted = x - Vector512.Create(max);
        var overflowed = Vector512.Equals(shifted, Vector512.Create(float.NegativeInfinity));
        return ExpKernel.Exp(Vector512.ConditionalSelect(overflowed, x / t - Vector512.Create(max / temperature), shifted / t));
    }
}

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
