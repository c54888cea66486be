using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LmProb.Kernels;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

/// <summary>
/// <see cref="Sampler"/>: exact agreement with an independent implementation of the documented
/// algorithm (<see cref="ReferenceSampler"/>), empirical frequencies against double-precision
/// softmax probabilities, reproducibility, edge rows, allocation and argument checks.
/// </summary>
public class SamplerTests
{
    private static readonly float[] SmallRow = [2.0f, 1.0f, 0.5f, -1.0f, 0.0f, 1.5f, -3.0f, 0.75f];

    // ---- Reproducibility ----

    [Fact]
    public void Same_seed_gives_the_same_1000_token_sequence()
    {
        var rows = VaryingRows(1000, vocabulary: 300);
        var first = Draw(new Sampler(new SamplerOptions { Seed = 123 }), rows);
        var second = Draw(new Sampler(new SamplerOptions { Seed = 123 }), rows);
        Assert.Equal(first, second);
        Assert.True(first.Distinct().Count() > 50, "the sequence should not be degenerate");
    }

    [Fact]
    public void Different_seeds_give_different_sequences()
    {
        var rows = VaryingRows(200, vocabulary: 300);
        var a = Draw(new Sampler(new SamplerOptions { Seed = 1 }), rows);
        var b = Draw(new Sampler(new SamplerOptions { Seed = 2 }), rows);
        Assert.True(a.Zip(b).Count(pair => pair.First != pair.Second) > 100);
    }

    [Fact]
    public void A_null_seed_samples_from_a_random_seed()
    {
        var rows = VaryingRows(200, vocabulary: 300);
        var a = Draw(new Sampler(new SamplerOptions()), rows);
        var b = Draw(new Sampler(new SamplerOptions()), rows);
        Assert.All(a, token => Assert.InRange(token, 0, 299));
        Assert.NotEqual(a, b);
    }

    public static TheoryData<string, SamplerOptions> OptionSets => new()
    {
        { "defaults", new SamplerOptions { Seed = 11 } },
        { "temperature 0.7", new SamplerOptions { Temperature = 0.7f, Seed = 12 } },
        { "temperature 1.6", new SamplerOptions { Temperature = 1.6f, Seed = 13 } },
        { "top-k 40", new SamplerOptions { TopK = 40, Seed = 14 } },
        { "top-p 0.9", new SamplerOptions { TopP = 0.9f, Seed = 15 } },
        { "min-p 0.05", new SamplerOptions { MinP = 0.05f, Seed = 16 } },
        { "top-k 50, top-p 0.95", new SamplerOptions { TopK = 50, TopP = 0.95f, Seed = 17 } },
        { "all four", new SamplerOptions { Temperature = 0.8f, TopK = 60, TopP = 0.9f, MinP = 0.02f, Seed = 18 } },
        { "top-p and min-p", new SamplerOptions { Temperature = 1.2f, TopP = 0.8f, MinP = 0.1f, Seed = 19 } },
    };

    /// <summary>
    /// The determinism test: the sampler and an independent implementation of the documented
    /// algorithm (same PRNG stream, double sums, its own sort) must produce the same 1000 tokens.
    /// Run on every SIMD path (DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0, DOTNET_EnableHWIntrinsic=0)
    /// it also shows that every path gives the same tokens.
    /// </summary>
    [Theory]
    [MemberData(nameof(OptionSets))]
    public void Matches_an_independent_implementation_token_for_token(string name, SamplerOptions options)
    {
        var rows = VaryingRows(1000, vocabulary: 257);
        var expected = new ReferenceSampler(options).Draw(rows);
        var actual = Draw(new Sampler(options), rows);
        var firstDifference = Enumerable.Range(0, rows.Count).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.True(firstDifference < 0, $"{name}: first difference at draw {firstDifference}: expected {(firstDifference < 0 ? 0 : expected[firstDifference])}, got {(firstDifference < 0 ? 0 : actual[firstDifference])}");
    }

