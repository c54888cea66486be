using System;
using LmProb.Internal;
using LmProb.Kernels;

namespace LmProb;

public static partial class Metrics
{
    /// <summary>
    /// Perplexity of a token sequence longer than a model's context, by the strided sliding window of
    /// Hugging Face's "Perplexity of fixed-length models": every token after the first is scored
    /// exactly once, by the first window that can predict it, so with as much left context as the
    /// window and stride allow.
    /// </summary>
    /// <param name="tokens">The token ids of the text, at least 2, each in <c>[0, vocabSize)</c>.</param>
    /// <param name="vocabSize">The number of logits per position, &gt; 0.</param>
    /// <param name="window">The model's context length: the most tokens one call sees, ≥ 2.</param>
    /// <param name="stride">How far each window starts after the previous one, in <c>[1, window]</c>.
    /// Smaller strides give every token more context and cost more calls.</param>
    /// <param name="windowLogits">
    /// The model: given a window of <c>windowLength ≤ window</c> token ids (a new array on every call,
    /// which it may keep), returns <c>windowLength × vocabSize</c> row-major logits where row <c>t</c>
    /// predicts the token after <c>ids[t]</c>. Called in order of window start.
    /// </param>
    /// <returns>
    /// The summed NLL (double, nats) of the <c>tokens.Length − 1</c> scored tokens, that count, and
    /// <c>exp(TotalNll / Count)</c>. A logit row with NaN or +inf, or all −inf, makes its token's NLL, and
    /// so the result, NaN; a target whose logit is −inf (beside a finite one) makes it +inf. Neither throws.
    /// </returns>
    /// <remarks>
    /// <para>
    /// Windows start at token 0, <c>stride</c>, <c>2·stride</c>, … and hold the ids
    /// <c>tokens[start .. min(start + window, tokens.Length))</c>. A window's row <c>t</c> scores token
    /// <c>start + t + 1</c>; its last row predicts the token just past the window when there is one. Each
    /// window scores only the targets that no earlier window scored, and the windows stop once the last
    /// token is scored. So the first window scores tokens <c>1 … window</c> and every later one scores
    /// the next <c>stride</c> tokens, each seen with between <c>window − stride + 1</c> and <c>window</c>
    /// tokens of context: with <c>stride = 1</c> every token gets <c>min(position, window)</c> tokens of
    /// context (the best estimate, one call per token), and with <c>stride = window</c> the text is cut
    /// into disjoint chunks (the cheapest). When <c>window ≥ tokens.Length</c> there is a single call on
    /// the whole sequence, and the result is the ordinary full-context perplexity.
    /// </para>
    /// <para>
    /// One departure from the Hugging Face loop, whose labels stay inside the window: there, the last
    /// row's prediction is discarded, so with <c>stride = window</c> the first token of every window after
    /// the first is never scored. Here that row is used, so every token is scored at every stride.
    /// </para>
    /// <para>
    /// Each token's NLL is <c>log Σ exp(x − max) − (x[target] − max)</c> over its logit row (the stable
    /// log-softmax), and the NLLs are summed in double.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="windowLogits"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="tokens"/> has fewer than 2 ids.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="vocabSize"/> is not positive, <paramref name="window"/> is below 2,
    /// <paramref name="stride"/> is outside <c>[1, window]</c>, a window's logits would not fit in an
    /// array, or a token id is outside the vocabulary (the message names its index and id).
    /// </exception>
    /// <exception cref="InvalidOperationException"><paramref name="windowLogits"/> returned null, or an array whose length is not <c>windowLength × vocabSize</c>.</exception>
    public static PerplexityResult SlidingWindowPerplexity(ReadOnlySpan<int> tokens, int vocabSize, int window, int stride, Func<int[], float[]> windowLogits)
    {
        ThrowHelper.ThrowIfShorterThan(tokens.Length, 2, nameof(tokens), "the first token is context only, so perplexity needs a second one to score");
        ThrowHelper.ThrowIfNotPositive(vocabSize, nameof(vocabSize));
        ThrowHelper.ThrowIfLessThan(window, 2, nameof(window));
        ThrowHelper.ThrowIfStrideOutOfRange(stride, window, nameof(stride));
        ArgumentNullException.ThrowIfNull(windowLogits);
        for (var i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)vocabSize)
            {
                ThrowHelper.TokenOutOfVocabulary(nameof(tokens), i, tokens[i], vocabSize);
            }
        }
        var longestWindow = Math.Min(window, tokens.Length);
        if ((long)longestWindow * vocabSize > Array.MaxLength)
        {
            ThrowHelper.WindowTooLarge(longestWindow, vocabSize);
        }

        var lastTarget = tokens.Length - 1;
        var scoredThrough = 0;
        double totalNll = 0;
        for (long start = 0; scoredThrough < lastTarget; start += stride)
        {
            // scoredThrough ≥ start (stride ≤ window), so start is a valid index here.
            var from = (int)start;
            var to = (int)Math.Min(start + window, tokens.Length);
            var windowLength = to - from;
            var logits = windowLogits(tokens[from..to].ToArray());
            if (logits is null)
            {
                ThrowHelper.WindowLogitsNull(from, windowLength);
            }
            if (logits.Length != windowLength * vocabSize)
            {
                ThrowHelper.WindowLogitsLength(logits.Length, from, windowLength, vocabSize);
            }

            // Row t predicts token from + t + 1, so the last row reaches one token past the window.
            var lastTargetHere = Math.Min(to, lastTarget);
            for (var target = scoredThrough + 1; target <= lastTargetHere; target++)
            {
                var row = logits.AsSpan((target - 1 - from) * vocabSize, vocabSize);
                totalNll += TokenNll(row, tokens[target]);
            }
            scoredThrough = lastTargetHere;
        }

        long count = lastTarget;
        return new PerplexityResult(totalNll, count, Math.Exp(totalNll / count));
    }

    /// <summary>
    /// <c>−log softmax(row)[target]</c> as <c>log Σ exp(x − max) − (x[target] − max)</c>, in double
    /// after the float normalizer; NaN for a row with NaN or +inf, or all −inf.
    /// </summary>
    private static double TokenNll(ReadOnlySpan<float> row, int target)
    {
        var normalizer = SoftmaxKernels.Normalizer(row);
        if (!normalizer.IsNormalizable)
        {
            return double.NaN;
        }
        return Math.Log(normalizer.SumExp) - ((double)row[target] - normalizer.Max);
    }
}
