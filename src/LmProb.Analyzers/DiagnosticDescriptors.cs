using Microsoft.CodeAnalysis;

namespace LmProb.Analyzers;

/// <summary>
/// The descriptor of every rule, in one place so the analyzers, the fixers and the tests agree.
/// </summary>
/// <remarks>
/// Each descriptor is written out with constant arguments (not built by a helper) so the release
/// tracking analyzers (RS2000-RS2008) can read its id, category and severity. The policy for a
/// new rule: severity <see cref="DiagnosticSeverity.Warning"/>, except LMP009 and LMP012, which are
/// <see cref="DiagnosticSeverity.Info"/>; a message that says what to do; a description that says
/// why; a help link built from <see cref="HelpLinkBase"/>. The tests check all of it for every
/// supported diagnostic, plus a page in docs/rules and a line in AnalyzerReleases.Unshipped.md.
/// </remarks>
internal static class DiagnosticDescriptors
{
    /// <summary>Where the rule pages live; a rule's page is this plus <c>&lt;id&gt;.md</c>.</summary>
    public const string HelpLinkBase = "https://github.com/lmprob/lmprob/blob/main/docs/rules/";

    public static readonly DiagnosticDescriptor UnshiftedLabels = new(
        id: RuleIds.UnshiftedLabels,
        title: "Next-token targets are not shifted",
        messageFormat: "Targets '{0}' are taken from the same positions as the inputs, so each position is scored on the token it already sees: use Loss.NextTokenLoss, which shifts the labels, or index t + 1",
        category: RuleCategories.Correctness,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "In a causal language model the logits at position t predict token t + 1. Scoring them against the token at position t, which the model was given as input, trains or evaluates a copy task: the loss drops to near zero and means nothing. Shift the labels by one (Loss.NextTokenLoss does this) or index the targets with t + 1.",
        helpLinkUri: HelpLinkBase + RuleIds.UnshiftedLabels + ".md");

    public static readonly DiagnosticDescriptor LogOfSoftmax = new(
        id: RuleIds.LogOfSoftmax,
        title: "Log of a softmax",
        messageFormat: "Log of a softmax gives -inf once a probability rounds to 0 in float: compute log-probabilities with Probability.LogSoftmax, or x - Probability.LogSumExp(x)",
        category: RuleCategories.NumericalStability,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Softmax rounds probabilities below about 1e-45 (float) to exactly 0, and log(0) is -inf; a loss or gradient built from it becomes infinite or NaN. The log-softmax x - max - log(sum(exp(x - max))) never forms the small probability and stays finite for every finite logit.",
        helpLinkUri: HelpLinkBase + RuleIds.LogOfSoftmax + ".md");

    public static readonly DiagnosticDescriptor PaddedMean = new(
        id: RuleIds.PaddedMean,
        title: "Mean over the padded length",
        messageFormat: "This mean counts masked or ignored tokens in the denominator, which understates the loss by the padding fraction: divide by the number of counted tokens or use Loss.MaskedMean",
        category: RuleCategories.Correctness,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A loss summed over the real tokens of a padded batch (a mask or an ignore index) must be divided by the number of real tokens. Dividing by the full length, or averaging per-token losses that are 0 at padding, scales the loss by the fraction of real tokens, which changes from batch to batch and biases training towards short sequences.",
        helpLinkUri: HelpLinkBase + RuleIds.PaddedMean + ".md");

    public static readonly DiagnosticDescriptor ExpWithoutMax = new(
        id: RuleIds.ExpWithoutMax,
        title: "exp of logits without subtracting the maximum",
        messageFormat: "'{0}' exponentiates logits with no maximum subtracted, so it overflows to +inf for logits above about 88 and the normalized result is NaN: use Probability.Softmax (or Probability.LogSumExp), or subtract the row maximum first",
        category: RuleCategories.NumericalStability,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "exp overflows float at about 88.7, so softmax(x) = exp(x) / sum(exp(x)) computed as written gives inf / inf = NaN for logits such as [1000, 999, 997], and 0 / 0 for [-200, -201, -203]. Softmax is unchanged by subtracting a constant; subtracting the row maximum makes the largest exponent exp(0) = 1. TensorPrimitives.SoftMax does not subtract the maximum.",
        helpLinkUri: HelpLinkBase + RuleIds.ExpWithoutMax + ".md");

