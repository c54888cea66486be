using System;
using System.Collections.Generic;
using System.Linq;

namespace LmProb.Tests;

/// <summary>
/// <see cref="BeamSearch.Search"/> on small hand-built models whose answers are worked out in the
/// comments (or by exhaustive enumeration in the test).
/// </summary>
public class BeamSearchTests
{
    private const int End = 0;

    /// <summary>The model's log-probabilities as the search sees them: natural logs rounded to float.</summary>
    private static float[] Log(params double[] probabilities) =>
        probabilities.Select(p => p == 0 ? float.NegativeInfinity : (float)Math.Log(p)).ToArray();

    /// <summary>The log-probability of a sequence: the model's float log-probabilities added in double.</summary>
    private static double SequenceLogProbability(Func<IReadOnlyList<int>, float[]> model, IReadOnlyList<int> tokens)
    {
        var sum = 0.0;
        for (var t = 0; t < tokens.Count; t++)
        {
            sum += model(tokens.Take(t).ToArray())[tokens[t]];
        }
        return sum;
    }

    private static double Gnmt(double logProbability, int length, double alpha) => logProbability / Math.Pow((5.0 + length) / 6.0, alpha);

    /// <summary>
    /// Tokens: 0 = end, 1 = A, 2 = B, 3 = C. First A .5, B .4, C .1; after A everything is flat
    /// (A, B, C .3, end .1); after B the end is likely (.9); after C the end is certain.
    /// </summary>
    private static float[] GreedyTrap(IReadOnlyList<int> prefix)
    {
        Assert.False(prefix.Count > 0 && prefix[^1] == End, "a finished hypothesis must not be expanded");
        if (prefix.Count == 0)
        {
            return Log(0, .5, .4, .1);
        }
        return prefix[^1] switch
        {
            1 => Log(.1, .3, .3, .3),
            2 => Log(.9, .1 / 3, .1 / 3, .1 / 3),
            _ => Log(1, 0, 0, 0),
        };
    }

    [Fact]
    public void Beam_search_finds_what_greedy_search_misses()
    {
        // Greedy: A (.5), then A (.3, the lowest id of a three-way tie), then A again: A A A, .045,
        // unfinished after 3 steps. Width 2 keeps B (.4), whose B end (.36) beats everything else.
        var greedy = BeamSearch.Search(GreedyTrap, beamWidth: 1, maxSteps: 3, endToken: End);
        Assert.Single(greedy);
        Assert.Equal([1, 1, 1], greedy[0].Tokens);

        var beam = BeamSearch.Search(GreedyTrap, beamWidth: 2, maxSteps: 3, endToken: End);
        Assert.Equal(2, beam.Count);
        Assert.Equal([2, End], beam[0].Tokens);
        Assert.Equal(SequenceLogProbability(GreedyTrap, [2, End]), beam[0].LogProbability);
        Assert.Equal(beam[0].LogProbability, beam[0].Score);
        Assert.Equal(Math.Log(.36), beam[0].LogProbability, 1e-6);
        // Second: A A A (.045) ahead of A A B (.045, same value, later candidate).
        Assert.Equal([1, 1, 1], beam[1].Tokens);
    }

    /// <summary>
    /// Tokens: 0 = end, 1 = A. Ending at once has log-probability −1; the long way A A A end has
    /// −1.4 (transitions .73 · .73 · .73 after a first A of 1 − e^−1).
    /// </summary>
    private static float[] ShortOrLong(IReadOnlyList<int> prefix) => prefix.Count switch
    {
        0 => Log(Math.Exp(-1), 1 - Math.Exp(-1)),
        1 or 2 => Log(.27, .73),
        _ => Log(.73, .27),
    };

    [Fact]
    public void The_length_penalty_changes_the_winner()
    {
        // α = 0: end (−1) beats A A A end (about −1.4).
        var plain = BeamSearch.Search(ShortOrLong, beamWidth: 2, maxSteps: 4, endToken: End);
        Assert.Equal([End], plain[0].Tokens);
        Assert.Equal([1, 1, 1, End], plain[1].Tokens);

        // α = 1: −1 / 1 = −1 loses to about −1.4 / 1.5 = −0.93.
        var penalized = BeamSearch.Search(ShortOrLong, beamWidth: 2, maxSteps: 4, endToken: End, lengthPenalty: 1);
        Assert.Equal([1, 1, 1, End], penalized[0].Tokens);
        Assert.Equal([End], penalized[1].Tokens);
        foreach (var hypothesis in penalized)
        {
            Assert.Equal(SequenceLogProbability(ShortOrLong, hypothesis.Tokens), hypothesis.LogProbability);
            Assert.Equal(Gnmt(hypothesis.LogProbability, hypothesis.Tokens.Count, 1), hypothesis.Score);
        }
        Assert.True(penalized[0].Score > penalized[1].Score);
    }

