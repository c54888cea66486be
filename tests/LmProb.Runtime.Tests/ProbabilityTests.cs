using System;
using System.Linq;
using CsCheck;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

/// <summary>
/// LogSumExp, Softmax and LogSoftmax against a double-precision reference.
/// Tolerances: float32 softmax within 4e-7 relative plus 6e-8·|x − max| (the rounding of the
/// shifted logit itself), log-softmax and log-sum-exp within 4e-7 relative + 1e-6 absolute.
/// </summary>
public class ProbabilityTests
{
    private static double SoftmaxTolerance(float[] x, int i, double temperature = 1) =>
        SoftmaxTolerance(x[i], x.Max(), temperature);

    /// <summary>4e-7 relative, plus the rounding of the shifted logit <c>(x − max) / T</c> itself.</summary>
    private static double SoftmaxTolerance(float x, float max, double temperature = 1) =>
        4e-7 + 6e-8 * Math.Abs((x - (double)max) / temperature);

    private static void AssertSoftmaxMatches(float[] x, float[] actual, double temperature = 1)
    {
        var expected = Reference.Softmax(x, temperature);
        var max = x.Max();
        for (var i = 0; i < x.Length; i++)
        {
            Assertions.Close(expected[i], actual[i], SoftmaxTolerance(x[i], max, temperature), absolute: 1e-45, what: $"softmax[{i}] of {x.Length}");
        }
    }

    [Fact]
    public void Softmax_of_1000_999_997_is_finite_and_sums_to_one()
    {
        float[] logits = [1000, 999, 997];
        var p = new float[3];
        Probability.Softmax(logits, p);
        // e^0, e^-1, e^-3 normalized: 0.705384..., 0.259496..., 0.035119...
        var z = 1 + Math.Exp(-1) + Math.Exp(-3);
        Assertions.Close(1 / z, p[0], 4e-7);
        Assertions.Close(Math.Exp(-1) / z, p[1], 4e-7);
        Assertions.Close(Math.Exp(-3) / z, p[2], 4e-7);
        Assert.Equal(1.0, p.Sum(v => (double)v), 6);
    }

    [Fact]
    public void LogSoftmax_of_1000_999_997_is_shifted_logits_minus_log_sum()
    {
        float[] logits = [1000, 999, 997];
        var logp = new float[3];
        Probability.LogSoftmax(logits, logp);
        var logZ = Math.Log(1 + Math.Exp(-1) + Math.Exp(-3));
        Assertions.Close(-logZ, logp[0], 4e-7);
        Assertions.Close(-1 - logZ, logp[1], 4e-7);
        Assertions.Close(-3 - logZ, logp[2], 4e-7);
        Assertions.Close(1000 + logZ, Probability.LogSumExp(logits), 1e-7);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Every_length_matches_the_double_reference(int length)
    {
        var x = Rows.Normal(length, scale: 4, seed: length);
        var p = new float[length];
        var logp = new float[length];
        Probability.Softmax(x, p);
        Probability.LogSoftmax(x, logp);
        AssertSoftmaxMatches(x, p);
        Assertions.AllClose(Reference.LogSoftmax(x), logp, relative: 4e-7, absolute: 1e-6);
        Assertions.Close(Reference.LogSumExp(x), Probability.LogSumExp(x), relative: 4e-7, absolute: 1e-6);
    }

    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        foreach (var n in Enumerable.Range(1, 67).Concat([127, 128, 129, 1000, 32000, 50257]))
        {
            data.Add(n);
        }
        return data;
    }

    [Fact]
    public void Large_vocabulary_rows_stay_accurate()
    {
        var x = Rows.Normal(128256, scale: 2, seed: 7);
        var p = new float[x.Length];
        var logp = new float[x.Length];
        Probability.Softmax(x, p);
        Probability.LogSoftmax(x, logp);
        AssertSoftmaxMatches(x, p);
        Assertions.AllClose(Reference.LogSoftmax(x), logp, relative: 4e-7, absolute: 2e-6);
        Assertions.Close(Reference.LogSumExp(x), Probability.LogSumExp(x), relative: 4e-7, absolute: 1e-6);
    }