    public static readonly DiagnosticDescriptor SoftmaxOverWrongAxis = new(
        id: RuleIds.SoftmaxOverWrongAxis,
        title: "Softmax over an axis that is not the vocabulary",
        messageFormat: "'{0}' normalizes over axis {1} of this {2}-D tensor, mixing the scores of different positions instead of the vocabulary entries of one position: use dim: -1 (the last axis, the vocabulary)",
        category: RuleCategories.Correctness,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Language-model logits are laid out [batch, time, vocabulary]; each next-token distribution is a slice along the last axis. A softmax over the batch or time axis makes each column sum to 1 across positions, so the 'probabilities' of one position no longer sum to 1 and depend on the other sequences in the batch. Nothing fails: the loss just trains the wrong thing.",
        helpLinkUri: HelpLinkBase + RuleIds.SoftmaxOverWrongAxis + ".md");

    public static readonly DiagnosticDescriptor EpsilonInLog = new(
        id: RuleIds.EpsilonInLog,
        title: "Epsilon or clamp to hide log(0) of a softmax probability",
        messageFormat: "'{0}' keeps a softmax probability away from 0 before its log, which caps the loss (at 27.6 nats for 1e-12) and biases the gradient: compute log-probabilities with Probability.LogSoftmax, x[k] - Probability.LogSumExp(x), or TorchSharp log_softmax",
        category: RuleCategories.NumericalStability,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Adding an epsilon to a softmax probability, or clamping it from below, avoids log(0) = -inf by changing the answer: log(p + 1e-12) is never below -27.6, so every token the model gives less than 1e-12 costs the same, and its gradient 1/(p + eps) is too small exactly where the model is most wrong (a clamp makes it 0). The log-softmax x - max - log(sum(exp(x - max))) is finite for every finite logit and needs no epsilon.",
        helpLinkUri: HelpLinkBase + RuleIds.EpsilonInLog + ".md");

    public static readonly DiagnosticDescriptor BinaryCrossEntropyFromProbabilities = new(
        id: RuleIds.BinaryCrossEntropyFromProbabilities,
        title: "Binary cross-entropy from sigmoid probabilities",
        messageFormat: "'{0}' computes binary cross-entropy from sigmoid probabilities, which round to exactly 0 or 1 for confident logits (sigmoid(40) = 1), giving log(0) = -inf and 0 * -inf = NaN: compute it from the logit with Loss.BinaryCrossEntropyWithLogits (TorchSharp binary_cross_entropy_with_logits)",
        category: RuleCategories.NumericalStability,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "1 / (1 + exp(-x)) is exactly 1 in float for x above about 16.6 (36.7 in double) and exactly 0 below about -88.7 (where exp(-x) overflows), so log(1 - s) or log(s) is -inf and the loss is +inf, or NaN where the label multiplies it by 0, even for a correct confident prediction. From the logit the loss is max(x, 0) - x * y + log(1 + exp(-|x|)), finite for every finite x, with the exact gradient sigmoid(x) - y.",
        helpLinkUri: HelpLinkBase + RuleIds.BinaryCrossEntropyFromProbabilities + ".md");

    public static readonly DiagnosticDescriptor PerplexityFromTotal = new(
        id: RuleIds.PerplexityFromTotal,
        title: "Perplexity from a total negative log-likelihood",
        messageFormat: "'{0}' is a total negative log-likelihood (a sum over tokens), so this perplexity grows with the length and overflows (1000 tokens at 2 nats: e^2000 = inf): take the mean first (divide by the token count, Average(), CrossEntropyResult.Mean)",
        category: RuleCategories.Correctness,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Perplexity is exp of the mean per-token negative log-likelihood. exp of the sum is the inverse probability of the whole text: it grows exponentially with the number of tokens, so two texts of different lengths cannot be compared, and it overflows double beyond about 709 nats (355 tokens at 2 nats each). Divide the sum by the number of counted tokens before exponentiating, or pass the mean to Metrics.Perplexity.",
        helpLinkUri: HelpLinkBase + RuleIds.PerplexityFromTotal + ".md");

