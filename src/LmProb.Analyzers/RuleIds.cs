namespace LmProb.Analyzers;

/// <summary>
/// Every diagnostic id of LmProb's analyzers, one constant per rule. The rule's page is
/// <c>docs/rules/&lt;id&gt;.md</c>; the table in <c>API.md</c> ("Analyzer rules") is the contract.
/// </summary>
internal static class RuleIds
{
    /// <summary>Targets for a next-token loss taken from the same positions as the inputs.</summary>
    public const string UnshiftedLabels = "LMP001";

    /// <summary>Log of a softmax (or of <c>exp(x) / sum(exp)</c>) instead of a log-softmax.</summary>
    public const string LogOfSoftmax = "LMP002";

    /// <summary>A masked or ignore-index loss averaged over the padded length.</summary>
    public const string PaddedMean = "LMP003";

    /// <summary><c>exp</c> of logits normalized with no maximum subtracted (includes <c>TensorPrimitives.SoftMax</c>).</summary>
    public const string ExpWithoutMax = "LMP004";

    /// <summary>Softmax or log-softmax over an axis that is not the vocabulary.</summary>
    public const string SoftmaxOverWrongAxis = "LMP005";

    /// <summary><c>log(p + eps)</c> or clamping to hide <c>log(0)</c> of softmax probabilities.</summary>
    public const string EpsilonInLog = "LMP006";

    /// <summary>Binary cross-entropy computed from <c>sigmoid(x)</c> probabilities.</summary>
    public const string BinaryCrossEntropyFromProbabilities = "LMP007";

    /// <summary>Perplexity from a total (not mean) negative log-likelihood.</summary>
    public const string PerplexityFromTotal = "LMP008";

    /// <summary>Division by a temperature with no check for <c>&lt;= 0</c> (info).</summary>
    public const string UncheckedTemperature = "LMP009";

    /// <summary>Variance computed as <c>E[x²] - E[x]²</c>.</summary>
    public const string NaiveVariance = "LMP010";

    /// <summary>Top-k/top-p filtered probabilities used without renormalizing, or a top-p filter that can keep nothing.</summary>
    public const string UnnormalizedFilter = "LMP011";

    /// <summary>Sequence scores of different lengths compared by raw sum (info).</summary>
    public const string RawSequenceScore = "LMP012";
}