    [Fact]
    public void Huge_finite_logits_do_not_overflow()
    {
        float[] x = [1e30f, -1e30f, 1e30f];
        var p = new float[3];
        Probability.Softmax(x, p);
        Assert.Equal([0.5f, 0f, 0.5f], p);
        Assertions.Close(1e30 + Math.Log(2), Probability.LogSumExp(x), 1e-7);

        // Neighbours of 3e38 four ulps apart (an ulp there is 2^104 ≈ 2e31).
        var top = 3e38f;
        var below = top;
        for (var k = 0; k < 4; k++)
        {
            below = MathF.BitDecrement(below);
        }
        float[] extreme = [top, -3e38f, below];
        Probability.Softmax(extreme, p);
        AssertSoftmaxMatches(extreme, p);
        Probability.LogSoftmax(extreme, p);
        var gap = (double)below - top;
        var logZ = Math.Log(1 + Math.Exp(gap));
        Assertions.Close(-logZ, p[0], 4e-7);
        Assert.Equal(float.NegativeInfinity, p[1]); // -6e38 is not representable: -inf
        Assertions.Close(gap - logZ, p[2], 4e-7);
    }

    [Fact]
    public void Log_sum_exp_past_float_max_is_infinity()
    {
        // The exact result 3.4e38 + log 2 rounds to float.MaxValue; 3.4e38·e is not representable.
        float[] x = [float.MaxValue, float.MaxValue];
        Assert.Equal(float.MaxValue, Probability.LogSumExp(x));
    }

    [Fact]
    public void Subnormal_logits_give_a_uniform_distribution()
    {
        float[] x = [1e-45f, 1e-40f, 0f, -1e-42f];
        var p = new float[4];
        Probability.Softmax(x, p);
        Assert.All(p, v => Assert.Equal(0.25f, v));
        Assertions.Close(Math.Log(4), Probability.LogSumExp(x), 1e-7);
    }

    [Fact]
    public void Probabilities_that_are_subnormal_are_kept()
    {
        // exp(-100) ≈ 3.7e-44 is a float subnormal: it must not flush to zero.
        float[] x = [0, -100, -103, -104];
        var p = new float[4];
        Probability.Softmax(x, p);
        var expected = Reference.Softmax(x);
        Assert.True(p[1] > 0 && float.IsSubnormal(p[1]));
        Assertions.Close(expected[1], p[1], relative: 0, absolute: 1.5e-45);
        Assertions.Close(expected[2], p[2], relative: 0, absolute: 1.5e-45);
        Assert.Equal(0f, p[3]); // exp(-104) < 2^-150 rounds to 0
    }