    public static readonly DiagnosticDescriptor UncheckedTemperature = new(
        id: RuleIds.UncheckedTemperature,
        title: "Division by a temperature that is not checked to be positive",
        messageFormat: "Temperature '{0}' is divided by with no check that it is > 0, so 0 gives inf or NaN and a negative value inverts the ranking: check it first with ArgumentOutOfRangeException.ThrowIfNegativeOrZero({0}), or treat 0 as greedy decoding",
        category: RuleCategories.Reliability,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "Dividing logits by a temperature of 0 gives +inf, -inf and NaN (0 / 0), and every probability computed from them is NaN; a negative temperature silently turns the least likely token into the most likely. Temperature usually comes from user settings or a request, so check it where it enters: throw for values <= 0, or handle 0 explicitly as greedy decoding (argmax), as Hugging Face and llama.cpp do.",
        helpLinkUri: HelpLinkBase + RuleIds.UncheckedTemperature + ".md");

    public static readonly DiagnosticDescriptor NaiveVariance = new(
        id: RuleIds.NaiveVariance,
        title: "Variance computed as E[x²] - E[x]²",
        messageFormat: "'{0}' computes a variance as E[x²] - E[x]², which cancels to noise when the mean is large against the spread and can come out negative: use Metrics.Variance(x), or the two-pass Σ(x - mean)² / n, or Welford's update",
        category: RuleCategories.NumericalStability,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "E[x²] and E[x]² are both close to mean² when the mean is large compared with the standard deviation, so their difference keeps only the rounding error: for float values near 10000 that differ by 0.1 the result is 0 or -8 instead of 0.0067. Subtract the mean before squaring (two passes) or use Welford's online update; Metrics.Variance does the former with a compensated correction.",
        helpLinkUri: HelpLinkBase + RuleIds.NaiveVariance + ".md");

    public static readonly DiagnosticDescriptor UnnormalizedFilter = new(
        id: RuleIds.UnnormalizedFilter,
        title: "Top-k/top-p filtered probabilities not renormalized, or a nucleus that can be empty",
        messageFormat: "{0}: divide the kept probabilities by their sum and always keep the most probable token (Decoding.FilterTopK and FilterTopP do both)",
        category: RuleCategories.Correctness,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "After top-k or top-p filtering the kept probabilities sum to less than 1. Sampling them with a uniform draw in [0, 1) falls off the end whenever the draw exceeds the kept mass, and entropies or divergences of them are wrong, so they must be divided by their sum. A top-p loop that compares the mass including the current token before keeping it returns no token at all when the first probability alone reaches p; the nucleus must always contain the most probable token.",
        helpLinkUri: HelpLinkBase + RuleIds.UnnormalizedFilter + ".md");

    public static readonly DiagnosticDescriptor RawSequenceScore = new(
        id: RuleIds.RawSequenceScore,
        title: "Sequences of different lengths ranked by the raw sum of log-probabilities",
        messageFormat: "'{0}' ranks sequences by the raw sum of their token log-probabilities, which favours shorter ones: state a length convention with Metrics.SequenceScore(logProbs, LengthNormalization.Mean) or Gnmt, or LengthNormalization.None when the raw sum is intended",
        category: RuleCategories.Correctness,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "Every token adds a log-probability below 0, so the raw sum of a sequence falls with its length: a one-token answer scored -1.0 beats a three-token answer whose tokens are each twice as likely (-0.5 each, -1.5 in total). Beam search, reranking and multiple-choice evaluation all need a stated convention: the mean per token, the GNMT length penalty, or an explicit decision that the raw sum (the joint probability) is what is meant.",
        helpLinkUri: HelpLinkBase + RuleIds.RawSequenceScore + ".md");
}
