namespace LmProb.Analyzers;

/// <summary>
/// Keys and values of <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/>: how an analyzer
/// tells its fixer which form of the bug it found, so the fixer does not have to re-derive it.
/// </summary>
internal static class DiagnosticProperties
{
    /// <summary>Which rewrite applies; the values below. Absent: no automatic fix.</summary>
    public const string Fix = "LmProb.Fix";

    /// <summary>LMP001: <c>Loss.CrossEntropy(logits, V, inputIds)</c> becomes <c>Loss.NextTokenLoss</c>.</summary>
    public const string UseNextTokenLoss = "NextTokenLoss";

    /// <summary>LMP001: the target index <c>t</c> becomes <c>t + 1</c> (and the loop bound loses one).</summary>
    public const string ShiftIndex = "ShiftIndex";

    /// <summary>LMP002, LMP006: <c>TensorPrimitives.Log</c> of a softmax (plus an epsilon) becomes <c>Probability.LogSoftmax</c>.</summary>
    public const string UseLogSoftmax = "LogSoftmax";

    /// <summary>LMP002, LMP006: <c>MathF.Log(p[k])</c> (or <c>Log(p[k] + eps)</c>) of a softmax becomes <c>x[k] - Probability.LogSumExp(x)</c>.</summary>
    public const string UseLogSumExp = "LogSumExp";

    /// <summary>LMP002, LMP006: TorchSharp <c>softmax(...).log()</c> (or <c>(softmax(...) + eps).log()</c>) becomes <c>log_softmax(...)</c>.</summary>
    public const string UseTorchLogSoftmax = "TorchLogSoftmax";

    /// <summary>LMP003, LMP008: <c>result.Sum / n</c> (or <c>Math.Exp(result.Sum)</c>) of a <c>CrossEntropyResult</c> becomes <c>result.Mean</c>.</summary>
    public const string UseResultMean = "ResultMean";

    /// <summary>LMP003: a mask-guarded sum divided by the length becomes <c>Loss.MaskedMean(values, mask)</c>.</summary>
    public const string UseMaskedMean = "MaskedMean";

    /// <summary>LMP004: <c>TensorPrimitives.SoftMax</c> becomes <c>Probability.Softmax</c>.</summary>
    public const string UseSoftmax = "Softmax";

    /// <summary>LMP005: the softmax's <c>dim</c> argument becomes <c>-1</c>.</summary>
    public const string UseLastAxis = "LastAxis";

    /// <summary>
    /// LMP007: <c>-(y * log(s) + (1 - y) * log(1 - s))</c> becomes <c>Loss.BinaryCrossEntropyWithLogits(x, y)</c>.
    /// Additional locations: the logit and <c>y</c>; or the logits collection, <c>y</c> and the element
    /// <c>s[i]</c> whose index the logit takes (<c>x[i]</c>).
    /// </summary>
    public const string UseBceWithLogits = "BceWithLogits";

    /// <summary>
    /// LMP007: TorchSharp <c>binary_cross_entropy(sigmoid(x), y, ...)</c> becomes
    /// <c>binary_cross_entropy_with_logits(x, y, ...)</c>. Additional locations: the probabilities argument and the logit.
    /// </summary>
    public const string UseTorchBceWithLogits = "TorchBceWithLogits";

    /// <summary>LMP008: <c>Enumerable.Sum</c> inside the exp becomes <c>Average</c>. Additional location: the <c>Sum</c> call.</summary>
    public const string UseAverage = "Average";

    /// <summary>LMP008: TorchSharp <c>sum()</c> inside the exp becomes <c>mean()</c>. Additional location: the <c>sum</c> call.</summary>
    public const string UseTorchMean = "TorchMean";

    /// <summary>
    /// LMP008: the accumulated total <c>t</c> becomes <c>t / n</c>. Additional locations: the total and
    /// the count (a loop bound), or the collection whose <see cref="CountMember"/> counts it.
    /// </summary>
    public const string DivideByCount = "DivideByCount";

    /// <summary>LMP008 with <see cref="DivideByCount"/>: <c>Length</c> or <c>Count</c> of the collection (absent: the count is the expression itself).</summary>
    public const string CountMember = "LmProb.CountMember";

    /// <summary>LMP009: insert <c>ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);</c> at the top of the method.</summary>
    public const string UseTemperatureGuard = "TemperatureGuard";

    /// <summary>LMP010: <c>E[x²] - E[x]²</c> over all of a float array or span becomes <c>Metrics.Variance(x)</c>.</summary>
    public const string UseVariance = "Variance";

    /// <summary>LMP011: an unscaled draw <c>rng.NextDouble()</c> over filtered probabilities becomes <c>rng.NextDouble() * p.Sum()</c>.</summary>
    public const string ScaleDraw = "ScaleDraw";

    /// <summary>LMP012: a raw <c>x.Sum()</c> of log-probabilities becomes <c>Metrics.SequenceScore(x, LengthNormalization.Mean)</c>.</summary>
    public const string UseSequenceScore = "SequenceScore";
}