    [Fact]
    public void Negative_infinity_entries_get_probability_zero_and_log_probability_minus_infinity()
    {
        float[] x = [float.NegativeInfinity, 2, float.NegativeInfinity, 1];
        var p = new float[4];
        var logp = new float[4];
        Probability.Softmax(x, p);
        Probability.LogSoftmax(x, logp);
        Assert.Equal(0f, p[0]);
        Assert.Equal(0f, p[2]);
        Assertions.Close(1 / (1 + Math.Exp(-1)), p[1], 4e-7);
        Assert.Equal(float.NegativeInfinity, logp[0]);
        Assert.Equal(float.NegativeInfinity, logp[2]);
        Assertions.Close(-Math.Log(1 + Math.Exp(-1)), logp[1], 4e-7);
        Assertions.Close(2 + Math.Log(1 + Math.Exp(-1)), Probability.LogSumExp(x), 1e-7);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_row_with_NaN_or_positive_infinity_is_NaN(float bad)
    {
        float[] x = [1, bad, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
        var p = new float[x.Length];
        Probability.Softmax(x, p);
        Assert.All(p, v => Assert.True(float.IsNaN(v)));
        Probability.LogSoftmax(x, p);
        Assert.All(p, v => Assert.True(float.IsNaN(v)));
        Assert.True(float.IsNaN(Probability.LogSumExp(x)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(70)]
    [InlineData(1000)]
    [InlineData(32000)]
    [InlineData(50257)]
    public void NaN_anywhere_makes_every_output_NaN_even_after_a_larger_value(int length)
    {
        // The max reduction may drop a NaN lane together with a larger value seen before it;
        // the exp sum still finds the NaN.
        foreach (var position in new[] { 0, length / 2, length - 1 })
        {
            var x = Rows.Normal(length, seed: position);
            x[Math.Max(0, position - 1)] = 50;
            x[position] = float.NaN;
            var p = new float[length];
            Probability.Softmax(x, p);
            Assert.All(p, v => Assert.True(float.IsNaN(v)));
            Probability.LogSoftmax(x, p);
            Assert.All(p, v => Assert.True(float.IsNaN(v)));
            Assert.True(float.IsNaN(Probability.LogSumExp(x)), $"LogSumExp with NaN at {position}");
            Assert.True(float.IsNaN(Loss.CrossEntropy(x, (position + 1) % length)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(70)]
    [InlineData(32000)]
    public void NaN_among_only_minus_infinity_is_NaN_not_minus_infinity(int length)
    {
        var x = Enumerable.Repeat(float.NegativeInfinity, length).ToArray();
        x[length / 2] = float.NaN;
        Assert.True(float.IsNaN(Probability.LogSumExp(x)));
        Assert.True(float.IsNaN(Probability.LogSumExp(Rows.ToBFloat16(x))));
        Assert.True(float.IsNaN(Probability.LogSumExp(Rows.ToHalf(x))));
        var allNaN = Enumerable.Repeat(float.NaN, length).ToArray();
        Assert.True(float.IsNaN(Probability.LogSumExp(allNaN)));
    }

    [Fact]
    public void An_all_negative_infinity_row_is_NaN_but_its_log_sum_exp_is_minus_infinity()
    {
        var x = Enumerable.Repeat(float.NegativeInfinity, 70).ToArray();
        var p = new float[x.Length];
        Probability.Softmax(x, p);
        Assert.All(p, v => Assert.True(float.IsNaN(v)));
        Probability.LogSoftmax(x, p);
        Assert.All(p, v => Assert.True(float.IsNaN(v)));
        Assert.Equal(float.NegativeInfinity, Probability.LogSumExp(x));
    }

    [Fact]
    public void Empty_input_gives_minus_infinity_and_writes_nothing()
    {
        Assert.Equal(float.NegativeInfinity, Probability.LogSumExp(ReadOnlySpan<float>.Empty));
        Assert.Equal(float.NegativeInfinity, Probability.LogSumExp(ReadOnlySpan<Half>.Empty));
        Assert.Equal(float.NegativeInfinity, Probability.LogSumExp(ReadOnlySpan<BFloat16>.Empty));
        Probability.Softmax(ReadOnlySpan<float>.Empty, Span<float>.Empty);
        Probability.LogSoftmax(ReadOnlySpan<float>.Empty, Span<float>.Empty);
    }

    [Fact]
    public void Length_one_is_probability_one_and_log_probability_zero()
    {
        var p = new float[1];
        Probability.Softmax([-1e30f], p);
        Assert.Equal(1f, p[0]);
        Probability.LogSoftmax([123.5f], p);
        Assert.Equal(0f, p[0]);
        Assert.Equal(-7.25f, Probability.LogSumExp([-7.25f]));
    }

    [Fact]
    public void Destination_may_be_the_logits_themselves()
    {
        var x = Rows.Normal(101, seed: 3);
        var expected = Reference.Softmax(x);
        var inPlace = (float[])x.Clone();
        Probability.Softmax(inPlace, inPlace);
        for (var i = 0; i < x.Length; i++)
        {
            Assertions.Close(expected[i], inPlace[i], SoftmaxTolerance(x, i));
        }
        var logInPlace = (float[])x.Clone();
        Probability.LogSoftmax(logInPlace, logInPlace);
        Assertions.AllClose(Reference.LogSoftmax(x), logInPlace, 4e-7, 1e-6);
    }

    [Fact]
    public void Partly_overlapping_spans_are_rejected()
    {
        var buffer = new float[10];
        var error = Assert.Throws<ArgumentException>(() => Probability.Softmax(buffer.AsSpan(0, 8), buffer.AsSpan(1, 8)));
        Assert.Equal("destination", error.ParamName);
    }

    [Fact]
    public void Mismatched_destination_length_names_both_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => Probability.Softmax(new float[5], new float[4]));
        Assert.Equal("destination", error.ParamName);
        Assert.Contains("destination.Length 4", error.Message);
        Assert.Contains("logits.Length 5", error.Message);
        Assert.Throws<ArgumentException>(() => Probability.LogSoftmax(new float[5], new float[6]));
        Assert.Throws<ArgumentException>(() => Probability.Softmax(new Half[5], new Half[6]));
        Assert.Throws<ArgumentException>(() => Probability.LogSoftmax(new BFloat16[5], new float[6]));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.01)]
    [InlineData(2)]
    [InlineData(100)]
    public void Temperature_matches_the_reference(double temperature)
    {
        var x = Rows.Normal(333, scale: 3, seed: 11);
        var p = new float[x.Length];
        Probability.Softmax(x, p, (float)temperature);
        AssertSoftmaxMatches(x, p, temperature);
        Probability.LogSoftmax(x, p, (float)temperature);
        var expected = Reference.LogSoftmax(x, temperature);
        for (var i = 0; i < x.Length; i++)
        {
            Assertions.Close(expected[i], p[i], 4e-7 + 1e-7, absolute: 1e-6 * Math.Max(1, Math.Abs(expected[i])), what: $"[{i}]");
        }
    }

    [Fact]
    public void Temperature_division_happens_after_the_shift_so_huge_logits_do_not_overflow()
    {
        // x / T would overflow for x = 3e38, T = 0.5; (x − max) / T does not.
        float[] x = [3e38f, 3e38f, 0];
        var p = new float[3];
        Probability.Softmax(x, p, 0.5f);
        Assert.Equal([0.5f, 0.5f, 0f], p);
    }

    [Fact]
    public void Temperature_on_a_row_wider_than_the_float_range_is_still_exact()
    {
        // x − max = −6e38 overflows to −inf; with T = 1e38 the true shifted logit is −6, so the
        // probabilities are 1/(1 + e^6) and e^6/(1 + e^6), not 0 and 1.
        float[] x = [-3e38f, 3e38f];
        var p = new float[2];
        Probability.Softmax(x, p, 1e38f);
        var expected = Reference.Softmax(x, 1e38);
        Assertions.Close(1 / (1 + Math.Exp(6)), p[0], 1e-6);
        Assertions.Close(expected[1], p[1], 1e-6);
        Probability.LogSoftmax(x, p, 1e38f);
        Assertions.Close(-6 - Math.Log(1 + Math.Exp(-6)), p[0], 1e-6);
        Assertions.Close(-Math.Log(1 + Math.Exp(-6)), p[1], 1e-6);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Invalid_temperature_throws_naming_it(float temperature)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Probability.Softmax(new float[3], new float[3], temperature));
        Assert.Equal("temperature", error.ParamName);
        Assert.Contains(temperature.ToString(System.Globalization.CultureInfo.CurrentCulture), error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Probability.LogSoftmax(new Half[3], new Half[3], temperature));
        Assert.Throws<ArgumentOutOfRangeException>(() => Probability.Softmax(new BFloat16[3], new BFloat16[3], temperature));
    }

    [Fact]
    public void Batched_rows_are_independent_and_a_bad_row_does_not_leak()
    {
        const int vocab = 37;
        var x = Rows.Normal(vocab * 4, seed: 5);
        x[vocab + 3] = float.NaN;
        for (var j = 2 * vocab; j < 3 * vocab; j++)
        {
            x[j] = float.NegativeInfinity;
        }
        var p = new float[x.Length];
        var logp = new float[x.Length];
        Probability.Softmax(x, vocab, p);
        Probability.LogSoftmax(x, vocab, logp);
        foreach (var r in new[] { 0, 3 })
        {
            var row = x.AsSpan(r * vocab, vocab).ToArray();
            AssertSoftmaxMatches(row, p.AsSpan(r * vocab, vocab).ToArray());
            Assertions.AllClose(Reference.LogSoftmax(row), logp.AsSpan(r * vocab, vocab), 4e-7, 1e-6);
        }
        Assert.All(p.AsSpan(vocab, 2 * vocab).ToArray(), v => Assert.True(float.IsNaN(v)));
        Assert.All(logp.AsSpan(vocab, 2 * vocab).ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Batched_vocab_size_that_does_not_divide_the_length_throws_with_both_numbers()
    {
        var error = Assert.Throws<ArgumentException>(() => Probability.Softmax(new float[7], 3, new float[7]));
        Assert.Equal("vocabSize", error.ParamName);
        Assert.Contains("vocabSize 3 does not divide logits.Length 7", error.Message);
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => Probability.LogSoftmax(new float[6], 0, new float[6]));
        Assert.Equal("vocabSize", zero.ParamName);
        Assert.Throws<ArgumentException>(() => Probability.Softmax(new float[6], 3, new float[3]));
        Assert.Throws<ArgumentException>(() => Probability.LogSoftmax(new Half[6], 4, new Half[6]));
        Assert.Throws<ArgumentException>(() => Probability.Softmax(new BFloat16[6], 4, new float[6]));
    }

    [Fact]
    public void Half_overloads_round_the_float_result_once()
    {
        var x = Rows.ToHalf(Rows.Normal(200, seed: 9));
        var widened = Rows.ToSingle(x);
        var expectedP = Reference.Softmax(widened);
        var expectedLogP = Reference.LogSoftmax(widened);

        var p = new Half[x.Length];
        var logp = new Half[x.Length];
        var pSingle = new float[x.Length];
        Probability.Softmax(x, p);
        Probability.LogSoftmax(x, logp);
        Probability.Softmax(x, pSingle);
        for (var i = 0; i < x.Length; i++)
        {
            // Within one Half ulp of the exact value: 2^-10 relative (normal range) or 2^-24 absolute.
            Assertions.Close(expectedP[i], (double)p[i], Math.Pow(2, -10), Math.Pow(2, -24), $"p[{i}]");
            Assertions.Close(expectedLogP[i], (double)logp[i], Math.Pow(2, -10), Math.Pow(2, -24), $"logp[{i}]");
            Assertions.Close(expectedP[i], pSingle[i], SoftmaxTolerance(widened, i), 1e-45, $"float p[{i}]");
        }
        Assertions.Close(Reference.LogSumExp(widened), Probability.LogSumExp(x), 4e-7, 1e-6);
    }

    [Fact]
    public void BFloat16_overloads_round_the_float_result_once()
    {
        var x = Rows.ToBFloat16(Rows.Normal(200, seed: 10));
        var widened = Rows.ToSingle(x);
        var expectedP = Reference.Softmax(widened);
        var expectedLogP = Reference.LogSoftmax(widened);

        var p = new BFloat16[x.Length];
        var logp = new BFloat16[x.Length];
        var logpSingle = new float[x.Length];
        Probability.Softmax(x, p);
        Probability.LogSoftmax(x, logp);
        Probability.LogSoftmax(x, logpSingle);
        for (var i = 0; i < x.Length; i++)
        {
            // Within one bfloat16 ulp: 2^-7 relative.
            Assertions.Close(expectedP[i], (double)p[i], Math.Pow(2, -7), 0, $"p[{i}]");
            Assertions.Close(expectedLogP[i], (double)logp[i], Math.Pow(2, -7), 0, $"logp[{i}]");
            Assertions.Close(expectedLogP[i], logpSingle[i], 4e-7, 1e-6, $"float logp[{i}]");
        }
        Assertions.Close(Reference.LogSumExp(widened), Probability.LogSumExp(x), 4e-7, 1e-6);
    }

    [Fact]
    public void Sixteen_bit_batched_and_tempered_overloads_match_the_float_computation()
    {
        const int vocab = 50;
        var single = Rows.Normal(vocab * 3, seed: 12);
        var half = Rows.ToHalf(single);
        var bf16 = Rows.ToBFloat16(single);
        var fromHalf = new float[single.Length];
        var fromBf16 = new float[single.Length];
        Probability.LogSoftmax(half, vocab, fromHalf);
        Probability.Softmax(bf16, vocab, fromBf16);
        var halfOut = new Half[single.Length];
        var bfOut = new BFloat16[single.Length];
        Probability.Softmax(half, vocab, halfOut);
        Probability.LogSoftmax(bf16, vocab, bfOut);
        for (var r = 0; r < 3; r++)
        {
            var halfRow = Rows.ToSingle(half.AsSpan(r * vocab, vocab).ToArray());
            var bfRow = Rows.ToSingle(bf16.AsSpan(r * vocab, vocab).ToArray());
            Assertions.AllClose(Reference.LogSoftmax(halfRow), fromHalf.AsSpan(r * vocab, vocab), 4e-7, 1e-6);
            Assertions.AllClose(Reference.Softmax(bfRow), fromBf16.AsSpan(r * vocab, vocab), 2e-6, 1e-12);
            var expectedHalf = Reference.Softmax(halfRow);
            var expectedBf = Reference.LogSoftmax(bfRow);
            for (var j = 0; j < vocab; j++)
            {
                Assertions.Close(expectedHalf[j], (double)halfOut[r * vocab + j], Math.Pow(2, -10), Math.Pow(2, -24));
                Assertions.Close(expectedBf[j], (double)bfOut[r * vocab + j], Math.Pow(2, -7));
            }
        }

        var tempered = new Half[vocab];
        Probability.Softmax(half.AsSpan(0, vocab), tempered, 0.7f);
        var reference = Reference.Softmax(Rows.ToSingle(half.AsSpan(0, vocab).ToArray()), 0.7);
        for (var j = 0; j < vocab; j++)
        {
            Assertions.Close(reference[j], (double)tempered[j], Math.Pow(2, -10), Math.Pow(2, -24));
        }
        var temperedBf = new BFloat16[vocab];
        Probability.LogSoftmax(bf16.AsSpan(0, vocab), temperedBf, 1.5f);
        var referenceBf = Reference.LogSoftmax(Rows.ToSingle(bf16.AsSpan(0, vocab).ToArray()), 1.5);
        for (var j = 0; j < vocab; j++)
        {
            Assertions.Close(referenceBf[j], (double)temperedBf[j], Math.Pow(2, -7));
        }
    }

    private static readonly Gen<float[]> Logits = Gen.Float[-80f, 80f].Array[1, 300];

    [Fact]
    public void Property_softmax_sums_to_one()
    {
        Logits.Sample(x =>
        {
            var p = new float[x.Length];
            Probability.Softmax(x, p);
            return Math.Abs(p.Sum(v => (double)v) - 1) <= 1e-6 && p.All(v => v >= 0 && v <= 1);
        });
    }

    [Fact]
    public void Property_softmax_is_shift_invariant()
    {
        Gen.Select(Logits, Gen.Float[-1000f, 1000f]).Sample((x, shift) =>
        {
            // Shift by an amount that keeps x + shift exact: a multiple of 1/64 on values of bounded size.
            var c = MathF.Round(shift * 64) / 64;
            var shifted = x.Select(v => MathF.Round(v * 64) / 64 + c).ToArray();
            var original = x.Select(v => MathF.Round(v * 64) / 64).ToArray();
            var p = new float[x.Length];
            var q = new float[x.Length];
            Probability.Softmax(original, p);
            Probability.Softmax(shifted, q);
            return p.Zip(q).All(t => Math.Abs(t.First - t.Second) <= 1e-6 * Math.Max(t.First, 1e-30) + 1e-12);
        });
    }

    [Fact]
    public void Property_log_sum_exp_is_at_least_the_max_and_at_most_max_plus_log_n()
    {
        Logits.Sample(x =>
        {
            var lse = Probability.LogSumExp(x);
            var max = x.Max();
            return lse >= max && lse <= max + Math.Log(x.Length) + 1e-5 * Math.Max(1, Math.Abs(max));
        });
    }

    [Fact]
    public void Property_log_softmax_is_the_log_of_softmax_where_both_are_accurate()
    {
        Gen.Float[-20f, 20f].Array[1, 200].Sample(x =>
        {
            var p = new float[x.Length];
            var logp = new float[x.Length];
            Probability.Softmax(x, p);
            Probability.LogSoftmax(x, logp);
            return p.Zip(logp).All(t => Math.Abs(Math.Log(t.First) - t.Second) <= 2e-6 * Math.Max(1, Math.Abs(t.Second)));
        });
    }
}