    [Fact]
    public void Matches_the_independent_implementation_on_a_32000_long_row_with_top_p()
    {
        // Top-p over a large flat-ish row needs the growing top-k (64, 512, 4096, ...).
        var rows = Enumerable.Range(0, 30).Select(i => Rows.Normal(32000, scale: 0.5, seed: 1000 + i)).ToList();
        foreach (var options in new[] { new SamplerOptions { TopP = 0.9f, Seed = 5 }, new SamplerOptions { TopP = 0.3f, Temperature = 0.5f, Seed = 6 } })
        {
            Assert.Equal(new ReferenceSampler(options).Draw(rows), Draw(new Sampler(options), rows));
        }
    }

    [Fact]
    public void Sampler_weights_are_the_scalar_exp_formula_bit_for_bit_on_this_SIMD_path()
    {
        // The sampler's reproducibility rests on the row kernels giving the scalar formula's bits at
        // every vector width (and in the tails). Every length up to 200 covers every tail; some rows
        // span more than the float range, where x − max overflows.
        foreach (var temperature in new[] { 1f, 0.7f, 1.9f, 1e38f })
        {
            for (var length = 1; length <= 200; length++)
            {
                var x = DecodingReference.UglyRow(length, seed: length).Select(v => float.IsFinite(v) ? v : -5f).ToArray();
                x[length / 2] = float.NegativeInfinity;
                if (length % 3 == 0)
                {
                    x[0] = -3e38f;
                    x[length - 1] = 3e38f;
                }
                var max = x.Max();
                var weights = new float[length];
                RowLoops.Map(x, weights, new TemperedExp(max, temperature));
                for (var i = 0; i < length; i++)
                {
                    var expected = ExpKernel.Exp(ReferenceSampler.Tempered(x[i], max, temperature));
                    Assert.True(
                        BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(weights[i]),
                        $"T {temperature}, length {length}, [{i}] = {x[i]}: scalar {expected:R}, vector {weights[i]:R}");
                }
            }
        }
        Assert.Equal(1f, ExpKernel.Exp(0f));
        Assert.Equal(0f, ExpKernel.Exp(float.NegativeInfinity));
    }

    // ---- Distribution ----

    [Fact]
    public void Frequencies_over_200000_draws_match_the_softmax_probabilities()
    {
        const int Draws = 200_000;
        var sampler = new Sampler(new SamplerOptions { Seed = 2024 });
        var counts = new int[SmallRow.Length];
        for (var i = 0; i < Draws; i++)
        {
            counts[sampler.Next(SmallRow)]++;
        }
        AssertFrequencies(Reference.Softmax(SmallRow), counts, Draws);
    }

