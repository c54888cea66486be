using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LmProb.Kernels;

/// <summary>
/// <c>exp(x)</c> for <c>x ≤ 0</c> (and -inf, NaN): the only arguments softmax, log-sum-exp and
/// cross-entropy need once the row maximum is subtracted. Every width (scalar, 128, 256, 512 bits)
/// runs the same operations on the same constants, so results are bit-identical across paths.
/// </summary>
/// <remarks>
/// The constants are in <see cref="ExpPolynomial"/>. The scaling <c>·2^n</c> is done as two exact
/// power-of-two factors, so results down to the smallest subnormal are right and anything below
/// <c>2^-150</c> is 0.
/// </remarks>
internal static class ExpKernel
{
    private const float Log2E = ExpPolynomial.Log2E;
    private const float Ln2High = ExpPolynomial.Ln2High;
    private const float Ln2Low = ExpPolynomial.Ln2Low;
    private const float MinArgument = ExpPolynomial.MinArgument;
    private const float C2 = ExpPolynomial.C2;
    private const float C3 = ExpPolynomial.C3;
    private const float C4 = ExpPolynomial.C4;
    private const float C5 = ExpPolynomial.C5;
    private const float C6 = ExpPolynomial.C6;
    private const float C7 = ExpPolynomial.C7;

    private const int ExponentBias = 127;
    private const int MantissaBits = 23;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        x = MathF.Max(x, MinArgument);
        var n = MathF.Round(x * Log2E);
        var r = MathF.FusedMultiplyAdd(n, -Ln2High, x);
        r = MathF.FusedMultiplyAdd(n, -Ln2Low, r);
        var p = MathF.FusedMultiplyAdd(C7, r, C6);
        p = MathF.FusedMultiplyAdd(p, r, C5);
        p = MathF.FusedMultiplyAdd(p, r, C4);
        p = MathF.FusedMultiplyAdd(p, r, C3);
        p = MathF.FusedMultiplyAdd(p, r, C2);
        p = MathF.FusedMultiplyAdd(p, r * r, r) + 1f;
        if (float.IsNaN(n))
        {
            return n;
        }
        var k = (int)n;
        var k1 = k >> 1;
        var k2 = k - k1;
        return p * BitConverter.Int32BitsToSingle((k1 + ExponentBias) << MantissaBits)
                 * BitConverter.Int32BitsToSingle((k2 + ExponentBias) << MantissaBits);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        // MaxNative (one instruction) may drop a NaN lane here; the final select puts NaN back.
        var clamped = Vector128.MaxNative(x, Vector128.Create(MinArgument));
        var n = Vector128.Round(clamped * Vector128.Create(Log2E));
        var r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2High), clamped);
        r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Low), r);
        var p = Vector128.FusedMultiplyAdd(Vector128.Create(C7), r, Vector128.Create(C6));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(C5));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(C4));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(C3));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(C2));
        p = Vector128.FusedMultiplyAdd(p, r * r, r) + Vector128<float>.One;
        var k = Vector128.ConvertToInt32(n);
        var k1 = Vector128.ShiftRightArithmetic(k, 1);
        var k2 = k - k1;
        var scale1 = Vector128.ShiftLeft(k1 + Vector128.Create(ExponentBias), MantissaBits).AsSingle();
        var scale2 = Vector128.ShiftLeft(k2 + Vector128.Create(ExponentBias), MantissaBits).AsSingle();
        var result = p * scale1 * scale2;
        return Vector128.ConditionalSelect(Vector128.IsNaN(x), x, result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        // MaxNative (one instruction) may drop a NaN lane here; the final select puts NaN back.
        var clamped = Vector256.MaxNative(x, Vector256.Create(MinArgument));
        var n = Vector256.Round(clamped * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), clamped);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(C7), r, Vector256.Create(C6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C2));
        p = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        var k = Vector256.ConvertToInt32(n);
        var k1 = Vector256.ShiftRightArithmetic(k, 1);
        var k2 = k - k1;
        var scale1 = Vector256.ShiftLeft(k1 + Vector256.Create(ExponentBias), MantissaBits).AsSingle();
        var scale2 = Vector256.ShiftLeft(k2 + Vector256.Create(ExponentBias), MantissaBits).AsSingle();
        var result = p * scale1 * scale2;
        return Vector256.ConditionalSelect(Vector256.IsNaN(x), x, result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        // MaxNative (one instruction) may drop a NaN lane here; the final select puts NaN back.
        var clamped = Vector512.MaxNative(x, Vector512.Create(MinArgument));
        var n = Vector512.Round(clamped * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), clamped);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(C7), r, Vector512.Create(C6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C2));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        var k = Vector512.ConvertToInt32(n);
        var k1 = Vector512.ShiftRightArithmetic(k, 1);
        var k2 = k - k1;
        var scale1 = Vector512.ShiftLeft(k1 + Vector512.Create(ExponentBias), MantissaBits).AsSingle();
        var scale2 = Vector512.ShiftLeft(k2 + Vector512.Create(ExponentBias), MantissaBits).AsSingle();
        var result = p * scale1 * scale2;
        return Vector512.ConditionalSelect(Vector512.IsNaN(x), x, result);
    }
}
