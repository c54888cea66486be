using System;
using System.Collections.Generic;
using System.Linq;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

public class SlidingWindowPerplexityTests
{
    private const int Vocab = 8;

    /// <summary>
    /// The float normalizer (exp to 1–2 ulps, float sum, then log in double) against a double
    /// reference: each token's NLL is within ~1e-7 absolute of it; over a sum of NLLs of order 1
    /// each, 2e-6 relative is a safe bound.
    /// </summary>
    private const double Tolerance = 2e-6;

    /// <summary>(window, stride) pairs: stride 1, stride = window, in between, and windows past the length.</summary>
    public static TheoryData<int, int> Schedules => new()
    {
        { 2, 1 }, { 2, 2 }, { 3, 1 }, { 3, 2 }, { 3, 3 }, { 4, 3 }, { 5, 5 }, { 7, 3 }, { 8, 1 }, { 8, 8 },
        { 12, 5 }, { 16, 16 }, { 22, 21 }, { 23, 1 }, { 40, 7 }, { 100, 100 },
    };

    /// <summary>
    /// A period-7 motif of distinct token ids: the induction model predicts token j only when the
    /// previous occurrence of token j − 1 (8 tokens back, counting j − 1 itself) is in its context, and
    /// is uniform otherwise (a repeated id in the motif would make it confidently wrong instead).
    /// </summary>
    private static readonly int[] Repetitive = Enumerable.Range(0, 37).Select(i => new[] { 3, 1, 4, 0, 5, 7, 2 }[i % 7]).ToArray();

    [Fact]
    public void A_window_covering_the_sequence_is_the_full_context_perplexity()
    {
        var tokens = RandomTokens(30, seed: 1);
        var bigram = Bigram(seed: 2);
        var calls = 0;
        var result = Metrics.SlidingWindowPerplexity(tokens, Vocab, window: 30, stride: 7, ids => { calls++; return bigram(ids); });

        Assert.Equal(1, calls);
        Assert.Equal(29L, result.Count);
        var expected = ReferenceTotal(bigram, tokens, window: tokens.Length, stride: 1);
        Assertions.Close(expected, result.TotalNll, relative: Tolerance);
        Assertions.Close(Math.Exp(result.TotalNll / 29), result.Perplexity, relative: 4.5e-16);
        Assertions.Close(result.TotalNll / 29, result.MeanNll, relative: 2.3e-16);

        // Same for the context-dependent model, and for any window longer than the sequence.
        var induction = Metrics.SlidingWindowPerplexity(Repetitive, Vocab, window: 1000, stride: 1000, Induction);
        Assertions.Close(ReferenceTotal(Induction, Repetitive, window: Repetitive.Length, stride: 1), induction.TotalNll, relative: Tolerance);
        var perplexity = Metrics.PerplexityFromLogProbabilities(FullContextLogProbabilities(Induction, Repetitive));
        Assertions.Close(perplexity, induction.Perplexity, relative: Tolerance);
    }

    [Theory]
    [MemberData(nameof(Schedules))]
    public void A_bigram_model_gives_the_same_perplexity_at_every_window_and_stride(int window, int stride)
    {
        // A bigram model only looks at the previous token, which every window provides, so every
        // schedule scores the same rows: bit-identical to the full-context run.
        var tokens = RandomTokens(23, seed: 3);
        var bigram = Bigram(seed: 4);
        var full = Metrics.SlidingWindowPerplexity(tokens, Vocab, tokens.Length, tokens.Length, bigram);
        var strided = Metrics.SlidingWindowPerplexity(tokens, Vocab, window, stride, bigram);
        Assert.Equal(full, strided);
        Assertions.Close(ReferenceTotal(bigram, tokens, tokens.Length, 1), strided.TotalNll, relative: Tolerance);
    }

