using System;
using LmProb.Internal;

namespace LmProb;

/// <summary>
/// Evaluation metrics for language models: perplexity and bits per token or byte, length-normalized
/// sequence scores, answer-only NLL, expected calibration error, strided sliding-window perplexity,
/// and a numerically stable variance.
/// </summary>
/// <remarks>
/// <para>
/// Natural logarithms (nats) throughout, except where a name says bits. Every sum is taken in
/// <see cref="double"/>, whatever the element type; <see cref="Half"/> and <see cref="BFloat16"/>
/// inputs are widened exactly to <see cref="float"/> first, so the three overloads of a metric agree
/// on the same values.
/// </para>
/// <para>
/// Conventions shared by the members: an empty input throws <see cref="ArgumentException"/> (a metric
/// over nothing is undefined, and a silent NaN hides the bug that produced the empty span); a
/// log-probability above 0 or a negative NLL is a caller's error and throws
/// <see cref="ArgumentOutOfRangeException"/> naming the parameter, the index and the value; NaN
/// values are not errors and propagate (NaN in, NaN out), and −inf log-probabilities give +inf
/// NLL and perplexity.
/// </para>
/// </remarks>
public static partial class Metrics
{
    /// <summary>ln 2, for converting nats to bits.</summary>
    private const double Ln2 = 0.693147180559945309417232121458;

    /// <summary>Perplexity from a mean negative log-likelihood in nats: <c>exp(meanNll)</c>.</summary>
    /// <param name="meanNll">The mean NLL per token, in nats (≥ 0). NaN gives NaN; +inf gives +inf.</param>
    /// <returns>The perplexity, ≥ 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="meanNll"/> is negative (a mean NLL is never below 0).</exception>
    /// <remarks>Pass a <em>mean</em>; the exponential of a total NLL is not a perplexity (see LMP008).</remarks>
    public static double Perplexity(double meanNll)
    {
        ThrowHelper.ThrowIfNegativeNll(meanNll, nameof(meanNll));
        return Math.Exp(meanNll);
    }

    /// <summary>
    /// Perplexity of a sequence from the log-probabilities its tokens were given:
    /// <c>exp(−mean(tokenLogProbabilities))</c>, with the mean taken in double.
    /// </summary>
    /// <param name="tokenLogProbabilities">One natural-log probability per scored token, each ≤ 0.</param>
    /// <returns>The perplexity, ≥ 1; NaN if any entry is NaN; +inf if any entry is −inf.</returns>
    /// <exception cref="ArgumentException"><paramref name="tokenLogProbabilities"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An entry is above 0 (the message names its index and value).</exception>
    public static double PerplexityFromLogProbabilities(ReadOnlySpan<float> tokenLogProbabilities) => PerplexityFromLogProbabilitiesCore(tokenLogProbabilities);

    /// <inheritdoc cref="PerplexityFromLogProbabilities(ReadOnlySpan{float})"/>
    public static double PerplexityFromLogProbabilities(ReadOnlySpan<Half> tokenLogProbabilities) => PerplexityFromLogProbabilitiesCore(tokenLogProbabilities);

    /// <inheritdoc cref="PerplexityFromLogProbabilities(ReadOnlySpan{float})"/>
    public static double PerplexityFromLogProbabilities(ReadOnlySpan<BFloat16> tokenLogProbabilities) => PerplexityFromLogProbabilitiesCore(tokenLogProbabilities);

    /// <summary>Cross-entropy in bits per token from a mean NLL in nats: <c>meanNll / ln 2</c>.</summary>
    /// <param name="meanNll">The mean NLL per token, in nats (≥ 0). NaN gives NaN; +inf gives +inf.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="meanNll"/> is negative.</exception>
    public static double BitsPerToken(double meanNll)
    {
        ThrowHelper.ThrowIfNegativeNll(meanNll, nameof(meanNll));
        return meanNll / Ln2;
    }