    public static TheoryData<string, SamplerOptions, double[]> FilteredDistributions()
    {
        // Expected distributions written out from the definitions, in double.
        var tempered = Reference.Softmax(SmallRow, temperature: 0.5);
        var plain = Reference.Softmax(SmallRow);
        // Logit order: 0 (2.0), 5 (1.5), 1 (1.0), 7 (0.75), 2 (0.5), 4 (0.0), 3 (-1.0), 6 (-3.0).
        int[] order = [0, 5, 1, 7, 2, 4, 3, 6];
        return new TheoryData<string, SamplerOptions, double[]>
        {
            { "temperature 0.5", new SamplerOptions { Temperature = 0.5f, Seed = 1 }, tempered },
            { "temperature 3", new SamplerOptions { Temperature = 3f, Seed = 2 }, Reference.Softmax(SmallRow, temperature: 3) },
            { "top-k 3", new SamplerOptions { TopK = 3, Seed = 3 }, Keep(plain, order.Take(3)) },
            { "top-p 0.8", new SamplerOptions { TopP = 0.8f, Seed = 4 }, Keep(plain, Nucleus(plain, order, 0.8)) },
            { "min-p 0.3", new SamplerOptions { MinP = 0.3f, Seed = 5 }, Keep(plain, order.Where(i => plain[i] >= 0.3 * plain[0])) },
            { "temperature 0.5, top-k 4, top-p 0.9", new SamplerOptions { Temperature = 0.5f, TopK = 4, TopP = 0.9f, Seed = 6 }, Keep(tempered, Nucleus(Keep(tempered, order.Take(4)), order, 0.9)) },
        };

        static double[] Keep(double[] p, IEnumerable<int> kept)
        {
            var set = kept.ToHashSet();
            var mass = set.Sum(i => p[i]);
            return p.Select((v, i) => set.Contains(i) ? v / mass : 0).ToArray();
        }

        static IEnumerable<int> Nucleus(double[] p, int[] order, double mass)
        {
            var running = 0.0;
            foreach (var i in order)
            {
                yield return i;
                running += p[i];
                if (running >= mass)
                {
                    yield break;
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FilteredDistributions))]
    public void Frequencies_with_temperature_and_filters_match_the_filtered_softmax(string name, SamplerOptions options, double[] expected)
    {
        const int Draws = 100_000;
        var sampler = new Sampler(options);
        var counts = new int[SmallRow.Length];
        for (var i = 0; i < Draws; i++)
        {
            counts[sampler.Next(SmallRow)]++;
        }
        AssertFrequencies(expected, counts, Draws, name);
    }

    // ---- Greedy cases and bad rows ----

    [Fact]
    public void Temperature_0_is_greedy_and_uses_no_randomness()
    {
        var rows = VaryingRows(300, vocabulary: 100, ties: true);
        var sampler = new Sampler(new SamplerOptions { Temperature = 0, TopK = 5, TopP = 0.5f, Seed = 3 });
        Assert.Equal(rows.Select(row => Decoding.Greedy(row)), Draw(sampler, rows));
    }

    [Fact]
    public void Top_k_1_is_greedy()
    {
        var rows = VaryingRows(300, vocabulary: 100, ties: true);
        foreach (var temperature in new[] { 0.5f, 1f, 2f })
        {
            var sampler = new Sampler(new SamplerOptions { Temperature = temperature, TopK = 1, Seed = 4 });
            Assert.Equal(rows.Select(row => Decoding.Greedy(row)), Draw(sampler, rows));
        }
    }

    [Fact]
    public void MinP_1_and_a_tiny_TopP_are_greedy_too()
    {
        var rows = VaryingRows(200, vocabulary: 100);
        Assert.Equal(rows.Select(row => Decoding.Greedy(row)), Draw(new Sampler(new SamplerOptions { MinP = 1, Seed = 1 }), rows));
        Assert.Equal(rows.Select(row => Decoding.Greedy(row)), Draw(new Sampler(new SamplerOptions { TopP = 1e-6f, Seed = 1 }), rows));
    }

    [Fact]
    public void Filters_that_keep_everything_are_off()
    {
        var rows = VaryingRows(300, vocabulary: 64);
        var plain = Draw(new Sampler(new SamplerOptions { Seed = 77 }), rows);
        Assert.Equal(plain, Draw(new Sampler(new SamplerOptions { TopK = 64, Seed = 77 }), rows));
        Assert.Equal(plain, Draw(new Sampler(new SamplerOptions { TopK = 1000, TopP = 1, MinP = 0, Seed = 77 }), rows));
    }

    [Fact]
    public void Bad_rows_return_Greedys_choice_and_use_no_randomness()
    {
        foreach (var options in new[] { new SamplerOptions { Seed = 9 }, new SamplerOptions { TopK = 2, TopP = 0.5f, MinP = 0.1f, Seed = 9 } })
        {
            var sampler = new Sampler(options);
            Assert.Equal(2, sampler.Next([1f, float.NaN, 3f, 2f]));
            Assert.Equal(1, sampler.Next([1f, float.PositiveInfinity, 3f, float.PositiveInfinity]));
            Assert.Equal(0, sampler.Next([float.NegativeInfinity, float.NegativeInfinity]));
            Assert.Equal(-1, sampler.Next([float.NaN, float.NaN]));
            Assert.Equal(-1, sampler.Next(ReadOnlySpan<float>.Empty));
            Assert.Equal(-1, sampler.Next(ReadOnlySpan<Half>.Empty));
            Assert.Equal(-1, sampler.Next(ReadOnlySpan<BFloat16>.Empty));

            // No random number was consumed: the next good rows sample as from a fresh sampler.
            var rows = VaryingRows(50, vocabulary: 30);
            Assert.Equal(Draw(new Sampler(options), rows), Draw(sampler, rows));
        }
    }

    [Fact]
    public void Minus_infinity_logits_are_never_drawn()
    {
        float[] row = [0, float.NegativeInfinity, 0, float.NegativeInfinity, -100, float.NegativeInfinity];
        foreach (var options in new[] { new SamplerOptions { Seed = 1 }, new SamplerOptions { TopK = 5, Seed = 2 }, new SamplerOptions { TopP = 0.999f, Seed = 3 }, new SamplerOptions { Temperature = 50, Seed = 4 } })
        {
            var sampler = new Sampler(options);
            for (var i = 0; i < 5000; i++)
            {
                Assert.Contains(sampler.Next(row), new[] { 0, 2, 4 });
            }
        }
    }

    [Fact]
    public void A_row_of_one_token_always_gives_that_token()
    {
        var sampler = new Sampler(new SamplerOptions { TopP = 0.5f, MinP = 0.5f, Seed = 1 });
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(0, sampler.Next([42f]));
        }
    }

