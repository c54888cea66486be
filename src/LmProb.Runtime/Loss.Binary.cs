using System;
using LmProb.Internal;

namespace LmProb;

public static partial class Loss
{
    /// <summary>
    /// Binary cross-entropy of a logit <c>x</c> against a target probability <c>y</c>,
    /// <c>−[y·log σ(x) + (1 − y)·log(1 − σ(x))]</c>, in the stable form
    /// <c>max(x, 0) − x·y + log1p(e^−|x|)</c> evaluated in <see cref="double"/>: finite for every
    /// finite logit (±1e30, ±3e38), and exact down to subnormal results (at <c>x = 100, y = 1</c> it
    /// is <c>e^−100</c>, not 0).
    /// </summary>
    /// <remarks>
    /// <c>max(x, 0) − x·y</c> is computed as <c>|x|·(1 − y)</c> for <c>x ≥ 0</c> and <c>|x|·y</c> for
    /// <c>x &lt; 0</c> (the same value), so an infinite logit gives its limit: 0 when the target
    /// agrees exactly (<c>x = +inf, y = 1</c> or <c>x = −inf, y = 0</c>), +inf otherwise, where PyTorch's
    /// formula meets <c>0·inf</c> and gives NaN. A NaN logit or target gives NaN. Unlike PyTorch, a target outside [0, 1]
    /// (for which the loss is unbounded below) throws.
    /// </remarks>
    /// <param name="logit">The logit <c>x</c>; <c>σ(x)</c> is the predicted probability of the positive class.</param>
    /// <param name="target">The target probability of the positive class <c>y</c>, in [0, 1] (soft labels allowed).</param>
    /// <returns>The loss in nats, ≥ 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is outside [0, 1].</exception>
    public static float BinaryCrossEntropyWithLogits(float logit, float target)
    {
        ThrowHelper.ThrowIfOutsideUnitInterval(target, nameof(target));
        return (float)BinaryCrossEntropyCore(logit, target);
    }

