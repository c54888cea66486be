using System;
using System.Linq;
using CsCheck;
using LmProb.Kernels;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

/// <summary>
/// The internal kernels behind TopP and the sampler: the nucleus selection, its order keys, the
/// min-p threshold and the fixed-order weighted draw, against definitions written in the test.
/// </summary>
public class SelectionKernelTests
{
    [Fact]
    public void Order_keys_sort_like_the_stable_reference_order()
    {
        var values = Gen.Frequency((6, Gen.Float[-50f, 50f]), (1, Gen.Float.Special), (2, Gen.OneOfConst(0f, -0f, 2f, float.NaN, float.NegativeInfinity, float.PositiveInfinity)));
        values.Array[1, 100].Sample(row =>
        {
            var byKey = Enumerable.Range(0, row.Length).OrderBy(i => NucleusSelection.Key(row[i], i)).ToArray();
            Assert.Equal(DecodingReference.Order(row), byKey);
        }, iter: 300);
    }

    [Fact]
    public void Select_matches_the_definition_for_probabilities_and_for_logits_with_weights()
    {
        foreach (var length in new[] { 1, 5, 63, 64, 65, 100, 1000, 5000 })
        {
            foreach (var scale in new[] { 0.1, 1, 4 })
            {
                var logits = Rows.Normal(length, scale, seed: length);
                var max = logits.Max();
                var weights = logits.Select(x => ExpKernel.Exp(x - max)).ToArray();
                var probabilities = DecodingReference.Probabilities(length, scale, seed: length);
                foreach (var p in new[] { 0.1, 0.5, 0.9, 0.99, 1.0 })
                {
                    var total = weights.Sum(w => (double)w);
                    Check(logits, weights, p * total);
                    Check(probabilities, probabilities, p);
                }
            }
        }

        static void Check(float[] order, float[] mass, double target)
        {
            var expected = Definition(order, mass, target);
            var indices = new int[order.Length];
            var count = NucleusSelection.Select(order, mass, target, indices);
            Assert.Equal(expected, indices[..count]);
        }
    }

    [Fact]
    public void Select_sorts_the_tokens_below_the_cut_when_rounding_defeats_the_histogram()
    {
        // In rank order 2^53 + 1 rounds back to 2^53 every time, so the running sum never grows; the
        // bucket sums (2^53, then 100, then 50) do reach the target. Every token is kept, sorted.
        var mass = new float[1 + 100 + 100];
        mass[0] = 9007199254740992f;
        for (var i = 1; i <= 100; i++)
        {
            mass[i] = 1;
            mass[100 + i] = 0.5f;
        }
        var indices = new int[mass.Length];
        var count = NucleusSelection.Select(mass, mass, 9007199254740992.0 + 2, indices);
        Assert.Equal(mass.Length, count);
        Assert.Equal(DecodingReference.Order(mass), indices);
    }

    [Fact]
    public void Select_stops_at_a_zero_mass()
    {
        var indices = new int[100];
        var mass = new float[100];
        mass[7] = 0.5f;
        mass[90] = 0.25f;
        Assert.Equal(2, NucleusSelection.Select(mass, mass, 0.9, indices));
        Assert.Equal([7, 90], indices[..2]);
        Assert.Equal(1, NucleusSelection.Select(new float[100], new float[100], 0.9, indices));
        Assert.Equal(0, indices[0]);
    }

    [Fact]
    public void MinPThreshold_makes_the_float_compare_exact()
    {
        Gen.Select(Gen.Float[0f, 1f], Gen.Float[0f, 1f], Gen.Float[0f, 1f]).Sample((minP, max, x) =>
        {
            var threshold = NucleusSelection.MinPThreshold(minP, max);
            Assert.Equal((double)x >= (double)minP * max, x >= threshold);
            Assert.True(threshold >= (double)minP * max);
        }, iter: 2000);
        Assert.Equal(0.4f, NucleusSelection.MinPThreshold(0.5f, 0.8f));
        Assert.Equal(MathF.BitIncrement((float)(0.1 * (double)0.3f)), NucleusSelection.MinPThreshold(0.1f, 0.3f), 0f);
    }

