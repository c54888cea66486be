using System.Collections.Generic;

namespace LmProb;

/// <summary>One sequence found by <see cref="BeamSearch.Search"/>.</summary>
/// <param name="Tokens">The generated tokens (the search starts from an empty prefix); the last one is
/// the end token when the hypothesis is finished.</param>
/// <param name="LogProbability">The sum of the tokens' log-probabilities (natural log), in double.</param>
/// <param name="Score">The ranking score: <c>LogProbability / ((5 + Tokens.Count) / 6)^lengthPenalty</c>
/// (the GNMT length penalty), equal to <see cref="LogProbability"/> when the penalty is 0.</param>
public sealed record Hypothesis(IReadOnlyList<int> Tokens, double LogProbability, double Score);
