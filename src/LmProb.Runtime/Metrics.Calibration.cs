using System;
using System.Buffers;
using System.Collections.Generic;
using LmProb.Internal;

namespace LmProb;

public static partial class Metrics
{
    /// <summary>
    /// Above this many bins, and more bins than samples, the per-bin sums are kept in a dictionary
    /// of the occupied bins instead of an array of all of them, so a huge <c>bins</c> costs memory
    /// in proportion to the samples.
    /// </summary>
    internal const int DenseBinLimit = 1 << 16;

    /// <summary>
    /// Expected calibration error with equal-width bins:
    /// <c>ECE = Σ_b (n_b / N) · |acc_b − conf_b|</c>, where bin <c>b</c> holds the samples whose
    /// confidence lies in <c>(b / bins, (b + 1) / bins]</c> (a confidence of exactly 0 goes in the first
    /// bin), <c>n_b</c> is how many there are, <c>acc_b</c> the fraction of them that are correct and
    /// <c>conf_b</c> their mean confidence. Empty bins are skipped.
    /// </summary>
    /// <param name="confidence">The confidence of each prediction, in [0, 1].</param>
    /// <param name="correct">Whether each prediction was right; same length as <paramref name="confidence"/>.</param>
    /// <param name="bins">The number of equal-width bins, &gt; 0 (15 is common; 1 gives the absolute gap between mean confidence and accuracy).</param>
    /// <returns>The ECE, in [0, 1]; 0 for perfect calibration.</returns>
    /// <remarks>
    /// Bin membership is decided exactly: the confidence (widened exactly to double) is compared
    /// with the double nearest to each edge <c>i / bins</c>, so a value on an edge, such as 0.5 with 2
    /// bins, belongs to the lower bin, and a float near an edge, such as <c>0.3f</c> (slightly above
    /// 0.3) with 10 bins, goes to the side it is really on. Sums are in double.
    /// </remarks>
    /// <exception cref="ArgumentException">The inputs are empty, or their lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="bins"/> is not positive, or a confidence is outside [0, 1] or NaN (the message names its index and value).
    /// </exception>
    public static double ExpectedCalibrationError(ReadOnlySpan<float> confidence, ReadOnlySpan<bool> correct, int bins) =>
        ExpectedCalibrationErrorCore(confidence, correct, bins);

    /// <inheritdoc cref="ExpectedCalibrationError(ReadOnlySpan{float}, ReadOnlySpan{bool}, int)"/>
    public static double ExpectedCalibrationError(ReadOnlySpan<Half> confidence, ReadOnlySpan<bool> correct, int bins) =>
        ExpectedCalibrationErrorCore(confidence, correct, bins);

    /// <inheritdoc cref="ExpectedCalibrationError(ReadOnlySpan{float}, ReadOnlySpan{bool}, int)"/>
    public static double ExpectedCalibrationError(ReadOnlySpan<BFloat16> confidence, ReadOnlySpan<bool> correct, int bins) =>
        ExpectedCalibrationErrorCore(confidence, correct, bins);

    /// <summary>
    /// The bin of a confidence in [0, 1]: the <c>b</c> with <c>b / bins &lt; confidence ≤ (b + 1) / bins</c>,
    /// edges as doubles; 0 goes to bin 0.
    /// </summary>
    internal static int CalibrationBin(double confidence, int bins)
    {
        // A first guess from the product: exact for float confidences while bins < 2^29 (24 + 29 bits
        // fit in a double), but past that the product can round onto an integer and land one bin low
        // (0.9713067f with 2135260663 bins). So the edges themselves decide.
        var bin = (int)Math.Clamp(Math.Ceiling(confidence * bins) - 1, 0, bins - 1);
        while (bin > 0 && confidence <= (double)bin / bins)
        {
            bin--;
        }
        while (bin < bins - 1 && confidence > (double)(bin + 1) / bins)
        {
            bin++;
        }
        return bin;
    }

    private static double ExpectedCalibrationErrorCore<T>(ReadOnlySpan<T> confidence, ReadOnlySpan<bool> correct, int bins)
        where T : unmanaged
    {
        ThrowHelper.ThrowIfNotPositive(bins, nameof(bins));
        ThrowHelper.ThrowIfLengthMismatch(correct.Length, confidence.Length, nameof(correct), nameof(confidence));
        ThrowHelper.ThrowIfEmpty(confidence.Length, nameof(confidence));
        for (var i = 0; i < confidence.Length; i++)
        {
            var c = Elements.ToSingle(confidence[i]);
            if (!(c >= 0 && c <= 1))
            {
                ThrowHelper.ConfidenceOutOfRange(nameof(confidence), i, c);
            }
        }

        // n_b / N · |acc_b − conf_b| = |Σ_{i∈b} (correct_i − conf_i)| / N, so each bin needs only the
        // sum of its gaps, and an empty bin adds 0 (it is skipped without a test). Each gap is exact
        // in double and in [−1, 1], so |gap sum| ≤ n_b and the result stays in [0, 1] after rounding.
        double total = 0;
        if (bins <= DenseBinLimit || bins <= confidence.Length)
        {
            var gaps = ArrayPool<double>.Shared.Rent(bins);
            try
            {
                Array.Clear(gaps, 0, bins);
                for (var i = 0; i < confidence.Length; i++)
                {
                    double c = Elements.ToSingle(confidence[i]);
                    gaps[CalibrationBin(c, bins)] += (correct[i] ? 1.0 : 0.0) - c;
                }
                for (var b = 0; b < bins; b++)
                {
                    total += Math.Abs(gaps[b]);
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(gaps);
            }
        }
        else
        {
            var gaps = new Dictionary<int, double>();
            for (var i = 0; i < confidence.Length; i++)
            {
                double c = Elements.ToSingle(confidence[i]);
                var bin = CalibrationBin(c, bins);
                gaps[bin] = gaps.GetValueOrDefault(bin) + ((correct[i] ? 1.0 : 0.0) - c);
            }
            // Summed in bin order, as the array path does, so both give the same bits.
            var occupied = new int[gaps.Count];
            gaps.Keys.CopyTo(occupied, 0);
            Array.Sort(occupied);
            foreach (var bin in occupied)
            {
                total += Math.Abs(gaps[bin]);
            }
        }
        return total / confidence.Length;
    }
}
