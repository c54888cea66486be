namespace LmProb;

/// <summary>
/// How <see cref="Metrics.SequenceScore(System.ReadOnlySpan{float}, LengthNormalization, double)"/>
/// turns the summed log-probability of a sequence into a score that can be compared across lengths.
/// </summary>
public enum LengthNormalization
{
    /// <summary>The raw sum <c>Σ log p</c>: favours short sequences, since every token adds a negative term.</summary>
    None = 0,

    /// <summary>The mean <c>Σ log p / L</c>: the negative of the per-token NLL.</summary>
    Mean = 1,

    /// <summary>
    /// The length penalty of Wu et al. 2016 (GNMT): <c>Σ log p / ((5 + L) / 6)^α</c>; α = 0 is the raw
    /// sum, α = 1 is close to the mean for long sequences. The same penalty as <c>BeamSearch</c>'s score.
    /// </summary>
    Gnmt = 2,
}