    [Theory]
    [MemberData(nameof(Schedules))]
    public void A_context_dependent_model_matches_the_reference_schedule(int window, int stride)
    {
        // The reference gives each target j the context tokens[start(j) .. j), start(j) being the first
        // window start k · stride with k · stride + window ≥ j, and evaluates the model on exactly that.
        var result = Metrics.SlidingWindowPerplexity(Repetitive, Vocab, window, stride, Induction);
        Assert.Equal(Repetitive.Length - 1L, result.Count);
        Assertions.Close(ReferenceTotal(Induction, Repetitive, window, stride), result.TotalNll, relative: Tolerance);
    }

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Every_token_after_the_first_is_scored_exactly_once(int window, int stride)
    {
        // Unique ids (token j is j), so the delegate can tell where each window starts. The delegate
        // records which targets each window is the first to be able to predict (what it is "asked
        // about") and gives those rows uniform logits (NLL ln V); every other row is NaN, so scoring a
        // target twice, or from a later window than the first that covers it, makes the total NaN, and
        // missing one makes it short by ln V.
        const int n = 23;
        var tokens = Enumerable.Range(0, n).ToArray();
        var asked = new List<int>();
        var starts = new List<int>();
        var coveredThrough = 0;
        float[] Instrumented(int[] ids)
        {
            var start = ids[0];
            starts.Add(start);
            Assert.Equal(tokens.Skip(start).Take(Math.Min(window, n - start)), ids);
            var logits = new float[ids.Length * n];
            Array.Fill(logits, float.NaN);
            var reach = Math.Min(start + ids.Length, n - 1);
            Assert.True(reach > coveredThrough, $"window at {start} can predict nothing new: a wasted call");
            for (var target = coveredThrough + 1; target <= reach; target++)
            {
                asked.Add(target);
                logits.AsSpan((target - 1 - start) * n, n).Clear();
            }
            coveredThrough = reach;
            return logits;
        }

        var result = Metrics.SlidingWindowPerplexity(tokens, n, window, stride, Instrumented);

        Assert.Equal(Enumerable.Range(1, n - 1), asked);
        Assert.Equal(Enumerable.Range(0, starts.Count).Select(k => k * stride), starts);
        Assert.Equal(n - 1L, result.Count);
        Assertions.Close((n - 1) * Math.Log(n), result.TotalNll, relative: 1e-14);
        Assertions.Close(n, result.Perplexity, relative: 1e-14);
    }

    [Fact]
    public void With_stride_equal_to_window_the_first_token_of_each_window_is_scored_by_the_previous_window()
    {
        // Unlike Hugging Face's loop, the last row of window [0, 4) predicts token 4, so no token falls
        // between windows.
        var tokens = RandomTokens(12, seed: 5);
        var seen = new List<int[]>();
        var result = Metrics.SlidingWindowPerplexity(tokens, Vocab, window: 4, stride: 4, ids => { seen.Add(ids); return Bigram(seed: 6)(ids); });
        Assert.Equal([4, 4, 4], seen.Select(ids => ids.Length));
        Assert.Equal(11L, result.Count);
        Assertions.Close(ReferenceTotal(Bigram(seed: 6), tokens, 12, 1), result.TotalNll, relative: Tolerance);
    }

    [Fact]
    public void A_smaller_window_gives_a_higher_perplexity_to_a_context_dependent_model()
    {
        // The induction model needs the previous occurrence of the current token (7 back) in view.
        var full = Metrics.SlidingWindowPerplexity(Repetitive, Vocab, Repetitive.Length, 1, Induction);
        var twelve = Metrics.SlidingWindowPerplexity(Repetitive, Vocab, 12, 1, Induction);
        var six = Metrics.SlidingWindowPerplexity(Repetitive, Vocab, 6, 1, Induction);
        Assert.True(full.Perplexity < twelve.Perplexity || Math.Abs(full.Perplexity - twelve.Perplexity) < 1e-9);
        Assert.True(twelve.Perplexity < six.Perplexity, $"window 12: {twelve.Perplexity}, window 6: {six.Perplexity}");
        // With 6 tokens of context the repeat is never in view: the model is uniform, perplexity V.
        Assertions.Close(Vocab, six.Perplexity, relative: 1e-6);
    }

    [Fact]
    public void Stride_equal_to_window_differs_from_stride_one_for_a_context_dependent_model()
    {
        // Disjoint chunks of 10 leave the first tokens of each chunk without the repeat in view.
        var disjoint = Metrics.SlidingWindowPerplexity(Repetitive, Vocab, window: 10, stride: 10, Induction);
        var sliding = Metrics.SlidingWindowPerplexity(Repetitive, Vocab, window: 10, stride: 1, Induction);
        Assert.True(disjoint.Perplexity > sliding.Perplexity * 1.01, $"stride 10: {disjoint.Perplexity}, stride 1: {sliding.Perplexity}");
        Assert.Equal(disjoint.Count, sliding.Count);
    }

    [Fact]
    public void Two_tokens_is_one_call_and_one_target()
    {
        foreach (var stride in new[] { 1, 2 })
        {
            var calls = new List<int[]>();
            var result = Metrics.SlidingWindowPerplexity([5, 2], Vocab, window: 2, stride, ids => { calls.Add(ids); return Bigram(seed: 7)(ids); });
            Assert.Equal([[5, 2]], calls);
            Assert.Equal(1L, result.Count);
            Assertions.Close(ReferenceTotal(Bigram(seed: 7), [5, 2], 2, 1), result.TotalNll, relative: Tolerance);
        }
    }

