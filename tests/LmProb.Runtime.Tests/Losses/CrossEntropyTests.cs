using System;
using System.Linq;
using CsCheck;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests.Losses;

/// <summary>
/// Cross-entropy against a double-precision reference. Tolerances: loss within 1e-6 absolute +
/// 4e-7 relative; gradient within 1e-6 absolute (it is a difference of probabilities).
/// </summary>
public class CrossEntropyTests
{
    /// <summary>The PyTorch definition, in double, written independently of the kernels.</summary>
    private static (double Loss, double[] Gradient) ReferenceLoss(float[] logits, int target, double smoothing = 0, double zLoss = 0)
    {
        var v = logits.Length;
        var lse = Reference.LogSumExp(logits);
        var logp = logits.Select(x => x - lse).ToArray();
        var p = logp.Select(Math.Exp).ToArray();
        var smoothingTerm = smoothing == 0 ? 0 : smoothing / v * logp.Sum(); // 0·(−inf) would be NaN
        var loss = -(1 - smoothing) * logp[target] - smoothingTerm + zLoss * lse * lse;
        var gradient = new double[v];
        for (var j = 0; j < v; j++)
        {
            gradient[j] = p[j] * (1 + 2 * zLoss * lse) - smoothing / v - (j == target ? 1 - smoothing : 0);
        }
        return (loss, gradient);
    }

    [Fact]
    public void One_row_is_log_sum_exp_minus_the_target_logit()
    {
        float[] logits = [1000, 999, 997];
        var z = Math.Log(1 + Math.Exp(-1) + Math.Exp(-3));
        Assertions.Close(z, Loss.CrossEntropy(logits, 0), 4e-7);
        Assertions.Close(1 + z, Loss.CrossEntropy(logits, 1), 4e-7);
        Assertions.Close(3 + z, Loss.CrossEntropy(logits, 2), 4e-7);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(1000)]
    [InlineData(32000)]
    [InlineData(128256)]
    public void Random_rows_match_the_reference(int length)
    {
        var logits = Rows.Normal(length, scale: 3, seed: length);
        foreach (var target in new[] { 0, length / 2, length - 1 })
        {
            var (expected, expectedGradient) = ReferenceLoss(logits, target);
            Assertions.Close(expected, Loss.CrossEntropy(logits, target), 4e-7, 1e-6, $"loss, target {target}");
            var gradient = new float[length];
            Assertions.Close(expected, Loss.CrossEntropy(logits, target, gradient), 4e-7, 1e-6);
            Assertions.AllClose(expectedGradient, gradient, 2e-6, 1e-7);
        }
    }

    [Fact]
    public void Huge_logits_keep_their_digits()
    {
        // max + log(sum) − x[t] would lose everything at 1e30; log(sum) − (x[t] − max) does not.
        float[] logits = [1e30f, 1e30f, -1e30f];
        Assertions.Close(Math.Log(2), Loss.CrossEntropy(logits, 0), 4e-7);
        Assert.Equal(2e30f, Loss.CrossEntropy(logits, 2));
    }

