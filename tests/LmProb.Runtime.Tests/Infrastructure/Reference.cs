using System;
using System.Linq;

namespace LmProb.Tests.Infrastructure;

/// <summary>
/// Double-precision reference formulas, written the obvious way (max-shifted, in double), that the
/// float kernels are checked against.
/// </summary>
internal static class Reference
{
    public static double LogSumExp(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty)
        {
            return double.NegativeInfinity;
        }
        double max = double.NegativeInfinity;
        foreach (var v in x)
        {
            if (double.IsNaN(v) || double.IsPositiveInfinity(v))
            {
                return double.NaN;
            }
            max = Math.Max(max, v);
        }
        if (double.IsNegativeInfinity(max))
        {
            return double.NegativeInfinity;
        }
        var terms = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            terms[i] = Math.Exp(x[i] - max);
        }
        return max + Math.Log(Sum(terms));
    }

    /// <summary>
    /// Neumaier's compensated sum: exact to a few ulps of double even when one term is 1 and the
    /// rest are 1e-18 (a plain double sum would drop them).
    /// </summary>
    public static double Sum(ReadOnlySpan<double> terms)
    {
        double sum = 0, compensation = 0;
        foreach (var t in terms)
        {
            var next = sum + t;
            compensation += Math.Abs(sum) >= Math.Abs(t) ? (sum - next) + t : (t - next) + sum;
            sum = next;
        }
        return sum + compensation;
    }

    public static double[] Softmax(ReadOnlySpan<float> x, double temperature = 1)
    {
        var max = x.ToArray().Select(v => (double)v).DefaultIfEmpty(double.NegativeInfinity).Max();
        var e = x.ToArray().Select(v => Math.Exp((v - max) / temperature)).ToArray();
        var sum = Sum(e);
        return e.Select(v => v / sum).ToArray();
    }

    public static double[] LogSoftmax(ReadOnlySpan<float> x, double temperature = 1)
    {
        var max = x.ToArray().Select(v => (double)v).DefaultIfEmpty(double.NegativeInfinity).Max();
        var shifted = x.ToArray().Select(v => (v - max) / temperature).ToArray();
        var logSum = Math.Log(Sum(shifted.Select(Math.Exp).ToArray()));
        return shifted.Select(v => v - logSum).ToArray();
    }

    /// <summary>
    /// Cross-entropy of one row, <c>lse(x) − x[target]</c>, in double, computed as
    /// <c>−logSoftmax[target]</c> so that |x| ≈ 1e30 does not cancel away the answer.
    /// </summary>
    public static double CrossEntropy(ReadOnlySpan<float> logits, int target) => -LogSoftmax(logits)[target];
}
