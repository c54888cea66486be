using System;

namespace LmProb.Internal;

/// <summary>
/// Sums of <c>e^d</c> over a row, <c>d = (x − max) / T</c> in <see cref="double"/>, that leave out the
/// first maximum's own term (exactly 1). Then <c>log Σ e^d = log1p(Rest)</c> keeps the digits of a
/// peaked row: for logits <c>[0, −30]</c>, <c>Rest = 9.4e−14</c> is exact, while <c>1 + Rest</c>
/// has only three of its digits left. One scalar pass in double, so no result depends on the
/// SIMD width.
/// </summary>
/// <param name="Rest"><c>Σ e^d</c> without the first maximum's term.</param>
/// <param name="ExpTimesShift"><c>Σ e^d·d</c> (≤ 0; terms with <c>e^d = 0</c> are 0, also at −inf).</param>
internal readonly record struct ShiftedExpSums(double Rest, double ExpTimesShift)
{
    /// <summary>Both sums at <c>T = 1</c>. <paramref name="max"/> must be the finite row maximum.</summary>
    public static ShiftedExpSums Create(ReadOnlySpan<float> x, float max)
    {
        var rest = 0.0;
        var expTimesShift = 0.0;
        var maxSeen = false;
        foreach (var value in x)
        {
            var shifted = (double)value - max;
            var e = Math.Exp(shifted);
            rest += OmitFirstMax(ref maxSeen, shifted, e);
            if (e != 0)
            {
                expTimesShift += e * shifted;
            }
        }
        return new ShiftedExpSums(rest, expTimesShift);
    }

    /// <summary>
    /// <c>Σ exp((x − max) / T)</c> without the first maximum's term. <paramref name="max"/> must be
    /// the finite row maximum; the shift is taken before the division, so no temperature overflows.
    /// </summary>
    public static double TemperedRest(ReadOnlySpan<float> x, float max, double temperature)
    {
        var rest = 0.0;
        var maxSeen = false;
        foreach (var value in x)
        {
            var shifted = ((double)value - max) / temperature;
            rest += OmitFirstMax(ref maxSeen, shifted, Math.Exp(shifted));
        }
        return rest;
    }

    /// <summary><paramref name="e"/>, or 0 for the first element at the maximum (<c>d = 0</c>, <c>e = 1</c>).</summary>
    public static double OmitFirstMax(ref bool maxSeen, double shifted, double e)
    {
        if (shifted == 0 && !maxSeen)
        {
            maxSeen = true;
            return 0;
        }
        return e;
    }
}