    [Fact]
    public void Huge_logits_do_not_overflow()
    {
        var sampler = new Sampler(new SamplerOptions { Temperature = 0.01f, Seed = 1 });
        Assert.Equal(1, sampler.Next([-3e38f, 3e38f, 1e38f]));

        // T = 1e38 turns [-3e38, 3e38, 1e38] into softmax([-3, 3, 1]), though x − max overflows.
        const int Draws = 40_000;
        sampler = new Sampler(new SamplerOptions { Temperature = 1e38f, Seed = 1 });
        var counts = new int[3];
        for (var i = 0; i < Draws; i++)
        {
            counts[sampler.Next([-3e38f, 3e38f, 1e38f])]++;
        }
        AssertFrequencies(Reference.Softmax([-3f, 3f, 1f]), counts, Draws, "T = 1e38");
    }

    // ---- 16-bit rows ----

    [Fact]
    public void Half_and_BFloat16_rows_sample_like_their_float_values()
    {
        var rows = VaryingRows(500, vocabulary: 100);
        var options = new SamplerOptions { Temperature = 0.9f, TopK = 30, TopP = 0.9f, Seed = 8 };

        var halfRows = rows.Select(Rows.ToHalf).ToList();
        var halfSampler = new Sampler(options);
        var halfTokens = halfRows.Select(row => halfSampler.Next(row)).ToList();
        Assert.Equal(Draw(new Sampler(options), halfRows.Select(Rows.ToSingle).ToList()), halfTokens);

        var bf16Rows = rows.Select(Rows.ToBFloat16).ToList();
        var bf16Sampler = new Sampler(options);
        var bf16Tokens = bf16Rows.Select(row => bf16Sampler.Next(row)).ToList();
        Assert.Equal(Draw(new Sampler(options), bf16Rows.Select(Rows.ToSingle).ToList()), bf16Tokens);
    }

    [Fact]
    public void Half_and_BFloat16_bad_rows_return_Greedys_choice()
    {
        var sampler = new Sampler(new SamplerOptions { Seed = 1 });
        Assert.Equal(2, sampler.Next(Rows.ToHalf([1f, float.NaN, 3f])));
        Assert.Equal(1, sampler.Next(Rows.ToBFloat16([1f, float.PositiveInfinity])));
        Assert.Equal(-1, sampler.Next(Rows.ToHalf([float.NaN])));
    }

    // ---- Allocation ----

