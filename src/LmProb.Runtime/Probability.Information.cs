using System;
using LmProb.Internal;
using LmProb.Kernels;

namespace LmProb;

// Information measures: entropy, cross-entropy and KL divergence of probability vectors or of
// logits, and the log-probability of a sequence. Each is one scalar pass in double (a log or an
// exp per element), rounded once to the result type; the Half and BFloat16 overloads widen to
// float (exactly) and run the float code.
public static partial class Probability
{
    /// <summary>
    /// Shannon entropy <c>H(p) = −Σ p·log p</c> in nats, with <c>0·log 0 = 0</c>, accumulated in
    /// <see cref="double"/>.
    /// </summary>
    /// <param name="probabilities">A probability vector. It is used as given: it is not
    /// renormalized, and values above 1 are not rejected.</param>
    /// <returns>The entropy; 0 for an empty span; NaN if any element is NaN or +inf.</returns>
    /// <exception cref="ArgumentException">An element is negative (−inf included); the message names its index and value.</exception>
    public static float Entropy(ReadOnlySpan<float> probabilities)
    {
        double sum = 0;
        var invalid = false;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = probabilities[i];
            if (p > 0)
            {
                invalid |= float.IsPositiveInfinity(p);
                sum -= p * Math.Log(p);
            }
            else if (p < 0)
            {
                ThrowHelper.NegativeProbability(nameof(probabilities), i, p);
            }
            else
            {
                // 0 (or −0) contributes 0·log 0 = 0; NaN poisons the result.
                invalid |= float.IsNaN(p);
            }
        }
        return invalid ? float.NaN : (float)sum;
    }

    /// <inheritdoc cref="Entropy(ReadOnlySpan{float})"/>
    public static float Entropy(ReadOnlySpan<Half> probabilities) => EntropyWidened(probabilities);

    /// <inheritdoc cref="Entropy(ReadOnlySpan{float})"/>
    public static float Entropy(ReadOnlySpan<BFloat16> probabilities) => EntropyWidened(probabilities);

    /// <summary>
    /// The entropy of <c>softmax(logits)</c>, without forming the probabilities: with
    /// <c>d = x − max</c>, <c>S = Σ e^d</c> and <c>T = Σ e^d·d</c>, <c>H = log S − T / S</c>, a sum of
    /// two non-negative terms (no cancellation), in <see cref="double"/>. Entries of −inf have
    /// probability 0 and contribute <c>0·log 0 = 0</c>. Finite logits of any size (±1e30, ±3e38) are handled.
    /// </summary>
    /// <remarks>
    /// <c>log S</c> is taken as <c>log1p</c> of the sum without the maximum's own term (which is 1),
    /// so a confident row keeps its small entropy: logits <c>[0, −30]</c> give <c>31·e^−30 ≈ 2.9e−12</c>
    /// to float precision, where <c>log(1 + 9e−14)</c> would lose three digits.
    /// </remarks>
    /// <param name="logits">One row of logits.</param>
    /// <returns>
    /// The entropy in nats, in [0, log n]; 0 for an empty span; NaN if the row contains NaN or +inf or is all −inf.
    /// </returns>
    public static float EntropyFromLogits(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
        {
            return 0f;
        }
        var max = SoftmaxKernels.Max(logits);
        if (!float.IsFinite(max))
        {
            return float.NaN;
        }
        var sums = ShiftedExpSums.Create(logits, max);
        return (float)(Logistic.Log1P(sums.Rest) - (sums.ExpTimesShift / (1.0 + sums.Rest)));
    }

    /// <inheritdoc cref="EntropyFromLogits(ReadOnlySpan{float})"/>
    public static float EntropyFromLogits(ReadOnlySpan<Half> logits) => EntropyFromLogitsWidened(logits);

    /// <inheritdoc cref="EntropyFromLogits(ReadOnlySpan{float})"/>
    public static float EntropyFromLogits(ReadOnlySpan<BFloat16> logits) => EntropyFromLogitsWidened(logits);

    /// <summary>
    /// Cross-entropy <c>H(p, q) = −Σ p·log q</c> of two probability vectors in nats, accumulated in
    /// <see cref="double"/>. Terms with <c>p = 0</c> are 0 whatever <c>q</c> is (also <c>q = 0</c>);
    /// <c>q = 0</c> where <c>p &gt; 0</c> gives +inf.
    /// </summary>
    /// <remarks>
    /// This is the cross-entropy of two distributions. The loss of logits against a target index is
    /// <c>Loss.CrossEntropy</c>. The inputs are used as given (not renormalized).
    /// </remarks>
    /// <param name="p">The reference distribution.</param>
    /// <param name="q">The model distribution, same length as <paramref name="p"/>.</param>
    /// <returns>The cross-entropy; 0 for empty spans; NaN if any element of either span is NaN or +inf.</returns>
    /// <exception cref="ArgumentException">
    /// The lengths differ, or an element of either span is negative (the message names the span, index and value).
    /// </exception>
    public static float CrossEntropy(ReadOnlySpan<float> p, ReadOnlySpan<float> q)
    {
        ThrowHelper.ThrowIfLengthMismatch(q.Length, p.Length, nameof(q), nameof(p));
        double sum = 0;
        var invalid = false;
        for (var i = 0; i < p.Length; i++)
        {
            var (pi, qi) = (p[i], q[i]);
            invalid |= IsInvalidProbability(pi, i, nameof(p)) | IsInvalidProbability(qi, i, nameof(q));
            if (pi > 0)
            {
                // log 0 = −inf makes this term +inf, as it should be.
                sum -= pi * Math.Log(qi);
            }
        }
        return invalid ? float.NaN : (float)sum;
    }

    /// <inheritdoc cref="CrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static float CrossEntropy(ReadOnlySpan<Half> p, ReadOnlySpan<Half> q) => CrossEntropyWidened(p, q);

    /// <inheritdoc cref="CrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static float CrossEntropy(ReadOnlySpan<BFloat16> p, ReadOnlySpan<BFloat16> q) => CrossEntropyWidened(p, q);

    /// <summary>
    /// Kullback–Leibler divergence <c>KL(p ‖ q) = Σ p·log(p / q)</c> in nats, accumulated in
    /// <see cref="double"/>. <c>0·log 0 = 0</c> (terms with <c>p = 0</c> are 0, also where
    /// <c>q = 0</c>); <c>q = 0</c> where <c>p &gt; 0</c> gives +inf, never NaN.
    /// </summary>
    /// <remarks>
    /// The inputs are used as given, not renormalized: for two distributions that each sum to 1 the
    /// result is ≥ 0 up to rounding, but vectors with different totals can give a negative value.
    /// The ratio <c>p / q</c> is formed in double, so it cannot overflow for any float inputs.
    /// </remarks>
    /// <param name="p">The reference distribution.</param>
    /// <param name="q">The approximating distribution, same length as <paramref name="p"/>.</param>
    /// <returns>The divergence; 0 for empty spans; NaN if any element of either span is NaN or +inf.</returns>
    /// <exception cref="ArgumentException">
    /// The lengths differ, or an element of either span is negative (the message names the span, index and value).
    /// </exception>
    public static float KLDivergence(ReadOnlySpan<float> p, ReadOnlySpan<float> q)
    {
        ThrowHelper.ThrowIfLengthMismatch(q.Length, p.Length, nameof(q), nameof(p));
        double sum = 0;
        var invalid = false;
        for (var i = 0; i < p.Length; i++)
        {
            var (pi, qi) = (p[i], q[i]);
            invalid |= IsInvalidProbability(pi, i, nameof(p)) | IsInvalidProbability(qi, i, nameof(q));
            if (pi > 0)
            {
                // q = ±0 gives log(p / 0) = +inf (tested before dividing: p / −0 would be −inf).
                sum += qi == 0 ? double.PositiveInfinity : pi * Math.Log((double)pi / qi);
            }
        }
        return invalid ? float.NaN : (float)sum;
    }

    /// <inheritdoc cref="KLDivergence(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static float KLDivergence(ReadOnlySpan<Half> p, ReadOnlySpan<Half> q) => KLDivergenceWidened(p, q);

    /// <inheritdoc cref="KLDivergence(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static float KLDivergence(ReadOnlySpan<BFloat16> p, ReadOnlySpan<BFloat16> q) => KLDivergenceWidened(p, q);

    /// <summary>
    /// <c>KL(softmax(pLogits) ‖ softmax(qLogits))</c> from the two log-softmaxes, without forming
    /// probabilities: with <c>a = pLogits − max</c>, <c>b = qLogits − max</c>,
    /// <c>KL = Σ e^a·(a − b) / Σ e^a + log Σ e^b − log Σ e^a</c>, in <see cref="double"/>, so
    /// logits of ±1e30 or ±3e38 neither overflow nor lose the result.
    /// </summary>
    /// <remarks>
    /// A −inf in <paramref name="pLogits"/> is a zero probability and contributes 0 (whatever
    /// <paramref name="qLogits"/> holds there); a −inf in <paramref name="qLogits"/> where
    /// <paramref name="pLogits"/> is finite gives +inf. Each <c>log Σ e</c> is <c>log1p</c> of the sum
    /// without the maximum's own term, so peaked rows keep their digits. The result is clamped at 0:
    /// KL of two distributions is never negative, so a negative value could only be rounding.
    /// </remarks>
    /// <param name="pLogits">Logits of the reference distribution.</param>
    /// <param name="qLogits">Logits of the approximating distribution, same length.</param>
    /// <returns>
    /// The divergence in nats; 0 for empty spans; NaN if either row contains NaN or +inf or is all −inf.
    /// </returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static float KLDivergenceFromLogits(ReadOnlySpan<float> pLogits, ReadOnlySpan<float> qLogits)
    {
        ThrowHelper.ThrowIfLengthMismatch(qLogits.Length, pLogits.Length, nameof(qLogits), nameof(pLogits));
        if (pLogits.IsEmpty)
        {
            return 0f;
        }
        var pMax = SoftmaxKernels.Max(pLogits);
        var qMax = SoftmaxKernels.Max(qLogits);
        if (!float.IsFinite(pMax) || !float.IsFinite(qMax))
        {
            return float.NaN;
        }
        var pRest = 0.0;
        var qRest = 0.0;
        var weightedDifference = 0.0;
        var (pMaxSeen, qMaxSeen) = (false, false);
        for (var i = 0; i < pLogits.Length; i++)
        {
            var a = (double)pLogits[i] - pMax;
            var b = (double)qLogits[i] - qMax;
            var pExp = Math.Exp(a);
            pRest += ShiftedExpSums.OmitFirstMax(ref pMaxSeen, a, pExp);
            qRest += ShiftedExpSums.OmitFirstMax(ref qMaxSeen, b, Math.Exp(b));
            if (double.IsNegativeInfinity(a))
            {
                continue;
            }
            if (double.IsNegativeInfinity(b))
            {
                // p > 0 (even if e^a underflows) where q = 0.
                return float.PositiveInfinity;
            }
            weightedDifference += pExp * (a - b);
        }
        var divergence = (weightedDifference / (1.0 + pRest)) + Logistic.Log1P(qRest) - Logistic.Log1P(pRest);
        return (float)Math.Max(divergence, 0.0);
    }

    /// <inheritdoc cref="KLDivergenceFromLogits(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static float KLDivergenceFromLogits(ReadOnlySpan<Half> pLogits, ReadOnlySpan<Half> qLogits) =>
        KLDivergenceFromLogitsWidened(pLogits, qLogits);

    /// <inheritdoc cref="KLDivergenceFromLogits(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static float KLDivergenceFromLogits(ReadOnlySpan<BFloat16> pLogits, ReadOnlySpan<BFloat16> qLogits) =>
        KLDivergenceFromLogitsWidened(pLogits, qLogits);

    /// <summary>
    /// The log-probability of a sequence by the chain rule, <c>Σ log p_t</c>, accumulated and
    /// returned in <see cref="double"/> (a long sequence's sum is far below float's precision).
    /// </summary>
    /// <param name="tokenProbabilities">The probability the model gave each token of the sequence.</param>
    /// <returns>
    /// The log-probability, ≤ 0 for probabilities ≤ 1; 0 for an empty sequence; −inf if a
    /// probability is 0; NaN if any element is NaN or +inf.
    /// </returns>
    /// <exception cref="ArgumentException">An element is negative; the message names its index and value.</exception>
    public static double SequenceLogProbability(ReadOnlySpan<float> tokenProbabilities)
    {
        double sum = 0;
        var invalid = false;
        for (var i = 0; i < tokenProbabilities.Length; i++)
        {
            var p = tokenProbabilities[i];
            invalid |= IsInvalidProbability(p, i, nameof(tokenProbabilities));
            sum += Math.Log(p);
        }
        return invalid ? double.NaN : sum;
    }

    /// <inheritdoc cref="SequenceLogProbability(ReadOnlySpan{float})"/>
    public static double SequenceLogProbability(ReadOnlySpan<Half> tokenProbabilities) => SequenceLogProbabilityWidened(tokenProbabilities);

    /// <inheritdoc cref="SequenceLogProbability(ReadOnlySpan{float})"/>
    public static double SequenceLogProbability(ReadOnlySpan<BFloat16> tokenProbabilities) => SequenceLogProbabilityWidened(tokenProbabilities);

    /// <summary>
    /// Throws for a negative element (−inf included); returns true for NaN and +inf, which make the
    /// result NaN (checked element by element so a later negative still throws).
    /// </summary>
    private static bool IsInvalidProbability(float value, int index, string name)
    {
        if (value < 0)
        {
            ThrowHelper.NegativeProbability(name, index, value);
        }
        return float.IsNaN(value) || float.IsPositiveInfinity(value);
    }

    private static float EntropyWidened<T>(ReadOnlySpan<T> probabilities)
        where T : unmanaged
    {
        using var widened = WidenedSpan.Create(probabilities);
        return Entropy(widened.Span);
    }

    private static float EntropyFromLogitsWidened<T>(ReadOnlySpan<T> logits)
        where T : unmanaged
    {
        using var widened = WidenedSpan.Create(logits);
        return EntropyFromLogits(widened.Span);
    }

    private static float CrossEntropyWidened<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> q)
        where T : unmanaged
    {
        using var pWidened = WidenedSpan.Create(p);
        using var qWidened = WidenedSpan.Create(q);
        return CrossEntropy(pWidened.Span, qWidened.Span);
    }

    private static float KLDivergenceWidened<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> q)
        where T : unmanaged
    {
        using var pWidened = WidenedSpan.Create(p);
        using var qWidened = WidenedSpan.Create(q);
        return KLDivergence(pWidened.Span, qWidened.Span);
    }

    private static float KLDivergenceFromLogitsWidened<T>(ReadOnlySpan<T> pLogits, ReadOnlySpan<T> qLogits)
        where T : unmanaged
    {
        using var pWidened = WidenedSpan.Create(pLogits);
        using var qWidened = WidenedSpan.Create(qLogits);
        return KLDivergenceFromLogits(pWidened.Span, qWidened.Span);
    }

    private static double SequenceLogProbabilityWidened<T>(ReadOnlySpan<T> tokenProbabilities)
        where T : unmanaged
    {
        using var widened = WidenedSpan.Create(tokenProbabilities);
        return SequenceLogProbability(widened.Span);
    }
}
