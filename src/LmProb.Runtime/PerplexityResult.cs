namespace LmProb;

/// <summary>The outcome of <see cref="Metrics.SlidingWindowPerplexity"/>: what was summed, over how many targets, and the perplexity.</summary>
/// <param name="TotalNll">The sum, in nats and in double, of the negative log-likelihoods of the scored tokens.</param>
/// <param name="Count">How many tokens were scored (every token after the first: the sequence length minus one).</param>
/// <param name="Perplexity"><c>exp(TotalNll / Count)</c>.</param>
public readonly record struct PerplexityResult(double TotalNll, long Count, double Perplexity)
{
    /// <summary>The mean negative log-likelihood per scored token, <c>TotalNll / Count</c> (NaN when <see cref="Count"/> is 0).</summary>
    public double MeanNll => TotalNll / Count;
}