    [Fact]
    public void Next_does_not_allocate_in_steady_state()
    {
        var row = Rows.Normal(5000, seed: 3);
        var half = Rows.ToHalf(row);
        var bf16 = Rows.ToBFloat16(row);
        foreach (var options in new[]
        {
            new SamplerOptions { Seed = 1 },
            new SamplerOptions { Temperature = 0.7f, TopK = 40, TopP = 0.9f, MinP = 0.05f, Seed = 2 },
            new SamplerOptions { TopP = 0.95f, Seed = 3 },
            new SamplerOptions { MinP = 0.1f, Seed = 4 },
        })
        {
            var sampler = new Sampler(options);
            for (var i = 0; i < 10; i++)
            {
                sampler.Next(row);
                sampler.Next(half);
                sampler.Next(bf16);
            }
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                sampler.Next(row);
                sampler.Next(half);
                sampler.Next(bf16);
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    // ---- Options ----

    [Fact]
    public void Options_have_the_documented_defaults()
    {
        var options = new SamplerOptions();
        Assert.Equal(1f, options.Temperature);
        Assert.Equal(0, options.TopK);
        Assert.Equal(1f, options.TopP);
        Assert.Equal(0f, options.MinP);
        Assert.Null(options.Seed);
        Assert.Equal(options with { Seed = 5 }, new SamplerOptions { Seed = 5 });
        Assert.Same(options, new Sampler(options).Options);
    }

    public static TheoryData<SamplerOptions, string, string> InvalidOptions => new()
    {
        { new SamplerOptions { Temperature = -1 }, "Temperature", "-1" },
        { new SamplerOptions { Temperature = -0.5f }, "Temperature", "-0.5" },
        { new SamplerOptions { Temperature = float.NaN }, "Temperature", "NaN" },
        { new SamplerOptions { Temperature = float.PositiveInfinity }, "Temperature", "Infinity" },
        { new SamplerOptions { TopK = -1 }, "TopK", "-1" },
        { new SamplerOptions { TopK = int.MinValue }, "TopK", "-2147483648" },
        { new SamplerOptions { TopP = 0 }, "TopP", "0" },
        { new SamplerOptions { TopP = -0.1f }, "TopP", "-0.1" },
        { new SamplerOptions { TopP = 1.5f }, "TopP", "1.5" },
        { new SamplerOptions { TopP = float.NaN }, "TopP", "NaN" },
        { new SamplerOptions { MinP = -0.25f }, "MinP", "-0.25" },
        { new SamplerOptions { MinP = 1.25f }, "MinP", "1.25" },
        { new SamplerOptions { MinP = float.NaN }, "MinP", "NaN" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_throw_naming_the_property_and_the_value(SamplerOptions options, string property, string value)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(options));
        Assert.Equal("options", error.ParamName);
        Assert.Contains($"options.{property} {value} ", error.Message);
    }

    [Fact]
    public void Null_options_throw()
    {
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new Sampler(null!)).ParamName);
    }

    // ---- Helpers ----

    private static List<int> Draw(Sampler sampler, IReadOnlyList<float[]> rows) => rows.Select(row => sampler.Next(row)).ToList();

