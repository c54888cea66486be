using System;
using LmProb.Internal;

namespace LmProb;

public static partial class Metrics
{
    /// <summary>
    /// The score of a sequence from its tokens' log-probabilities, normalized for length so that
    /// sequences of different lengths can be ranked: <see cref="LengthNormalization.None"/> is the sum
    /// <c>S = Σ log p</c>, <see cref="LengthNormalization.Mean"/> is <c>S / L</c>, and
    /// <see cref="LengthNormalization.Gnmt"/> is <c>S / ((5 + L) / 6)^alpha</c>, with <c>L</c> the
    /// number of tokens. Higher is better; every score is ≤ 0.
    /// </summary>
    /// <param name="tokenLogProbabilities">One natural-log probability per token of the sequence, each ≤ 0.</param>
    /// <param name="mode">The length convention.</param>
    /// <param name="alpha">The GNMT exponent (finite, ≥ 0; 0 gives the raw sum); checked in every mode, used only by <see cref="LengthNormalization.Gnmt"/>.</param>
    /// <returns>The score; NaN if any entry is NaN; −inf if any entry is −inf.</returns>
    /// <exception cref="ArgumentException"><paramref name="tokenLogProbabilities"/> is empty (a length-normalized score of nothing is undefined).</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// An entry is above 0; <paramref name="mode"/> is not a defined value; or <paramref name="alpha"/> is negative, infinite or NaN.
    /// </exception>
    public static double SequenceScore(ReadOnlySpan<float> tokenLogProbabilities, LengthNormalization mode, double alpha = 0.6) =>
        SequenceScoreCore(tokenLogProbabilities, mode, alpha);

    /// <inheritdoc cref="SequenceScore(ReadOnlySpan{float}, LengthNormalization, double)"/>
    public static double SequenceScore(ReadOnlySpan<Half> tokenLogProbabilities, LengthNormalization mode, double alpha = 0.6) =>
        SequenceScoreCore(tokenLogProbabilities, mode, alpha);

    /// <inheritdoc cref="SequenceScore(ReadOnlySpan{float}, LengthNormalization, double)"/>
    public static double SequenceScore(ReadOnlySpan<BFloat16> tokenLogProbabilities, LengthNormalization mode, double alpha = 0.6) =>
        SequenceScoreCore(tokenLogProbabilities, mode, alpha);

    /// <summary>
    /// The mean NLL over the answer tokens only, <c>−Σ_{mask} log p / count(mask)</c>: how a multiple-choice
    /// or QA evaluation scores an answer given its prompt, without the prompt's tokens diluting the mean.
    /// </summary>
    /// <param name="tokenLogProbabilities">One natural-log probability per token of prompt and answer.</param>
    /// <param name="answerMask">True at the answer's tokens; same length as <paramref name="tokenLogProbabilities"/>.</param>
    /// <returns>
    /// The mean NLL in nats, ≥ 0; NaN if an answer entry is NaN; +inf if an answer entry is −inf. Entries
    /// outside the mask are never read, so they may hold anything (NaN placeholders included).
    /// </returns>
    /// <exception cref="ArgumentException">The lengths differ, or the mask selects no token.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An answer entry is above 0 (the message names its index and value).</exception>
    public static double AnswerNll(ReadOnlySpan<float> tokenLogProbabilities, ReadOnlySpan<bool> answerMask) =>
        AnswerNllCore(tokenLogProbabilities, answerMask);

    /// <inheritdoc cref="AnswerNll(ReadOnlySpan{float}, ReadOnlySpan{bool})"/>
    public static double AnswerNll(ReadOnlySpan<Half> tokenLogProbabilities, ReadOnlySpan<bool> answerMask) =>
        AnswerNllCore(tokenLogProbabilities, answerMask);

    /// <inheritdoc cref="AnswerNll(ReadOnlySpan{float}, ReadOnlySpan{bool})"/>
    public static double AnswerNll(ReadOnlySpan<BFloat16> tokenLogProbabilities, ReadOnlySpan<bool> answerMask) =>
        AnswerNllCore(tokenLogProbabilities, answerMask);

    private static double SequenceScoreCore<T>(ReadOnlySpan<T> tokenLogProbabilities, LengthNormalization mode, double alpha)
        where T : unmanaged
    {
        const string name = "tokenLogProbabilities";
        if (mode is not (LengthNormalization.None or LengthNormalization.Mean or LengthNormalization.Gnmt))
        {
            ThrowHelper.UndefinedLengthNormalization(mode, nameof(mode));
        }
        ThrowHelper.ThrowIfInvalidAlpha(alpha, nameof(alpha));
        ThrowHelper.ThrowIfEmpty(tokenLogProbabilities.Length, name);
        var sum = SumLogProbabilities(tokenLogProbabilities, name);
        double length = tokenLogProbabilities.Length;
        return mode switch
        {
            LengthNormalization.Mean => sum / length,
            LengthNormalization.Gnmt => sum / Math.Pow((5 + length) / 6, alpha),
            _ => sum,
        };
    }

    private static double AnswerNllCore<T>(ReadOnlySpan<T> tokenLogProbabilities, ReadOnlySpan<bool> answerMask)
        where T : unmanaged
    {
        ThrowHelper.ThrowIfLengthMismatch(answerMask.Length, tokenLogProbabilities.Length, nameof(answerMask), nameof(tokenLogProbabilities));
        double sum = 0;
        var count = 0;
        for (var i = 0; i < tokenLogProbabilities.Length; i++)
        {
            if (!answerMask[i])
            {
                continue;
            }
            var value = Elements.ToSingle(tokenLogProbabilities[i]);
            if (value > 0)
            {
                ThrowHelper.PositiveLogProbability(nameof(tokenLogProbabilities), i, value);
            }
            sum += value;
            count++;
        }
        if (count == 0)
        {
            ThrowHelper.NoAnswerTokens(nameof(answerMask), answerMask.Length);
        }
        // 0 − mean rather than −mean, so an answer of certain tokens gives +0 and not −0.
        return 0.0 - (sum / count);
    }
}
