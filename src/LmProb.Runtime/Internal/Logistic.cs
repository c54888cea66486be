using System;

namespace LmProb.Internal;

/// <summary>
/// The logistic function and its logarithms in <see cref="double"/>, in forms that neither
/// overflow nor cancel: the scalar building blocks of the binary, focal and preference losses.
/// </summary>
internal static class Logistic
{
    /// <summary>
    /// <c>log(1 + x)</c>, accurate for small <c>x</c> (<see cref="double.LogP1"/> is
    /// <c>Math.Log(x + 1)</c>, which returns 0 for <c>|x| &lt; 1.1e-16</c>). For <c>x ≥ 0</c>
    /// (all the callers here) it is within a few ulps.
    /// </summary>
    /// <remarks>
    /// Goldberg's correction: with <c>u = 1 + x</c> rounded, <c>log(u) · x / (u − 1)</c> cancels the
    /// rounding error of <c>u</c> ("What every computer scientist should know about floating-point
    /// arithmetic", theorem 4).
    /// </remarks>
    public static double Log1P(double x)
    {
        var u = 1.0 + x;
        if (u == 1.0)
        {
            return x;
        }
        if (double.IsPositiveInfinity(u))
        {
            return u;
        }
        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>
    /// <c>softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^−|z|)</c>: never overflows, 0 at −inf,
    /// +inf at +inf, NaN for NaN.
    /// </summary>
    public static double Softplus(double z) => Math.Max(z, 0.0) + Log1P(Math.Exp(-Math.Abs(z)));

    /// <summary><c>log σ(z) = −softplus(−z)</c>: 0 at +inf, −inf at −inf.</summary>
    public static double LogSigmoid(double z) => -Softplus(-z);

    /// <summary><c>σ(z) = 1 / (1 + e^−z)</c>, evaluated on the side where the exponential cannot overflow.</summary>
    public static double Sigmoid(double z)
    {
        if (z >= 0)
        {
            return 1.0 / (1.0 + Math.Exp(-z));
        }
        var e = Math.Exp(z);
        return e / (1.0 + e);
    }

    /// <summary><c>log(e^a + e^b)</c> without overflow; −inf when both are −inf.</summary>
    public static double LogAddExp(double a, double b)
    {
        var max = Math.Max(a, b);
        if (double.IsNegativeInfinity(max) || double.IsPositiveInfinity(max))
        {
            return max;
        }
        return max + Log1P(Math.Exp(-Math.Abs(a - b)));
    }
}
