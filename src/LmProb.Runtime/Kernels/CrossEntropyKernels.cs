using System;

namespace LmProb.Kernels;

/// <summary>
/// Cross-entropy of one float row of logits against a target index, with and without the gradient.
/// Loss = <c>log Σ exp(x − max) − (x[t] − max)</c>, computed in this form (never
/// <c>max + log(sum) − x[t]</c>, which loses digits when |max| is large).
/// </summary>
internal static class CrossEntropyKernels
{
    /// <summary>Per-row terms shared by the loss and its gradient.</summary>
    /// <param name="Row">The row maximum and Σ exp(x − max).</param>
    /// <param name="Nll">−log p[target]: +inf when the target's logit is −inf; NaN for a bad row.</param>
    public readonly record struct RowLoss(SoftmaxKernels.RowNormalizer Row, double Nll)
    {
        /// <summary>The row's log-sum-exp, in double.</summary>
        public double LogSumExp => Row.Max + Math.Log(Row.SumExp);
    }

    /// <summary>Passes 1 and 2 over the row (max, then Σ exp), then the target's negative log-likelihood.</summary>
    public static RowLoss Evaluate(ReadOnlySpan<float> logits, int target)
    {
        var row = SoftmaxKernels.Normalizer(logits);
        if (!row.IsNormalizable)
        {
            return new RowLoss(row, double.NaN);
        }
        var nll = Math.Log(row.SumExp) - ((double)logits[target] - row.Max);
        return new RowLoss(row, nll);
    }

    /// <summary>
    /// Pass 3: writes <c>gradient[j] = p_j · probabilityScale − offset</c> for every j, then subtracts
    /// <paramref name="targetWeight"/> at the target. With scale 1, offset 0 and weight 1 this is
    /// <c>softmax − onehot</c>. A bad row gets NaN everywhere.
    /// </summary>
    public static void WriteGradient(ReadOnlySpan<float> logits, int target, in RowLoss loss, Span<float> gradient,
        double probabilityScale = 1, double offset = 0, double targetWeight = 1)
    {
        if (!loss.Row.IsNormalizable)
        {
            gradient.Fill(float.NaN);
            return;
        }
        if (probabilityScale == 1 && offset == 0)
        {
            // Exactly softmax: divide once, as Probability.Softmax does.
            RowLoops.MapAndSum(logits, gradient, new ShiftedExp(loss.Row.Max));
            RowLoops.Map(gradient, gradient, new DivideBy((float)loss.Row.SumExp));
        }
        else
        {
            RowLoops.MapAndSum(logits, gradient, new ShiftedExp(loss.Row.Max));
            RowLoops.Map(gradient, gradient, new MultiplySubtract((float)(probabilityScale / loss.Row.SumExp), (float)offset));
        }
        gradient[target] -= (float)targetWeight;
    }
}