    [Fact]
    public void A_minus_infinity_target_logit_gives_positive_infinity()
    {
        float[] logits = [2, float.NegativeInfinity, 1];
        Assert.Equal(float.PositiveInfinity, Loss.CrossEntropy(logits, 1));
        var gradient = new float[3];
        Assert.Equal(float.PositiveInfinity, Loss.CrossEntropy(logits, 1, gradient));
        Assert.Equal(-1f, gradient[1]);
        Assertions.Close(1 / (1 + Math.Exp(-1)), gradient[0], 4e-7);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_bad_row_gives_NaN_loss_and_gradient(float bad)
    {
        float[] logits = [1, 2, bad, 4];
        Assert.True(float.IsNaN(Loss.CrossEntropy(logits, 0)));
        var gradient = new float[4];
        Assert.True(float.IsNaN(Loss.CrossEntropy(logits, 0, gradient)));
        Assert.All(gradient, g => Assert.True(float.IsNaN(g)));
        Assert.True(float.IsNaN(Loss.CrossEntropy([float.NegativeInfinity, float.NegativeInfinity], 1)));
    }

    [Fact]
    public void Target_out_of_range_names_the_target_and_the_length()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy(new float[4], 4));
        Assert.Equal("target", error.ParamName);
        Assert.Contains("target 4 is outside [0, 4)", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy(new float[4], -1, new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy(ReadOnlySpan<float>.Empty, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy(new Half[2], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy(new BFloat16[2], -5));
        var lengths = Assert.Throws<ArgumentException>(() => Loss.CrossEntropy(new float[4], 1, new float[3]));
        Assert.Equal("gradient", lengths.ParamName);
        Assert.Contains("gradient.Length 3 does not match logits.Length 4", lengths.Message);
    }

    [Fact]
    public void Sixteen_bit_rows_match_the_reference_of_their_widened_values()
    {
        var single = Rows.Normal(500, seed: 4);
        var half = Rows.ToHalf(single);
        var bf16 = Rows.ToBFloat16(single);
        var fromHalf = Rows.ToSingle(half);
        var fromBf16 = Rows.ToSingle(bf16);
        Assertions.Close(ReferenceLoss(fromHalf, 17).Loss, Loss.CrossEntropy(half, 17), 4e-7, 1e-6);
        Assertions.Close(ReferenceLoss(fromBf16, 17).Loss, Loss.CrossEntropy(bf16, 17), 4e-7, 1e-6);
        var gradient = new float[500];
        Loss.CrossEntropy(bf16, 3, gradient);
        Assertions.AllClose(ReferenceLoss(fromBf16, 3).Gradient, gradient, 2e-6, 1e-7);
        Loss.CrossEntropy(half, 499, gradient);
        Assertions.AllClose(ReferenceLoss(fromHalf, 499).Gradient, gradient, 2e-6, 1e-7);
    }

    [Fact]
    public void Batched_loss_ignores_the_ignore_index_and_averages_over_counted_tokens()
    {
        const int vocab = 11;
        var logits = Rows.Normal(vocab * 5, seed: 8);
        int[] targets = [3, -100, 10, 0, -100];
        var perToken = new float[5];
        var gradient = new float[logits.Length];
        var result = Loss.CrossEntropy(logits, vocab, targets, new CrossEntropyOptions { PerTokenLoss = perToken, Gradient = gradient });

        Assert.Equal(3, result.Count);
        double sum = 0;
        for (var r = 0; r < 5; r++)
        {
            var row = logits.AsSpan(r * vocab, vocab).ToArray();
            if (targets[r] == -100)
            {
                Assert.Equal(0f, perToken[r]);
                Assert.All(gradient.AsSpan(r * vocab, vocab).ToArray(), g => Assert.Equal(0f, g));
                continue;
            }
            var (loss, rowGradient) = ReferenceLoss(row, targets[r]);
            sum += loss;
            Assertions.Close(loss, perToken[r], 4e-7, 1e-6);
            Assertions.AllClose(rowGradient.Select(g => g / 3).ToArray(), gradient.AsSpan(r * vocab, vocab), 2e-6, 1e-7);
        }
        Assertions.Close(sum, result.Sum, 1e-6);
        Assertions.Close(sum / 3, result.Mean, 1e-6);
    }

    [Theory]
    [InlineData(0.1, 0.0)]
    [InlineData(0.0, 1e-4)]
    [InlineData(0.3, 1e-2)]
    [InlineData(1.0, 0.0)]
    public void Label_smoothing_and_z_loss_match_the_reference(double smoothing, double zLoss)
    {
        const int vocab = 40;
        var logits = Rows.Normal(vocab * 3, scale: 5, seed: 21);
        int[] targets = [0, 39, 17];
        var perToken = new float[3];
        var gradient = new float[logits.Length];
        var options = new CrossEntropyOptions { LabelSmoothing = (float)smoothing, ZLossWeight = (float)zLoss, PerTokenLoss = perToken, Gradient = gradient };
        var result = Loss.CrossEntropy(logits, vocab, targets, options);
        double sum = 0;
        for (var r = 0; r < 3; r++)
        {
            var (loss, rowGradient) = ReferenceLoss(logits.AsSpan(r * vocab, vocab).ToArray(), targets[r], (float)smoothing, (float)zLoss);
            sum += loss;
            Assertions.Close(loss, perToken[r], 1e-6, 1e-6);
            Assertions.AllClose(rowGradient.Select(g => g / 3).ToArray(), gradient.AsSpan(r * vocab, vocab), 4e-6, 1e-7);
        }
        Assertions.Close(sum / 3, result.Mean, 1e-6, 1e-6);
    }

    [Fact]
    public void Label_smoothing_with_a_minus_infinity_logit_is_infinite_as_in_PyTorch()
    {
        float[] logits = [1, 2, float.NegativeInfinity, 0];
        var withSmoothing = Loss.CrossEntropy(logits, 4, [1], new CrossEntropyOptions { LabelSmoothing = 0.1f });
        Assert.Equal(double.PositiveInfinity, withSmoothing.Sum);
        var without = Loss.CrossEntropy(logits, 4, [1]);
        Assertions.Close(ReferenceLoss(logits, 1).Loss, without.Mean, 4e-7);
    }

    [Fact]
    public void A_bad_row_makes_the_sum_NaN_but_leaves_the_other_rows_alone()
    {
        float[] logits = [1, 2, 3, float.NaN, 0, 0, 5, 1, 2];
        var perToken = new float[3];
        var result = Loss.CrossEntropy(logits, 3, [0, 1, 2], new CrossEntropyOptions { PerTokenLoss = perToken });
        Assert.True(double.IsNaN(result.Sum));
        Assert.True(float.IsNaN(perToken[1]));
        Assertions.Close(ReferenceLoss([1, 2, 3], 0).Loss, perToken[0], 4e-7);
        Assertions.Close(ReferenceLoss([5, 1, 2], 2).Loss, perToken[2], 4e-7);
    }

    [Fact]
    public void No_counted_token_gives_a_NaN_mean_and_a_zero_gradient()
    {
        var gradient = Enumerable.Repeat(9f, 6).ToArray();
        var result = Loss.CrossEntropy(new float[6], 3, [-100, -100], new CrossEntropyOptions { Gradient = gradient });
        Assert.Equal(0, result.Count);
        Assert.Equal(0, result.Sum);
        Assert.True(double.IsNaN(result.Mean));
        Assert.All(gradient, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Batched_argument_errors_name_the_values()
    {
        var divide = Assert.Throws<ArgumentException>(() => Loss.CrossEntropy(new float[64001], 32000, new int[2]));
        Assert.Contains("vocabSize 32000 does not divide logits.Length 64001", divide.Message);
        var count = Assert.Throws<ArgumentException>(() => Loss.CrossEntropy(new float[6], 3, new int[3]));
        Assert.Equal("targets", count.ParamName);
        Assert.Contains("targets.Length 3", count.Message);
        Assert.Contains("row count 2", count.Message);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy(new float[6], 3, [0, 3]));
        Assert.Equal("targets", range.ParamName);
        Assert.Contains("targets[1] 3 is outside [0, 3)", range.Message);
        var smoothing = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy(new float[6], 3, [0, 1], new CrossEntropyOptions { LabelSmoothing = 1.5f }));
        Assert.Contains("LabelSmoothing 1.5", smoothing.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy(new float[6], 3, [0, 1], new CrossEntropyOptions { ZLossWeight = float.NaN }));
        var perToken = Assert.Throws<ArgumentException>(() => Loss.CrossEntropy(new float[6], 3, [0, 1], new CrossEntropyOptions { PerTokenLoss = new float[3] }));
        Assert.Contains("PerTokenLoss.Length 3", perToken.Message);
        var gradient = Assert.Throws<ArgumentException>(() => Loss.CrossEntropy(new float[6], 3, [0, 1], new CrossEntropyOptions { Gradient = new float[5] }));
        Assert.Contains("Gradient.Length 5 does not match logits.Length 6", gradient.Message);
    }

    [Fact]
    public void An_error_leaves_the_outputs_untouched()
    {
        var perToken = new float[] { 7, 7 };
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy(new float[6], 3, [0, 9], new CrossEntropyOptions { PerTokenLoss = perToken }));
        Assert.Equal([7f, 7f], perToken);
    }

    [Fact]
    public void Sixteen_bit_batches_match_the_widened_float_batch()
    {
        const int vocab = 64;
        var single = Rows.Normal(vocab * 4, seed: 30);
        int[] targets = [1, 63, -100, 5];
        var half = Rows.ToHalf(single);
        var bf16 = Rows.ToBFloat16(single);
        var expectedHalf = Loss.CrossEntropy(Rows.ToSingle(half), vocab, targets);
        var expectedBf16 = Loss.CrossEntropy(Rows.ToSingle(bf16), vocab, targets);
        Assert.Equal(expectedHalf, Loss.CrossEntropy(half, vocab, targets));
        Assert.Equal(expectedBf16, Loss.CrossEntropy(bf16, vocab, targets));
    }

    [Fact]
    public void Property_gradient_sums_to_zero()
    {
        Gen.Select(Gen.Float[-50f, 50f].Array[1, 300], Gen.Int[0, 1000]).Sample((logits, seed) =>
        {
            var target = seed % logits.Length;
            var gradient = new float[logits.Length];
            Loss.CrossEntropy(logits, target, gradient);
            return Math.Abs(gradient.Sum(g => (double)g)) <= 1e-6;
        });
    }

    [Fact]
    public void Property_loss_is_non_negative_and_at_least_the_gap_to_the_max()
    {
        Gen.Select(Gen.Float[-50f, 50f].Array[1, 300], Gen.Int[0, 1000]).Sample((logits, seed) =>
        {
            var target = seed % logits.Length;
            var loss = Loss.CrossEntropy(logits, target);
            return loss >= 0 && loss >= logits.Max() - logits[target] - 1e-5;
        });
    }
}
