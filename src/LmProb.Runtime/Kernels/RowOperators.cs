using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LmProb.Kernels;

/// <summary>
/// An elementwise function at every vector width. Implementations are small structs, so the
/// generic loops in <see cref="RowLoops"/> are specialized and inlined per operator.
/// </summary>
internal interface IRowOperator
{
    float Invoke(float x);

    Vector128<float> Invoke(Vector128<float> x);

    Vector256<float> Invoke(Vector256<float> x);

    Vector512<float> Invoke(Vector512<float> x);
}

/// <summary><c>exp(x − max)</c>: the numerator of a stable softmax.</summary>
internal readonly struct ShiftedExp(float max) : IRowOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => ExpKernel.Exp(x - max);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => ExpKernel.Exp(x - Vector128.Create(max));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => ExpKernel.Exp(x - Vector256.Create(max));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => ExpKernel.Exp(x - Vector512.Create(max));
}

/// <summary>
/// <c>(x − max) / T</c>, which stays right when <c>x − max</c> overflows (a row spanning more than
/// the float range, such as <c>[-3e38, 3e38]</c>, with T &gt; 1): there <c>x / T − max / T</c> is used.
/// Every width does the same operations.
/// </summary>
internal static class TemperedShift
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float x, float max, float temperature)
    {
        var shifted = x - max;
        // x − max is −inf either because x is −inf (then x / T − max / T is −inf too) or by overflow.
        return float.IsNegativeInfinity(shifted) ? x / temperature - max / temperature : shifted / temperature;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Apply(Vector128<float> x, float max, float temperature)
    {
        var t = Vector128.Create(temperature);
        var shifted = x - Vector128.Create(max);
        var overflowed = Vector128.Equals(shifted, Vector128.Create(float.NegativeInfinity));
        return Vector128.ConditionalSelect(overflowed, x / t - Vector128.Create(max / temperature), shifted / t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> x, float max, float temperature)
    {
        var t = Vector256.Create(temperature);
        var shifted = x - Vector256.Create(max);
        var overflowed = Vector256.Equals(shifted, Vector256.Create(float.NegativeInfinity));
        return Vector256.ConditionalSelect(overflowed, x / t - Vector256.Create(max / temperature), shifted / t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Apply(Vector512<float> x, float max, float temperature)
    {
        var t = Vector512.Create(temperature);
        var shifted = x - Vector512.Create(max);
        var overflowed = Vector512.Equals(shifted, Vector512.Create(float.NegativeInfinity));
        return Vector512.ConditionalSelect(overflowed, x / t - Vector512.Create(max / temperature), shifted / t);
    }
}

/// <summary><c>exp((x − max) / T)</c>: the numerator of a tempered softmax, without overflow for any T or row.</summary>
internal readonly struct TemperedExp(float max, float temperature) : IRowOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => ExpKernel.Exp(TemperedShift.Apply(x, max, temperature));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => ExpKernel.Exp(TemperedShift.Apply(x, max, temperature));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => ExpKernel.Exp(TemperedShift.Apply(x, max, temperature));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => ExpKernel.Exp(TemperedShift.Apply(x, max, temperature));
}

/// <summary><c>(x − max) − log(sum)</c>: log-softmax, never <c>x − lse</c> (which loses digits when |x| is large).</summary>
internal readonly struct ShiftedLog(float max, float logSum) : IRowOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => (x - max) - logSum;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => (x - Vector128.Create(max)) - Vector128.Create(logSum);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => (x - Vector256.Create(max)) - Vector256.Create(logSum);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => (x - Vector512.Create(max)) - Vector512.Create(logSum);
}

/// <summary><c>(x − max) / T − log(sum)</c>: tempered log-softmax, without overflow for any T or row.</summary>
internal readonly struct TemperedLog(float max, float temperature, float logSum) : IRowOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => TemperedShift.Apply(x, max, temperature) - logSum;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => TemperedShift.Apply(x, max, temperature) - Vector128.Create(logSum);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => TemperedShift.Apply(x, max, temperature) - Vector256.Create(logSum);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => TemperedShift.Apply(x, max, temperature) - Vector512.Create(logSum);
}

/// <summary><c>x / divisor</c>: the normalizing pass of softmax (a division, one rounding).</summary>
internal readonly struct DivideBy(float divisor) : IRowOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => x / divisor;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => x / Vector128.Create(divisor);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => x / Vector256.Create(divisor);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => x / Vector512.Create(divisor);
}

/// <summary><c>x − max</c>: a logit relative to the row maximum (exact when x and max are close).</summary>
internal readonly struct Shift(float max) : IRowOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => x - max;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => x - Vector128.Create(max);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => x - Vector256.Create(max);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => x - Vector512.Create(max);
}

/// <summary><c>x · scale − offset</c>: turns stored <c>exp(x − max)</c> into a scaled, shifted gradient.</summary>
internal readonly struct MultiplySubtract(float scale, float offset) : IRowOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => MathF.FusedMultiplyAdd(x, scale, -offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.FusedMultiplyAdd(x, Vector128.Create(scale), Vector128.Create(-offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.FusedMultiplyAdd(x, Vector256.Create(scale), Vector256.Create(-offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.FusedMultiplyAdd(x, Vector512.Create(scale), Vector512.Create(-offset));
}

/// <summary><c>exp(x − max) / sum</c>: softmax in one pass once the sum is known (exp recomputed, one division).</summary>
internal readonly struct ShiftedExpDivide(float max, float sum) : IRowOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => ExpKernel.Exp(x - max) / sum;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => ExpKernel.Exp(x - Vector128.Create(max)) / Vector128.Create(sum);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => ExpKernel.Exp(x - Vector256.Create(max)) / Vector256.Create(sum);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => ExpKernel.Exp(x - Vector512.Create(max)) / Vector512.Create(sum);
}
