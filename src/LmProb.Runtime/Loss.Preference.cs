using System;
using LmProb.Internal;

namespace LmProb;

public static partial class Loss
{
    /// <summary>
    /// Direct Preference Optimization loss (Rafailov et al., 2023) of one preference pair:
    /// <c>−log σ(β·((πc − rc) − (πr − rr)))</c>, where the four arguments are sequence
    /// log-probabilities of the chosen and rejected responses under the policy and the frozen
    /// reference model.
    /// </summary>
    /// <remarks>
    /// Computed in <see cref="double"/> as <c>softplus(−z) = max(−z, 0) + log1p(e^−|z|)</c>, which
    /// never overflows: a margin of +1e30 gives 0 and −1e30 gives 1e30·β, not inf or NaN. Equal
    /// margins (<c>z = 0</c>) give <c>ln 2</c>. Log-probabilities of −inf give the limit where it
    /// exists (a chosen response the policy cannot produce: +inf; a rejected one: 0) and NaN where
    /// the margin is <c>inf − inf</c>; NaN inputs give NaN.
    /// </remarks>
    /// <param name="policyChosen">Policy log-probability of the chosen response, <c>πc</c>.</param>
    /// <param name="policyRejected">Policy log-probability of the rejected response, <c>πr</c>.</param>
    /// <param name="referenceChosen">Reference log-probability of the chosen response, <c>rc</c>.</param>
    /// <param name="referenceRejected">Reference log-probability of the rejected response, <c>rr</c>.</param>
    /// <param name="beta">β, the strength of the implicit KL penalty (typically 0.1 to 0.5), positive and finite.</param>
    /// <returns>The loss in nats, ≥ 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is not positive and finite.</exception>
    public static float Dpo(float policyChosen, float policyRejected, float referenceChosen, float referenceRejected, float beta)
    {
        ThrowHelper.ThrowIfNotPositiveFinite(beta, nameof(beta));
        var chosenReward = (double)policyChosen - referenceChosen;
        var rejectedReward = (double)policyRejected - referenceRejected;
        var z = beta * (chosenReward - rejectedReward);
        return (float)Logistic.Softplus(-z);
    }
}
