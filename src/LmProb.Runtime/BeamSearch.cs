using System;
using System.Collections.Generic;
using LmProb.Internal;

namespace LmProb;

/// <summary>Beam search over a next-token model, with the GNMT length penalty.</summary>
public static class BeamSearch
{
    /// <summary>
    /// Finds up to <paramref name="beamWidth"/> high-scoring sequences of at most
    /// <paramref name="maxSteps"/> tokens, best first by <see cref="Hypothesis.Score"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The search starts from one empty hypothesis. At each step every unfinished hypothesis asks
    /// <paramref name="nextLogProbabilities"/> for the log-probabilities of the next token and is
    /// expanded with its <paramref name="beamWidth"/> best tokens (by
    /// <see cref="Decoding.TopK(ReadOnlySpan{float}, Span{int}, Span{float})"/>); a finished hypothesis
    /// (one ending with <paramref name="endToken"/>) is carried forward unchanged and competes with
    /// the new ones. The <paramref name="beamWidth"/> candidates with the best score form the next
    /// beam. The search stops after <paramref name="maxSteps"/> steps or when every hypothesis in the
    /// beam is finished; hypotheses still unfinished then are returned too (their tokens do not end
    /// with <paramref name="endToken"/>).
    /// </para>
    /// <para>
    /// <c>LogProbability</c> is the sum of the tokens' log-probabilities in double. <c>Score</c> is
    /// <c>LogProbability / ((5 + length) / 6)^lengthPenalty</c>, where <b>length is the number of
    /// generated tokens, the end token included</b> (<c>Tokens.Count</c>); with
    /// <paramref name="lengthPenalty"/> = 0 it equals <c>LogProbability</c>. Scores rank the beam at
    /// every step, so a positive penalty (GNMT uses 0.6–1) keeps longer hypotheses alive.
    /// </para>
    /// <para>
    /// Ties are deterministic: the earlier candidate wins, candidates being listed beam by beam in
    /// rank order, each beam's continuations by decreasing log-probability and then increasing token
    /// id. A continuation whose log-probability is −inf or NaN is never taken; a hypothesis with no
    /// other continuation is dropped (so the result can be empty). <c>maxSteps = 0</c> returns the
    /// empty hypothesis (log-probability 0).
    /// </para>
    /// </remarks>
    /// <param name="nextLogProbabilities">The model: given the tokens generated so far, the natural-log
    /// probabilities of every vocabulary token coming next. Every call must return an array of the same
    /// length (the vocabulary size); the list passed in is read-only and stays valid.</param>
    /// <param name="beamWidth">How many hypotheses to keep, at least 1 (1 is greedy search).</param>
    /// <param name="maxSteps">The most tokens to generate, at least 0.</param>
    /// <param name="endToken">The token that finishes a hypothesis; a vocabulary index.</param>
    /// <param name="lengthPenalty">The GNMT exponent α, finite; 0 (the default) ranks by log-probability.</param>
    /// <returns>At most <paramref name="beamWidth"/> hypotheses, best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="nextLogProbabilities"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beamWidth"/> is less than 1,
    /// <paramref name="maxSteps"/> is negative, <paramref name="endToken"/> is outside the vocabulary,
    /// or <paramref name="lengthPenalty"/> is NaN or infinite.</exception>
    /// <exception cref="ArgumentException"><paramref name="nextLogProbabilities"/> returned null, or arrays of
    /// different lengths.</exception>
    public static IReadOnlyList<Hypothesis> Search(
        Func<IReadOnlyList<int>, float[]> nextLogProbabilities,
        int beamWidth,
        int maxSteps,
        int endToken,
        float lengthPenalty = 0)
    {
        ArgumentNullException.ThrowIfNull(nextLogProbabilities);
        ThrowHelper.ThrowIfBelowMinimum(beamWidth, 1, nameof(beamWidth));
        ThrowHelper.ThrowIfBelowMinimum(maxSteps, 0, nameof(maxSteps));
        ThrowHelper.ThrowIfBelowMinimum(endToken, 0, nameof(endToken));
        ThrowHelper.ThrowIfNonFiniteArgument(lengthPenalty, nameof(lengthPenalty));

        var beam = new List<Node> { new([], 0, finished: false, lengthPenalty) };
        var candidates = new List<Node>();
        var indices = new int[beamWidth];
        var values = new float[beamWidth];
        var vocabularySize = -1;
        for (var step = 0; step < maxSteps && beam.Exists(static node => !node.Finished); step++)
        {
            candidates.Clear();
            foreach (var node in beam)
            {
                if (node.Finished)
                {
                    candidates.Add(node);
                    continue;
                }
                var logProbabilities = nextLogProbabilities(node.Hypothesis.Tokens);
                if (logProbabilities is null)
                {
                    ThrowHelper.ModelReturnedNull(nameof(nextLogProbabilities), node.Hypothesis.Tokens);
                }
                if (vocabularySize < 0)
                {
                    vocabularySize = logProbabilities.Length;
                    ThrowHelper.ThrowIfEndTokenOutOfRange(endToken, vocabularySize, nameof(endToken), nameof(nextLogProbabilities));
                }
                else if (logProbabilities.Length != vocabularySize)
                {
                    ThrowHelper.ModelLengthChanged(nameof(nextLogProbabilities), logProbabilities.Length, vocabularySize, node.Hypothesis.Tokens);
                }

                var k = Math.Min(beamWidth, vocabularySize);
                Decoding.TopK(logProbabilities, indices.AsSpan(0, k), values.AsSpan(0, k));
                for (var j = 0; j < k; j++)
                {
                    // Sorted: −inf and NaN come last, and so does everything after them.
                    if (float.IsNaN(values[j]) || float.IsNegativeInfinity(values[j]))
                    {
                        break;
                    }
                    var token = indices[j];
                    candidates.Add(new Node(
                        [.. node.Tokens, token],
                        node.Hypothesis.LogProbability + values[j],
                        finished: token == endToken,
                        lengthPenalty));
                }
            }
            beam = Best(candidates, beamWidth);
        }

        var result = new Hypothesis[beam.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = beam[i].Hypothesis;
        }
        return result;
    }

    /// <summary>The <paramref name="count"/> best candidates by score; ties keep the candidates' order.</summary>
    private static List<Node> Best(List<Node> candidates, int count)
    {
        var order = new int[candidates.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        Array.Sort(order, (a, b) =>
        {
            var byScore = candidates[b].Hypothesis.Score.CompareTo(candidates[a].Hypothesis.Score);
            return byScore != 0 ? byScore : a.CompareTo(b);
        });
        var best = new List<Node>(Math.Min(count, order.Length));
        for (var i = 0; i < order.Length && i < count; i++)
        {
            best.Add(candidates[order[i]]);
        }
        return best;
    }

    /// <summary>The GNMT score: <c>logProbability / ((5 + length) / 6)^α</c>; exactly the log-probability for α = 0.</summary>
    private static double Score(double logProbability, int length, float lengthPenalty) =>
        lengthPenalty == 0 ? logProbability : logProbability / Math.Pow((5.0 + length) / 6.0, lengthPenalty);

    /// <summary>A hypothesis of the search, with its tokens as an array for extending.</summary>
    private sealed class Node
    {
        public Node(int[] tokens, double logProbability, bool finished, float lengthPenalty)
        {
            Tokens = tokens;
            Finished = finished;
            Hypothesis = new Hypothesis(Array.AsReadOnly(tokens), logProbability, Score(logProbability, tokens.Length, lengthPenalty));
        }

        public int[] Tokens { get; }

        public bool Finished { get; }

        public Hypothesis Hypothesis { get; }
    }
}