    /// <summary>
    /// The mean of <see cref="BinaryCrossEntropyWithLogits(float, float)"/> over pairs of logits and
    /// targets, summed in <see cref="double"/>.
    /// </summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The target probabilities, same length, each in [0, 1].</param>
    /// <returns>The mean loss; NaN if any logit or target is NaN.</returns>
    /// <exception cref="ArgumentException">
    /// The lengths differ, the spans are empty, or a target is outside [0, 1] (the message names its index and value).
    /// </exception>
    public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets)
    {
        ThrowHelper.ThrowIfLengthMismatch(targets.Length, logits.Length, nameof(targets), nameof(logits));
        ThrowHelper.ThrowIfEmptyInput(logits.Length, nameof(logits));
        double sum = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            ThrowHelper.ThrowIfOutsideUnitInterval(targets[i], nameof(targets), i);
            sum += BinaryCrossEntropyCore(logits[i], targets[i]);
        }
        return (float)(sum / logits.Length);
    }

    /// <inheritdoc cref="BinaryCrossEntropyWithLogits(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<Half> logits, ReadOnlySpan<Half> targets) =>
        BinaryCrossEntropyWithLogitsWidened(logits, targets);

    /// <inheritdoc cref="BinaryCrossEntropyWithLogits(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<BFloat16> logits, ReadOnlySpan<BFloat16> targets) =>
        BinaryCrossEntropyWithLogitsWidened(logits, targets);

    /// <summary>
    /// Focal loss of the probability the model gave the true class: <c>(1 − p)^γ · (−log p)</c>
    /// (Lin et al., 2017), in <see cref="double"/>. <c>γ = 0</c> is the cross-entropy <c>−log p</c>;
    /// larger γ down-weights well-classified examples.
    /// </summary>
    /// <param name="probabilityOfTrueClass">The predicted probability <c>p</c> of the true class, in [0, 1].</param>
    /// <param name="gamma">The focusing parameter γ ≥ 0.</param>
    /// <returns>The loss; +inf at <c>p = 0</c>; 0 at <c>p = 1</c>; NaN if <c>p</c> is NaN.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="probabilityOfTrueClass"/> is outside [0, 1], or <paramref name="gamma"/> is
    /// negative, infinite or NaN.
    /// </exception>
    public static float FocalLoss(float probabilityOfTrueClass, float gamma)
    {
        ThrowHelper.ThrowIfOutsideUnitInterval(probabilityOfTrueClass, nameof(probabilityOfTrueClass));
        ThrowHelper.ThrowIfNegativeOrNotFinite(gamma, nameof(gamma));
        double p = probabilityOfTrueClass;
        // 0 − log p rather than −log p, so p = 1 gives +0 rather than −0.
        return (float)(Math.Pow(1 - p, gamma) * (0.0 - Math.Log(p)));
    }

    /// <summary>
    /// Binary focal loss of a logit, as torchvision's <c>sigmoid_focal_loss</c>:
    /// <c>α_t · BCE(x, y) · (1 − p_t)^γ</c> with <c>p = σ(x)</c>, <c>p_t = p·y + (1 − p)(1 − y)</c> and
    /// <c>α_t = α·y + (1 − α)(1 − y)</c>; computed from the logit, never from <c>σ(x)</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The cross-entropy is <see cref="BinaryCrossEntropyWithLogits(float, float)"/>, and the
    /// modulating factor is <c>exp(γ · log(1 − p_t))</c> with
    /// <c>log(1 − p_t) = logaddexp(log y + log σ(−x), log(1 − y) + log σ(x))</c> from stable
    /// log-sigmoids, so neither term cancels or overflows for large logits; everything is in
    /// <see cref="double"/>. An infinite logit gives its limit (0 when the target agrees exactly,
    /// +inf otherwise, 0 when <c>α_t = 0</c>).
    /// </para>
    /// <para>
    /// A negative <paramref name="alpha"/> turns the class weighting off (<c>α_t = 1</c>), as
    /// torchvision's <c>alpha &lt; 0</c>. With <c>γ = 0</c> and <c>α &lt; 0</c> this is the binary cross-entropy.
    /// </para>
    /// </remarks>
    /// <param name="logit">The logit <c>x</c>.</param>
    /// <param name="target">The target probability of the positive class <c>y</c>, in [0, 1].</param>
    /// <param name="gamma">The focusing parameter γ ≥ 0 (default 2).</param>
    /// <param name="alpha">The weight of the positive class in [0, 1] (default 0.25), or negative for no weighting.</param>
    /// <returns>The loss in nats, ≥ 0; NaN if the logit or target is NaN.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="target"/> is outside [0, 1], <paramref name="gamma"/> is negative, infinite
    /// or NaN, or <paramref name="alpha"/> is above 1 or NaN.
    /// </exception>
    public static float BinaryFocalLossWithLogits(float logit, float target, float gamma = 2, float alpha = 0.25f)
    {
        ThrowHelper.ThrowIfOutsideUnitInterval(target, nameof(target));
        ThrowHelper.ThrowIfNegativeOrNotFinite(gamma, nameof(gamma));
        ThrowHelper.ThrowIfInvalidFocalAlpha(alpha, nameof(alpha));
        double x = logit;
        double y = target;
        var crossEntropy = BinaryCrossEntropyCore(x, y);
        var alphaT = alpha >= 0 ? (alpha * y) + ((1 - alpha) * (1 - y)) : 1.0;
        if (double.IsNaN(crossEntropy))
        {
            return float.NaN;
        }
        if (crossEntropy == 0 || alphaT == 0)
        {
            return 0f;
        }
        if (double.IsPositiveInfinity(crossEntropy))
        {
            // Only an infinite logit against a disagreeing target, where 1 − p_t = y or 1 − y > 0.
            return float.PositiveInfinity;
        }
        var logOneMinusPt = Logistic.LogAddExp(
            Math.Log(y) + Logistic.LogSigmoid(-x),
            Math.Log(1 - y) + Logistic.LogSigmoid(x));
        var modulation = gamma == 0 ? 1.0 : Math.Exp(gamma * logOneMinusPt);
        return (float)(alphaT * crossEntropy * modulation);
    }

    /// <summary>
    /// <c>max(x, 0) − x·y + log1p(e^−|x|)</c>, with the first two terms as <c>|x|·w</c> where <c>w</c>
    /// is the target mass on the side the logit points away from; <c>w = 0</c> gives 0 even for an
    /// infinite logit.
    /// </summary>
    private static double BinaryCrossEntropyCore(double logit, double target)
    {
        var weight = logit >= 0 ? 1 - target : target;
        var linear = weight == 0 ? 0.0 : Math.Abs(logit) * weight;
        return linear + Logistic.Log1P(Math.Exp(-Math.Abs(logit)));
    }

    private static float BinaryCrossEntropyWithLogitsWidened<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets)
        where T : unmanaged
    {
        using var logitsWidened = WidenedSpan.Create(logits);
        using var targetsWidened = WidenedSpan.Create(targets);
        return BinaryCrossEntropyWithLogits(logitsWidened.Span, targetsWidened.Span);
    }
}