    [Fact]
    public void Each_call_gets_a_new_array_the_model_may_keep_or_change()
    {
        var tokens = RandomTokens(20, seed: 8);
        var kept = new List<int[]>();
        var bigram = Bigram(seed: 9);
        var result = Metrics.SlidingWindowPerplexity(tokens, Vocab, window: 5, stride: 2, ids =>
        {
            kept.Add(ids);
            var logits = bigram(ids);
            Array.Fill(ids, -1);
            return logits;
        });
        Assert.Equal(kept.Count, kept.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Equal(Metrics.SlidingWindowPerplexity(tokens, Vocab, 5, 2, bigram), result);
    }

    [Fact]
    public void Huge_logits_do_not_overflow()
    {
        // Two tied maxima at 3e38: every NLL is exactly ln 2 whatever the scale.
        float[] row = [3e38f, 3e38f, -3e38f, 0f];
        var result = Metrics.SlidingWindowPerplexity(new int[9], 4, window: 3, stride: 2, ids => Enumerable.Repeat(row, ids.Length).SelectMany(r => r).ToArray());
        Assertions.Close(8 * Math.Log(2), result.TotalNll, relative: 1e-7);
        Assertions.Close(2.0, result.Perplexity, relative: 1e-7);
    }

    [Fact]
    public void Bad_logits_give_nan_or_infinity_without_throwing()
    {
        int[] tokens = [0, 1, 0];
        float[] Constant(int[] ids, float[] row) => Enumerable.Repeat(row, ids.Length).SelectMany(r => r).ToArray();

        Assert.True(double.IsNaN(Metrics.SlidingWindowPerplexity(tokens, 2, 3, 1, ids => Constant(ids, [0f, float.NaN])).TotalNll));
        Assert.True(double.IsNaN(Metrics.SlidingWindowPerplexity(tokens, 2, 3, 1, ids => Constant(ids, [0f, float.PositiveInfinity])).TotalNll));
        Assert.True(double.IsNaN(Metrics.SlidingWindowPerplexity(tokens, 2, 3, 1, ids => Constant(ids, [float.NegativeInfinity, float.NegativeInfinity])).Perplexity));
        // The target's logit is −inf beside a finite one: probability 0, NLL +inf.
        var impossible = Metrics.SlidingWindowPerplexity(tokens, 2, 3, 1, ids => Constant(ids, [0f, float.NegativeInfinity]));
        Assert.Equal(double.PositiveInfinity, impossible.TotalNll);
        Assert.Equal(double.PositiveInfinity, impossible.Perplexity);
        // A −inf on a token that is never a target (token 2; the targets are 1 and 0) is harmless:
        // each NLL is ln 2.
        var harmless = Metrics.SlidingWindowPerplexity(tokens, 3, 3, 1, ids => Constant(ids, [0f, 0f, float.NegativeInfinity]));
        Assertions.Close(2 * Math.Log(2), harmless.TotalNll, relative: 1e-7);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Fewer_than_two_tokens_throws(int length)
    {
        var error = Assert.Throws<ArgumentException>(() => Metrics.SlidingWindowPerplexity(new int[length], Vocab, 4, 1, Bigram(1)));
        Assert.Equal("tokens", error.ParamName);
        Assert.Contains($"tokens.Length {length} is less than 2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_vocabulary_size_that_is_not_positive_throws(int vocabSize)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.SlidingWindowPerplexity([0, 0], vocabSize, 4, 1, Bigram(1)));
        Assert.Equal("vocabSize", error.ParamName);
        Assert.Contains($"vocabSize {vocabSize} must be positive", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_window_below_two_throws(int window)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.SlidingWindowPerplexity([0, 0], Vocab, window, 1, Bigram(1)));
        Assert.Equal("window", error.ParamName);
        Assert.Contains($"window {window} must be at least 2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(5)]
    public void A_stride_outside_one_to_window_throws(int stride)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.SlidingWindowPerplexity([0, 0], Vocab, 4, stride, Bigram(1)));
        Assert.Equal("stride", error.ParamName);
        Assert.Contains($"stride {stride} must be in [1, window 4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_model_throws()
    {
        var error = Assert.Throws<ArgumentNullException>(() => Metrics.SlidingWindowPerplexity([0, 0], Vocab, 4, 1, null!));
        Assert.Equal("windowLogits", error.ParamName);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(Vocab)]
    [InlineData(int.MinValue)]
    public void A_token_outside_the_vocabulary_throws_naming_index_and_id(int bad)
    {
        var called = false;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Metrics.SlidingWindowPerplexity([0, 1, 2, bad, 4], Vocab, 4, 1, ids => { called = true; return Bigram(1)(ids); }));
        Assert.Equal("tokens", error.ParamName);
        Assert.Contains($"tokens[3] is {bad}, outside [0, {Vocab})", error.Message, StringComparison.Ordinal);
        Assert.False(called, "tokens are checked before the model runs");
    }

    [Fact]
    public void A_model_returning_null_throws_invalid_operation()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Metrics.SlidingWindowPerplexity([0, 1, 2], Vocab, 4, 1, _ => null!));
        Assert.Contains("returned null for the window of 3 tokens starting at token 0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(8)]
    public void A_model_returning_the_wrong_number_of_logits_throws_naming_both_numbers(int returned)
    {
        // Window of 3 tokens × vocabulary 4 = 12 logits expected.
        var error = Assert.Throws<InvalidOperationException>(() => Metrics.SlidingWindowPerplexity([0, 1, 2, 3, 0], 4, 3, 2, _ => new float[returned]));
        Assert.Contains($"returned {returned} logits", error.Message, StringComparison.Ordinal);
        Assert.Contains("windowLength 3 × vocabSize 4 = 12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_window_of_logits_too_large_for_an_array_throws_before_calling_the_model()
    {
        var called = false;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Metrics.SlidingWindowPerplexity(new int[3000], 1 << 20, 1 << 20, 1, _ => { called = true; return []; }));
        Assert.Equal("window", error.ParamName);
        Assert.Contains("3000 tokens times vocabSize 1048576", error.Message, StringComparison.Ordinal);
        Assert.False(called);
    }

    /// <summary>Random token ids in [0, Vocab).</summary>
    private static int[] RandomTokens(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.Next(Vocab)).ToArray();
    }

    /// <summary>A bigram model: row t is row ids[t] of a fixed random Vocab × Vocab matrix.</summary>
    private static Func<int[], float[]> Bigram(int seed)
    {
        var matrix = Rows.Normal(Vocab * Vocab, scale: 2, seed: seed);
        return ids =>
        {
            var logits = new float[ids.Length * Vocab];
            for (var t = 0; t < ids.Length; t++)
            {
                matrix.AsSpan(ids[t] * Vocab, Vocab).CopyTo(logits.AsSpan(t * Vocab));
            }
            return logits;
        };
    }

    /// <summary>
    /// A causal "induction head": row t puts logit 4 on the token that followed the latest earlier
    /// occurrence of ids[t] in the window, and 0 elsewhere (uniform when there is none).
    /// </summary>
    private static float[] Induction(int[] ids)
    {
        var logits = new float[ids.Length * Vocab];
        for (var t = 0; t < ids.Length; t++)
        {
            for (var s = t - 1; s >= 0; s--)
            {
                if (ids[s] == ids[t])
                {
                    logits[(t * Vocab) + ids[s + 1]] = 4f;
                    break;
                }
            }
        }
        return logits;
    }

    /// <summary>Where the strided scheme starts the context of target j: the first k · stride with k · stride + window ≥ j.</summary>
    private static int ContextStart(int target, int window, int stride) =>
        target <= window ? 0 : (target - window + stride - 1) / stride * stride;

    /// <summary>−log p(tokens[target] | tokens[from .. target)) from the model's last row, in double.</summary>
    private static double ReferenceNll(Func<int[], float[]> model, int[] tokens, int from, int target)
    {
        var context = tokens[from..target];
        var logits = model(context);
        var row = logits.AsSpan((context.Length - 1) * Vocab, Vocab);
        return Reference.LogSumExp(row) - row[tokens[target]];
    }

    private static double ReferenceTotal(Func<int[], float[]> model, int[] tokens, int window, int stride) =>
        Enumerable.Range(1, tokens.Length - 1).Sum(j => ReferenceNll(model, tokens, ContextStart(j, window, stride), j));

    /// <summary>log p of every token after the first with the whole sequence as context.</summary>
    private static float[] FullContextLogProbabilities(Func<int[], float[]> model, int[] tokens) =>
        Enumerable.Range(1, tokens.Length - 1).Select(j => (float)-ReferenceNll(model, tokens, 0, j)).ToArray();
}