    [Fact]
    public void BlockSum_is_the_16_partial_sum_order_bit_for_bit_on_this_SIMD_path()
    {
        var random = new Random(5);
        for (var length = 0; length <= CategoricalDraw.BlockSize; length++)
        {
            var block = Enumerable.Range(0, length).Select(_ => (float)Math.Exp(-20 * random.NextDouble())).ToArray();
            // The documented order, written out: weight j into partial j mod 16, then a halving tree.
            var partials = new double[16];
            for (var j = 0; j < length; j++)
            {
                partials[j % 16] += block[j];
            }
            for (var width = 8; width >= 1; width /= 2)
            {
                for (var q = 0; q < width; q++)
                {
                    partials[q] += partials[q + width];
                }
            }
            var actual = CategoricalDraw.BlockSum(block);
            Assert.True(BitConverter.DoubleToInt64Bits(partials[0]) == BitConverter.DoubleToInt64Bits(actual), $"length {length}: {partials[0]:R} vs {actual:R}");
        }
    }

    [Fact]
    public void Draw_finds_the_first_index_whose_running_sum_passes_u_times_the_total()
    {
        float[] weights = [1, 0, 2, 3, 0];
        var sums = new double[CategoricalDraw.BlockCount(weights.Length)];
        var total = CategoricalDraw.BlockSums(weights, sums);
        Assert.Equal(6, total);
        Assert.Equal(0, CategoricalDraw.Draw(weights, sums, total, 0));
        Assert.Equal(0, CategoricalDraw.Draw(weights, sums, total, 0.1));
        Assert.Equal(2, CategoricalDraw.Draw(weights, sums, total, 0.2));
        Assert.Equal(2, CategoricalDraw.Draw(weights, sums, total, 0.49));
        Assert.Equal(3, CategoricalDraw.Draw(weights, sums, total, 0.5));
        Assert.Equal(3, CategoricalDraw.Draw(weights, sums, total, 1 - 1e-16));
        // u = 1 is outside [0, 1) but shows the fallback: the last index of nonzero weight.
        Assert.Equal(3, CategoricalDraw.Draw(weights, sums, total, 1));
    }

    [Fact]
    public void Draw_over_many_blocks_matches_a_running_sum_and_never_picks_a_zero_weight()
    {
        var weights = new float[3000];
        var random = new Random(9);
        for (var i = 0; i < weights.Length; i++)
        {
            // Integers: every sum is exact, so the block order cannot change the answer.
            weights[i] = i % 7 == 0 ? 0 : random.Next(1, 100);
        }
        var sums = new double[CategoricalDraw.BlockCount(weights.Length)];
        var total = CategoricalDraw.BlockSums(weights, sums);
        Assert.Equal(weights.Sum(w => (double)w), total);
        for (var k = 0; k < 2000; k++)
        {
            var u = random.NextDouble();
            var index = CategoricalDraw.Draw(weights, sums, total, u);
            var running = 0.0;
            var expected = -1;
            for (var i = 0; i < weights.Length && expected < 0; i++)
            {
                running += weights[i];
                if (weights[i] > 0 && running > u * total)
                {
                    expected = i;
                }
            }
            Assert.Equal(expected, index);
            Assert.NotEqual(0f, weights[index]);
        }
    }

    /// <summary>The nucleus by its definition: rank by order (stable), add masses in double, stop at the target or a zero mass.</summary>
    private static int[] Definition(float[] order, float[] mass, double target)
    {
        var ranked = DecodingReference.Order(order);
        var running = 0.0;
        for (var j = 0; j < ranked.Length; j++)
        {
            if (mass[ranked[j]] == 0)
            {
                return ranked[..Math.Max(j, 1)];
            }
            running += mass[ranked[j]];
            if (running >= target)
            {
                return ranked[..(j + 1)];
            }
        }
        return ranked;
    }
}
