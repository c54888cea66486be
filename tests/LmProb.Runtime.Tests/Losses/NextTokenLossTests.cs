using System;
using System.Linq;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests.Losses;

public class NextTokenLossTests
{
    private const int Vocab = 13;

    /// <summary>The loss of predicting <paramref name="target"/> from row <paramref name="position"/>, in double.</summary>
    private static double RowLoss(float[] logits, int position, int target) =>
        Reference.CrossEntropy(logits.AsSpan(position * Vocab, Vocab), target);

    [Fact]
    public void Position_t_predicts_the_token_at_t_plus_one()
    {
        int[] inputIds = [4, 7, 1, 12, 0];
        var logits = Rows.Normal(inputIds.Length * Vocab, seed: 2);
        var perToken = new float[inputIds.Length];
        var result = Loss.NextTokenLoss(logits, Vocab, inputIds, options: new CrossEntropyOptions { PerTokenLoss = perToken });

        Assert.Equal(4, result.Count);
        var expected = Enumerable.Range(0, 4).Select(t => RowLoss(logits, t, inputIds[t + 1])).ToArray();
        for (var t = 0; t < 4; t++)
        {
            Assertions.Close(expected[t], perToken[t], 4e-7, 1e-6, $"position {t}");
        }
        Assert.Equal(0f, perToken[4]);
        Assertions.Close(expected.Average(), result.Mean, 1e-6);
    }

    [Fact]
    public void The_unshifted_loss_is_a_different_number()
    {
        // A model that predicts the next token well: the shifted loss is small, the unshifted one large.
        int[] inputIds = [1, 2, 3, 4, 5, 6];
        var logits = new float[inputIds.Length * Vocab];
        for (var t = 0; t + 1 < inputIds.Length; t++)
        {
            logits[t * Vocab + inputIds[t + 1]] = 10;
        }
        var shifted = Loss.NextTokenLoss(logits, Vocab, inputIds);
        var unshifted = Loss.CrossEntropy(logits, Vocab, inputIds);
        Assert.True(shifted.Mean < 0.01, $"shifted mean {shifted.Mean}");
        // Rows 0..4 score a token the model gave logit 0 against one at 10 (≈ 10 nats); row 5 is uniform (ln 13).
        Assertions.Close((5 * Math.Log(Math.Exp(10) + 12) + Math.Log(13)) / 6, unshifted.Mean, 1e-6);
    }

    [Fact]
    public void The_mask_is_read_at_the_target_position_and_the_mean_is_over_counted_targets()
    {
        int[] inputIds = [3, 5, 8, 0, 0];
        bool[] mask = [true, true, true, false, false];
        var logits = Rows.Normal(inputIds.Length * Vocab, seed: 3);
        var gradient = new float[logits.Length];
        var result = Loss.NextTokenLoss(logits, Vocab, inputIds, mask, new CrossEntropyOptions { Gradient = gradient });

        // Targets at positions 1 and 2 are real; 3 and 4 are padding.
        Assert.Equal(2, result.Count);
        var expected = (RowLoss(logits, 0, 5) + RowLoss(logits, 1, 8)) / 2;
        Assertions.Close(expected, result.Mean, 1e-6);
        Assert.All(gradient.AsSpan(2 * Vocab).ToArray(), g => Assert.Equal(0f, g));
        Assert.Contains(gradient.AsSpan(0, 2 * Vocab).ToArray(), g => g != 0);
    }

    [Fact]
    public void Ignore_index_in_the_input_ids_is_not_counted()
    {
        int[] inputIds = [3, -100, 8, 2];
        var logits = Rows.Normal(inputIds.Length * Vocab, seed: 4);
        var result = Loss.NextTokenLoss(logits, Vocab, inputIds);
        Assert.Equal(2, result.Count);
        Assertions.Close((RowLoss(logits, 1, 8) + RowLoss(logits, 2, 2)) / 2, result.Mean, 1e-6);
    }

    [Fact]
    public void Empty_and_single_token_sequences_count_nothing()
    {
        Assert.Equal(0, Loss.NextTokenLoss(ReadOnlySpan<float>.Empty, Vocab, ReadOnlySpan<int>.Empty).Count);
        var one = Loss.NextTokenLoss(new float[Vocab], Vocab, [5]);
        Assert.Equal(0, one.Count);
        Assert.True(double.IsNaN(one.Mean));
    }

    [Fact]
    public void Sixteen_bit_logits_match_the_widened_float_logits()
    {
        int[] inputIds = [0, 4, 9, 12];
        var single = Rows.Normal(inputIds.Length * Vocab, seed: 6);
        var half = Rows.ToHalf(single);
        var bf16 = Rows.ToBFloat16(single);
        Assert.Equal(Loss.NextTokenLoss(Rows.ToSingle(half), Vocab, inputIds), Loss.NextTokenLoss(half, Vocab, inputIds));
        Assert.Equal(Loss.NextTokenLoss(Rows.ToSingle(bf16), Vocab, inputIds), Loss.NextTokenLoss(bf16, Vocab, inputIds));
    }

    [Fact]
    public void Argument_errors_name_the_values()
    {
        var length = Assert.Throws<ArgumentException>(() => Loss.NextTokenLoss(new float[20], 5, [1, 2, 3]));
        Assert.Equal("logits", length.ParamName);
        Assert.Contains("logits.Length 20 is not inputIds.Length 3 × vocabSize 5 = 15", length.Message);
        var mask = Assert.Throws<ArgumentException>(() => Loss.NextTokenLoss(new float[15], 5, [1, 2, 3], [true, true]));
        Assert.Equal("attentionMask", mask.ParamName);
        Assert.Contains("attentionMask.Length 2 does not match inputIds.Length 3", mask.Message);
        var id = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.NextTokenLoss(new float[15], 5, [1, 2, 7]));
        Assert.Equal("inputIds", id.ParamName);
        Assert.Contains("inputIds[2] 7 is outside [0, 5)", id.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.NextTokenLoss(new float[15], 0, [1, 2, 3]));
        // A masked-out id is never read as a target, so it may be anything.
        Assert.Equal(1, Loss.NextTokenLoss(new float[15], 5, [1, 2, 99], [true, true, false]).Count);
    }
}