    /// <summary>
    /// Bits per byte of the underlying text, a tokenizer-independent measure:
    /// <c>totalNll / (ln 2 · byteCount)</c>.
    /// </summary>
    /// <param name="totalNll">The <em>total</em> NLL of the text in nats (summed over its tokens, ≥ 0). NaN gives NaN.</param>
    /// <param name="byteCount">The length of the text in bytes (UTF-8, usually), &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="byteCount"/> is not positive, or <paramref name="totalNll"/> is negative.</exception>
    public static double BitsPerByte(double totalNll, long byteCount)
    {
        ThrowHelper.ThrowIfNotPositive(byteCount, nameof(byteCount));
        ThrowHelper.ThrowIfNegativeNll(totalNll, nameof(totalNll));
        return totalNll / (Ln2 * byteCount);
    }

    /// <summary>
    /// Population variance <c>Σ (x − mean)² / n</c> (divide by n, not n − 1), computed stably in
    /// double with the corrected two-pass algorithm: the mean first, then
    /// <c>(Σ d² − (Σ d)² / n) / n</c> with <c>d = x − mean</c>, never <c>E[x²] − E[x]²</c>.
    /// </summary>
    /// <param name="x">The values.</param>
    /// <returns>
    /// The variance, ≥ 0, with a relative error of order <c>n · 2^-53</c> (from the double sums; far
    /// below the inputs' own precision) even when the mean is large against the spread, such as values
    /// 1e9 + noise, where <c>E[x²] − E[x]²</c> loses every digit; 0 for a single value; NaN if any value
    /// is NaN or infinite.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is empty.</exception>
    public static double Variance(ReadOnlySpan<float> x) => VarianceCore(x);

    /// <inheritdoc cref="Variance(ReadOnlySpan{float})"/>
    public static double Variance(ReadOnlySpan<Half> x) => VarianceCore(x);

    /// <inheritdoc cref="Variance(ReadOnlySpan{float})"/>
    public static double Variance(ReadOnlySpan<BFloat16> x) => VarianceCore(x);

    private static double PerplexityFromLogProbabilitiesCore<T>(ReadOnlySpan<T> tokenLogProbabilities)
        where T : unmanaged
    {
        const string name = "tokenLogProbabilities";
        ThrowHelper.ThrowIfEmpty(tokenLogProbabilities.Length, name);
        var sum = SumLogProbabilities(tokenLogProbabilities, name);
        return Math.Exp(-(sum / tokenLogProbabilities.Length));
    }

    /// <summary>
    /// <c>Σ log p</c> in double, starting from +0 (so all-zero input sums to +0, never −0), checking
    /// that every entry is ≤ 0; NaN passes and makes the sum NaN.
    /// </summary>
    private static double SumLogProbabilities<T>(ReadOnlySpan<T> logProbabilities, string name)
        where T : unmanaged
    {
        double sum = 0;
        for (var i = 0; i < logProbabilities.Length; i++)
        {
            var value = Elements.ToSingle(logProbabilities[i]);
            if (value > 0)
            {
                ThrowHelper.PositiveLogProbability(name, i, value);
            }
            sum += value;
        }
        return sum;
    }

    private static double VarianceCore<T>(ReadOnlySpan<T> x)
        where T : unmanaged
    {
        ThrowHelper.ThrowIfEmpty(x.Length, nameof(x));
        double sum = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sum += Elements.ToSingle(x[i]);
        }
        var n = (double)x.Length;
        var mean = sum / n;

        // Σ d is 0 in exact arithmetic; its computed value measures the rounding error of the mean,
        // and subtracting (Σ d)² / n removes that error's first-order effect (Chan, Golub & LeVeque 1983).
        double sumOfDeviations = 0;
        double sumOfSquares = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var d = Elements.ToSingle(x[i]) - mean;
            sumOfDeviations += d;
            sumOfSquares += d * d;
        }
        var variance = (sumOfSquares - (sumOfDeviations * sumOfDeviations / n)) / n;

        // The correction can dip a rounding error below 0 when every deviation is tiny; NaN passes through.
        return variance < 0 ? 0 : variance;
    }
}
