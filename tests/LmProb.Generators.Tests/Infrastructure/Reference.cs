using System;
using System.Linq;

namespace LmProb.Generators.Tests.Infrastructure;

/// <summary>
/// The kernels in double precision, written the obvious way from API.md's definitions and edge
/// semantics (a row with NaN or +inf, or all −inf, is "bad": NaN out, except LogSumExp(all −inf) = −inf).
/// Inputs are the element values widened exactly, so only the kernels' own error is measured.
/// </summary>
internal static class Reference
{
    /// <summary>The row maximum and <c>Σ exp(x − max)</c> (compensated); null for a bad row.</summary>
    public static (double Max, double SumExp)? Normalize(double[] x)
    {
        if (x.Length == 0 || x.Any(v => double.IsNaN(v) || double.IsPositiveInfinity(v)))
        {
            return null;
        }
        var max = x.Max();
        if (double.IsNegativeInfinity(max))
        {
            return null;
        }
        return (max, Sum(x.Select(v => Math.Exp(v - max)).ToArray()));
    }

    public static double LogSumExp(double[] x)
    {
        if (Normalize(x) is { } row)
        {
            return row.Max + Math.Log(row.SumExp);
        }
        return x.Length > 0 && x.All(double.IsNegativeInfinity) ? double.NegativeInfinity : double.NaN;
    }

    public static double[] Softmax(double[] x) =>
        Normalize(x) is { } row
            ? x.Select(v => Math.Exp(v - row.Max) / row.SumExp).ToArray()
            : Filled(x.Length, double.NaN);

    public static double[] LogSoftmax(double[] x) =>
        Normalize(x) is { } row
            ? x.Select(v => (v - row.Max) - Math.Log(row.SumExp)).ToArray()
            : Filled(x.Length, double.NaN);

    /// <summary><c>log Σ exp(x − max) − (x[t] − max)</c>: +inf when x[t] = −inf, NaN for a bad row.</summary>
    public static double CrossEntropy(double[] x, int target) =>
        Normalize(x) is { } row ? Math.Log(row.SumExp) - (x[target] - row.Max) : double.NaN;

    /// <summary><c>softmax − onehot(target)</c>; NaN for a bad row.</summary>
    public static double[] CrossEntropyGradient(double[] x, int target)
    {
        var gradient = Softmax(x);
        gradient[target] -= 1;
        return gradient;
    }

    /// <summary>
    /// One counted row of PyTorch's <c>cross_entropy</c> with label smoothing ε and z-loss w:
    /// <c>(1 − ε)·nll + ε·mean_j(−log p_j) + w·lse²</c>, and its contribution to the gradient of the
    /// mean over <paramref name="count"/> rows: <c>[p_j·(1 + 2w·lse) − ε/V − (1 − ε)·[j = t]] / count</c>.
    /// </summary>
    public static (double Loss, double[] Gradient) SmoothedCrossEntropy(double[] x, int target, double smoothing, double zLoss, int count)
    {
        var v = x.Length;
        if (Normalize(x) is not { } row)
        {
            return (double.NaN, Filled(v, double.NaN));
        }
        var logSum = Math.Log(row.SumExp);
        var lse = row.Max + logSum;
        var nll = logSum - (x[target] - row.Max);
        var meanNegLogP = logSum - Sum(x.Select(value => value - row.Max).ToArray()) / v;
        // Terms with a zero weight are left out, not multiplied by 0: ε·mean(−log p) is +inf when
        // the row has a −inf entry, and 0·inf would be NaN.
        var loss = (1 - smoothing) * nll;
        if (smoothing != 0)
        {
            loss += smoothing * meanNegLogP;
        }
        if (zLoss != 0)
        {
            loss += zLoss * lse * lse;
        }
        var gradient = new double[v];
        for (var j = 0; j < v; j++)
        {
            var p = Math.Exp(x[j] - row.Max) / row.SumExp;
            gradient[j] = (p * (1 + 2 * zLoss * lse) - smoothing / v - (j == target ? 1 - smoothing : 0)) / count;
        }
        return (loss, gradient);
    }

    /// <summary>The indices of the k largest, largest first, ties to the lower index, NaN after everything.</summary>
    public static int[] TopK(double[] x, int k) =>
        Enumerable.Range(0, x.Length)
            .OrderBy(i => double.IsNaN(x[i]) ? 1 : 0)
            .ThenByDescending(i => double.IsNaN(x[i]) ? 0 : x[i])
            .ThenBy(i => i)
            .Take(k)
            .ToArray();

    /// <summary>Neumaier's compensated sum: a few ulps of double whatever the spread of the terms.</summary>
    public static double Sum(double[] terms)
    {
        if (terms.Any(t => !double.IsFinite(t)))
        {
            // The compensation would turn ±inf into NaN; an infinite term decides the sum anyway.
            return terms.Sum();
        }
        double sum = 0, compensation = 0;
        foreach (var t in terms)
        {
            var next = sum + t;
            compensation += Math.Abs(sum) >= Math.Abs(t) ? (sum - next) + t : (t - next) + sum;
            sum = next;
        }
        return sum + compensation;
    }

    private static double[] Filled(int length, double value) => Enumerable.Repeat(value, length).ToArray();
}