    [Fact]
    public void Finished_hypotheses_are_carried_forward_unchanged_and_never_expanded()
    {
        var prefixes = new List<int[]>();
        float[] Model(IReadOnlyList<int> prefix)
        {
            prefixes.Add(prefix.ToArray());
            return ShortOrLong(prefix);
        }

        var result = BeamSearch.Search(Model, beamWidth: 2, maxSteps: 4, endToken: End);

        // "end" finished at step 1 and is still there after 4 steps, with its step-1 numbers.
        var finished = result.Single(h => h.Tokens.Count == 1);
        Assert.Equal([End], finished.Tokens);
        Assert.Equal((double)(float)Math.Log(Math.Exp(-1)), finished.LogProbability);
        Assert.DoesNotContain(prefixes, p => p.Length > 0 && p[^1] == End);
        // One call per unfinished hypothesis per step: [], [A], [A A], [A A A].
        Assert.Equal(4, prefixes.Count);
    }

    [Fact]
    public void Search_stops_when_every_hypothesis_is_finished()
    {
        var calls = 0;
        float[] Model(IReadOnlyList<int> prefix)
        {
            calls++;
            return prefix.Count == 0 ? Log(.1, .9) : Log(1, 0);
        }
        var result = BeamSearch.Search(Model, beamWidth: 3, maxSteps: 100, endToken: End);
        Assert.Equal([[1, End], [End]], result.Select(h => h.Tokens.ToArray()));
        Assert.Equal(2, calls);
    }