    /// <summary>A different row per draw (as in generation), some with −inf entries, optionally with ties.</summary>
    private static List<float[]> VaryingRows(int count, int vocabulary, bool ties = false)
    {
        var rows = new List<float[]>(count);
        for (var t = 0; t < count; t++)
        {
            var row = Rows.Normal(vocabulary, scale: 2, seed: 5000 + t);
            if (ties)
            {
                row = row.Select(v => MathF.Round(v)).ToArray();
            }
            if (t % 3 == 0)
            {
                row[t % vocabulary] = float.NegativeInfinity;
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// Max absolute deviation within 5 standard deviations of a frequency (√(p(1−p)/n)), and Pearson's
    /// chi-square below its 1e-6 upper quantile (Wilson–Hilferty) for the categories with p &gt; 0.
    /// A category with p = 0 must never be drawn. The seeds are fixed, so the outcome is too.
    /// </summary>
    private static void AssertFrequencies(double[] expected, int[] counts, int draws, string? what = null)
    {
        var chiSquare = 0.0;
        var categories = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var frequency = (double)counts[i] / draws;
            if (expected[i] == 0)
            {
                Assert.True(counts[i] == 0, $"{what}: token {i} has probability 0 but was drawn {counts[i]} times");
                continue;
            }
            var sigma = Math.Sqrt(expected[i] * (1 - expected[i]) / draws);
            Assert.True(
                Math.Abs(frequency - expected[i]) <= 5 * sigma + 1e-12,
                $"{what}: token {i}: frequency {frequency:F5}, probability {expected[i]:F5}, 5σ = {5 * sigma:F5}");
            var e = expected[i] * draws;
            chiSquare += (counts[i] - e) * (counts[i] - e) / e;
            categories++;
        }
        var df = categories - 1;
        if (df > 0)
        {
            const double Z = 4.753; // one-sided 1e-6 normal quantile
            var quantile = df * Math.Pow(1 - 2.0 / (9 * df) + Z * Math.Sqrt(2.0 / (9 * df)), 3);
            Assert.True(chiSquare < quantile, $"{what}: chi-square {chiSquare:F2} with {df} degrees of freedom exceeds {quantile:F2}");
        }
    }

    /// <summary>
    /// The sampling algorithm as documented on <see cref="Sampler"/>, written independently: its own
    /// xoshiro256**, a LINQ sort for the order, plain double running sums. It shares only the scalar
    /// exp formula with the library (the weights must be the same floats to compare token for token).
    /// </summary>
    internal sealed class ReferenceSampler(SamplerOptions options)
    {
        private readonly ulong[] _state = SeedState(options.Seed!.Value);

        public List<int> Draw(IReadOnlyList<float[]> rows) => rows.Select(Next).ToList();

        private int Next(float[] x)
        {
            if (options.Temperature == 0 || x.Any(v => float.IsNaN(v) || float.IsPositiveInfinity(v)) || x.All(float.IsNegativeInfinity))
            {
                return DecodingReference.ArgMax(x);
            }
            var max = x.Max();
            var w = x.Select(v => ExpKernel.Exp(Tempered(v, max, options.Temperature))).ToArray();
            var u = (NextBits() >> 11) / 9007199254740992.0;

            var topK = options.TopK > 0 && options.TopK < x.Length;
            var topP = options.TopP < 1;
            IEnumerable<int> candidates;
            if (!topK && !topP)
            {
                // Index order.
                candidates = Enumerable.Range(0, x.Length);
            }
            else
            {
                var order = DecodingReference.Order(x);
                var list = topK ? order.Take(options.TopK).ToList() : order.ToList();
                if (topP)
                {
                    var target = options.TopP * list.Sum(i => (double)w[i]);
                    var kept = new List<int>();
                    var running = 0.0;
                    foreach (var i in list)
                    {
                        if (w[i] == 0 && kept.Count > 0)
                        {
                            break;
                        }
                        kept.Add(i);
                        running += w[i];
                        if (running >= target)
                        {
                            break;
                        }
                    }
                    list = kept;
                }
                candidates = list;
            }
            if (options.MinP > 0)
            {
                var largest = candidates.Max(i => w[i]);
                candidates = candidates.Where(i => w[i] >= (double)options.MinP * largest).ToList();
            }

            var drawList = candidates.ToList();
            var total = drawList.Sum(i => (double)w[i]);
            var cumulative = 0.0;
            foreach (var i in drawList)
            {
                cumulative += w[i];
                if (w[i] > 0 && cumulative > u * total)
                {
                    return i;
                }
            }
            return drawList.Last(i => w[i] > 0);
        }

        /// <summary>(x − max) / T, or x / T − max / T where x − max overflows, as documented.</summary>
        public static float Tempered(float x, float max, float temperature)
        {
            var shifted = x - max;
            return float.IsNegativeInfinity(shifted) && !float.IsNegativeInfinity(x)
                ? x / temperature - max / temperature
                : shifted / temperature;
        }

        private static ulong[] SeedState(ulong seed)
        {
            var state = new ulong[4];
            for (var i = 0; i < 4; i++)
            {
                seed += 0x9E3779B97F4A7C15UL;
                var z = seed;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                state[i] = z ^ (z >> 31);
            }
            return state;
        }

        private ulong NextBits()
        {
            var s = _state;
            var result = Rotl(s[1] * 5, 7) * 9;
            var t = s[1] << 17;
            s[2] ^= s[0];
            s[3] ^= s[1];
            s[1] ^= s[2];
            s[0] ^= s[3];
            s[2] ^= t;
            s[3] = Rotl(s[3], 45);
            return result;

            static ulong Rotl(ulong x, int k) => (x << k) | (x >> (64 - k));
        }
    }
}
