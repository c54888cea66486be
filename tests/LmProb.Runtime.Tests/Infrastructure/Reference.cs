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
        double sum = 0;
        foreach (var v in x)
        {
            sum += Math.Exp(v - max);
        }
        return max + Math.Log(sum);
    }

    public static double[] Softmax(ReadOnlySpan<float> x, double temperature = 1)
    {
        var max = x.ToArray().Select(v => (double)v).DefaultIfEmpty(double.NegativeInfinity).Max();
        var e = x.ToArray().Select(v => Math.Exp((v - max) / temperature)).ToArray();
        var sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    public static double[] LogSoftmax(ReadOnlySpan<float> x, double temperature = 1)
    {
        var max = x.ToArray().Select(v => (double)v).DefaultIfEmpty(double.NegativeInfinity).Max();
        var shifted = x.ToArray().Select(v => (v - max) / temperature).ToArray();
        var logSum = Math.Log(shifted.Sum(Math.Exp));
        return shifted.Select(v => v - logSum).ToArray();
    }

    /// <summary>Cross-entropy of one row: <c>lse(x) − x[target]</c>, in double.</summary>
    public static double CrossEntropy(ReadOnlySpan<float> logits, int target) => LogSumExp(logits) - logits[target];
}