    /// <summary>A three-token model (0 = end) whose probabilities depend on the whole prefix.</summary>
    private static float[] Scrambled(IReadOnlyList<int> prefix)
    {
        var hash = prefix.Aggregate(17, (h, t) => h * 31 + t + 1);
        var random = new Random(hash);
        var weights = Enumerable.Range(0, 3).Select(_ => 0.05 + random.NextDouble()).ToArray();
        return Log(weights.Select(w => w / weights.Sum()).ToArray());
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.6f)]
    [InlineData(1.5f)]
    public void A_beam_wide_enough_to_keep_everything_returns_every_sequence_ranked(float alpha)
    {
        // 3 steps over {end, 1, 2}: [end]; [x end] (2); [x y end] (4); unfinished [x y z] (8): 15.
        var result = BeamSearch.Search(Scrambled, beamWidth: 20, maxSteps: 3, endToken: End, lengthPenalty: alpha);

        var all = new List<int[]>();
        void Enumerate(int[] prefix)
        {
            if (prefix.Length > 0 && prefix[^1] == End || prefix.Length == 3)
            {
                all.Add(prefix);
                return;
            }
            for (var token = 0; token < 3; token++)
            {
                Enumerate([.. prefix, token]);
            }
        }
        Enumerate([]);
        var expected = all
            .Select(tokens => (tokens, logP: SequenceLogProbability(Scrambled, tokens)))
            .Select(x => (x.tokens, x.logP, score: (double)alpha == 0 ? x.logP : Gnmt(x.logP, x.tokens.Length, alpha)))
            .OrderByDescending(x => x.score)
            .ToList();

        Assert.Equal(15, result.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].tokens, result[i].Tokens);
            Assert.Equal(expected[i].logP, result[i].LogProbability);
            Assert.Equal(expected[i].score, result[i].Score);
        }
    }

    [Fact]
    public void Width_1_is_greedy_decoding()
    {
        var greedy = new List<int>();
        while (greedy.Count < 6 && (greedy.Count == 0 || greedy[^1] != End))
        {
            greedy.Add(Decoding.Greedy(Scrambled(greedy)));
        }
        var result = BeamSearch.Search(Scrambled, beamWidth: 1, maxSteps: 6, endToken: End);
        Assert.Equal(greedy, Assert.Single(result).Tokens);
    }

    [Fact]
    public void Zero_steps_return_the_empty_hypothesis()
    {
        var result = BeamSearch.Search(_ => throw new InvalidOperationException("not called"), beamWidth: 3, maxSteps: 0, endToken: End, lengthPenalty: 0.6f);
        var only = Assert.Single(result);
        Assert.Empty(only.Tokens);
        Assert.Equal(0, only.LogProbability);
        Assert.Equal(0, only.Score);
    }

    [Fact]
    public void Ties_are_broken_deterministically_by_beam_order_then_token_id()
    {
        static float[] Uniform(IReadOnlyList<int> prefix) => Log(1 / 3.0, 1 / 3.0, 1 / 3.0);
        // Step 1: [end], [1] (ids 0, 1 of a three-way tie). Step 2: [end] carried (−1.1), then
        // [1 end] and [1 1] tie at −2.2: [1 end] comes first.
        var first = BeamSearch.Search(Uniform, beamWidth: 2, maxSteps: 2, endToken: End);
        Assert.Equal([[End], [1, End]], first.Select(h => h.Tokens.ToArray()));
        for (var i = 0; i < 5; i++)
        {
            var again = BeamSearch.Search(Uniform, beamWidth: 2, maxSteps: 2, endToken: End);
            Assert.Equal(first.Select(h => h.Tokens.ToArray()), again.Select(h => h.Tokens.ToArray()));
        }
    }

    [Fact]
    public void Impossible_and_NaN_continuations_are_never_taken()
    {
        // Token 2 is impossible, token 3 is NaN; a beam of 5 still uses only tokens 0 and 1.
        static float[] Model(IReadOnlyList<int> prefix) => [(float)Math.Log(.4), (float)Math.Log(.6), float.NegativeInfinity, float.NaN];
        var result = BeamSearch.Search(Model, beamWidth: 5, maxSteps: 3, endToken: End);
        Assert.All(result, h => Assert.All(h.Tokens, t => Assert.InRange(t, 0, 1)));
        Assert.All(result, h => Assert.True(double.IsFinite(h.LogProbability)));
    }

    [Fact]
    public void A_hypothesis_without_possible_continuations_is_dropped()
    {
        // After [1] every continuation is impossible, so only [end] survives.
        static float[] Model(IReadOnlyList<int> prefix) => prefix.Count == 0 ? Log(.3, .7) : Log(0, 0);
        var result = BeamSearch.Search(Model, beamWidth: 2, maxSteps: 3, endToken: End);
        Assert.Equal([End], Assert.Single(result).Tokens);

        // With nothing finished, nothing is left.
        static float[] Dead(IReadOnlyList<int> prefix) => prefix.Count == 0 ? Log(0, 1) : Log(0, 0);
        Assert.Empty(BeamSearch.Search(Dead, beamWidth: 2, maxSteps: 3, endToken: End));
    }

    [Fact]
    public void The_prefix_passed_to_the_model_is_read_only_and_stays_valid()
    {
        var seen = new List<IReadOnlyList<int>>();
        float[] Model(IReadOnlyList<int> prefix)
        {
            seen.Add(prefix);
            Assert.Throws<NotSupportedException>(() => ((IList<int>)prefix).Add(7));
            return Log(.2, .8);
        }
        BeamSearch.Search(Model, beamWidth: 1, maxSteps: 3, endToken: End);
        Assert.Equal([[], [1], [1, 1]], seen.Select(p => p.ToArray()));
    }

    [Fact]
    public void Result_tokens_are_read_only()
    {
        var result = BeamSearch.Search(GreedyTrap, beamWidth: 2, maxSteps: 3, endToken: End);
        Assert.Throws<NotSupportedException>(() => ((IList<int>)result[0].Tokens)[0] = 3);
    }

    // ---- Argument errors ----

    [Fact]
    public void Null_model_throws()
    {
        var error = Assert.Throws<ArgumentNullException>(() => BeamSearch.Search(null!, 2, 3, End));
        Assert.Equal("nextLogProbabilities", error.ParamName);
    }

    [Theory]
    [InlineData(0, 3, 0, "beamWidth", "beamWidth 0 must be at least 1.")]
    [InlineData(-2, 3, 0, "beamWidth", "beamWidth -2 must be at least 1.")]
    [InlineData(2, -1, 0, "maxSteps", "maxSteps -1 must be at least 0.")]
    [InlineData(2, 3, -1, "endToken", "endToken -1 must be at least 0.")]
    public void Out_of_range_numbers_throw_naming_the_parameter_and_value(int beamWidth, int maxSteps, int endToken, string name, string message)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BeamSearch.Search(GreedyTrap, beamWidth, maxSteps, endToken));
        Assert.Equal(name, error.ParamName);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void A_length_penalty_that_is_not_finite_throws(float lengthPenalty, string text)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BeamSearch.Search(GreedyTrap, 2, 3, End, lengthPenalty));
        Assert.Equal("lengthPenalty", error.ParamName);
        Assert.Contains($"lengthPenalty {text} must be finite.", error.Message);
    }

    [Fact]
    public void An_end_token_outside_the_vocabulary_throws_naming_both_numbers()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BeamSearch.Search(GreedyTrap, 2, 3, endToken: 4));
        Assert.Equal("endToken", error.ParamName);
        Assert.Contains("endToken 4 is outside [0, 4) of the 4 log-probabilities nextLogProbabilities returned.", error.Message);

        error = Assert.Throws<ArgumentOutOfRangeException>(() => BeamSearch.Search(_ => [], 2, 3, endToken: 0));
        Assert.Contains("endToken 0 is outside [0, 0)", error.Message);
    }

    [Fact]
    public void A_model_that_returns_null_throws()
    {
        var error = Assert.Throws<ArgumentException>(() => BeamSearch.Search(_ => null!, 2, 3, End));
        Assert.Equal("nextLogProbabilities", error.ParamName);
        Assert.Contains("nextLogProbabilities returned null for the prefix [].", error.Message);

        error = Assert.Throws<ArgumentException>(() => BeamSearch.Search(p => p.Count == 2 ? null! : Log(.1, .9), 2, 3, End));
        Assert.Contains("returned null for the prefix [1, 1].", error.Message);
    }

    [Fact]
    public void A_model_that_changes_its_vocabulary_size_throws_naming_both_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => BeamSearch.Search(p => p.Count == 0 ? Log(.1, .2, .3, .4) : Log(.5, .5, 0), 2, 3, End));
        Assert.Equal("nextLogProbabilities", error.ParamName);
        Assert.Contains("nextLogProbabilities returned 3 log-probabilities for the prefix [3], but 4 for the empty prefix", error.Message);
    }
}
