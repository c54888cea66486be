using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

public class CalibrationTests
{
    private static readonly float[] Confidence = [0.9f, 0.8f, 0.7f, 0.4f];
    private static readonly bool[] Correct = [true, false, true, false];

    [Fact]
    public void Worked_example_with_two_bins_is_0_2()
    {
        // Bin (0, .5]: {.4 wrong}: |0 − .4| · 1/4 = 0.1. Bin (.5, 1]: {.9, .8, .7}: accuracy 2/3, mean
        // confidence .8: |.6667 − .8| · 3/4 = 0.1. Total 0.2, up to the float rounding of the
        // confidences (≈ 3e-8 each).
        var ece = Metrics.ExpectedCalibrationError(Confidence, Correct, bins: 2);
        Assertions.Close(ReferenceEce(Confidence, Correct, 2), ece, relative: 1e-15);
        Assertions.Close(0.2, ece, relative: 0, absolute: 1e-7, what: "hand value");
    }

    [Fact]
    public void One_bin_is_the_gap_between_accuracy_and_mean_confidence()
    {
        // Accuracy 0.5, mean confidence 0.7.
        Assertions.Close(0.2, Metrics.ExpectedCalibrationError(Confidence, Correct, bins: 1), relative: 0, absolute: 1e-7);
    }

    [Fact]
    public void With_a_bin_per_sample_it_is_the_mean_absolute_gap()
    {
        // 100 bins put each sample alone (the other 96 bins are empty and skipped):
        // (|1 − .9| + |0 − .8| + |1 − .7| + |0 − .4|) / 4 = 1.6 / 4 = 0.4.
        var ece = Metrics.ExpectedCalibrationError(Confidence, Correct, bins: 100);
        Assertions.Close(ReferenceEce(Confidence, Correct, 100), ece, relative: 1e-15);
        Assertions.Close(0.4, ece, relative: 0, absolute: 1e-7, what: "hand value");
    }

    [Fact]
    public void Perfect_calibration_is_zero()
    {
        // Confidence .75 (exact in float), right 3 times in 4, in every bin count.
        float[] confidence = [0.75f, 0.75f, 0.75f, 0.75f];
        bool[] correct = [true, true, false, true];
        foreach (var bins in new[] { 1, 2, 3, 10, 15, 1000 })
        {
            Assert.Equal(0.0, Metrics.ExpectedCalibrationError(confidence, correct, bins));
        }
    }

    [Fact]
    public void Worst_calibration_is_one()
    {
        Assert.Equal(1.0, Metrics.ExpectedCalibrationError([1f, 1f, 1f], [false, false, false], 10));
        Assert.Equal(1.0, Metrics.ExpectedCalibrationError([0f, 0f], [true, true], 10));
    }

    [Fact]
    public void A_confidence_on_an_edge_belongs_to_the_lower_bin()
    {
        // 0.5 with 2 bins is in (0, .5]. If it were in (.5, 1] with the 1.0, that bin would hold
        // gaps (1 − .5) + (0 − 1) = −.5 and ECE would be 0.25; in the lower bin it is (.5 + 1) / 2.
        Assert.Equal(0.75, Metrics.ExpectedCalibrationError([0.5f, 1f], [true, false], 2));
        // 0 goes in the first bin and 1 in the last.
        Assert.Equal(0, Metrics.CalibrationBin(0.0, 2));
        Assert.Equal(0, Metrics.CalibrationBin(0.5, 2));
        Assert.Equal(1, Metrics.CalibrationBin(Math.BitIncrement(0.5), 2));
        Assert.Equal(1, Metrics.CalibrationBin(1.0, 2));
        Assert.Equal(0, Metrics.CalibrationBin(0.25, 4));
        Assert.Equal(2, Metrics.CalibrationBin(0.75, 4));
        Assert.Equal(0, Metrics.CalibrationBin(1.0, 1));
    }

    [Theory]
    // Floats are not the decimals they print as: 0.1f, 0.2f, 0.3f, 0.6f are just above the edge,
    // 0.7f and 0.9f just below, so each falls on the side it is really on.
    [InlineData(0.1f, 1)]
    [InlineData(0.2f, 2)]
    [InlineData(0.3f, 3)]
    [InlineData(0.6f, 6)]
    [InlineData(0.7f, 6)]
    [InlineData(0.9f, 8)]
    [InlineData(1f, 9)]
    [InlineData(0f, 0)]
    [InlineData(1e-45f, 0)]
    public void Float_confidences_near_decimal_edges_with_ten_bins(float confidence, int bin)
    {
        Assert.Equal(bin, Metrics.CalibrationBin(confidence, 10));
    }

    [Fact]
    public void A_product_that_rounds_does_not_pick_the_bin()
    {
        // c · bins is exact in double for float c and bins < 2^29, but not beyond: here it rounds down
        // onto 2073992949 exactly, so ceil(c · bins) − 1 would say bin 2073992948, while c is above that
        // bin's upper edge 2073992949 / bins (as a double). Found by a random search near edges.
        const float confidence = 0.9713067f;
        const int bins = 2_135_260_663;
        Assert.True(confidence > 2073992949.0 / bins);
        Assert.Equal(2073992949.0, Math.Ceiling((double)confidence * bins));
        Assert.Equal(2_073_992_949, Metrics.CalibrationBin(confidence, bins));
    }

    [Fact]
    public void Bins_agree_with_a_brute_force_search_at_and_around_every_edge()
    {
        // For every bin count up to 64 (and a few large ones), the floats nearest each edge i / bins
        // and their neighbours: the cases where c · bins rounds onto an integer.
        foreach (var bins in Enumerable.Range(1, 64).Concat([100, 1000, 65_537, 1 << 24, int.MaxValue]))
        {
            var edges = bins <= 1000 ? Enumerable.Range(0, bins + 1) : new[] { 0, 1, 2, bins / 3, bins / 2, bins - 1, bins };
            foreach (var i in edges)
            {
                var edge = (float)((double)i / bins);
                foreach (var c in new[] { MathF.BitDecrement(edge), edge, MathF.BitIncrement(edge) })
                {
                    if (c is >= 0 and <= 1)
                    {
                        Assert.True(BruteForceBin(c, bins) == Metrics.CalibrationBin(c, bins), $"confidence {c:R}, bins {bins}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Random_input_matches_the_reference()
    {
        var random = new Random(3);
        var confidence = Enumerable.Range(0, 5000).Select(_ => (float)random.NextDouble()).ToArray();
        // Overconfident: right with probability confidence².
        var correct = confidence.Select(c => random.NextDouble() < c * c).ToArray();
        foreach (var bins in new[] { 1, 2, 10, 15, 100 })
        {
            // Different summation orders only: the sums are over ≤ 5000 terms in [−1, 1].
            Assertions.Close(ReferenceEce(confidence, correct, bins), Metrics.ExpectedCalibrationError(confidence, correct, bins), relative: 1e-12, absolute: 1e-15);
        }
    }

    [Fact]
    public void More_bins_than_samples_uses_the_sparse_path_and_agrees()
    {
        // 100 distinct confidences ≥ 1/32: floats there are ≥ 2^-29 apart, so with 2^30 bins each is
        // alone and ECE is the mean absolute gap. bins > DenseBinLimit and > N takes the dictionary path.
        var random = new Random(4);
        var confidence = Enumerable.Range(0, 100).Select(_ => (float)(0.03125 + (0.96875 * random.NextDouble()))).Distinct().ToArray();
        var correct = confidence.Select(_ => random.Next(2) == 1).ToArray();
        var expected = confidence.Zip(correct, (c, y) => Math.Abs((y ? 1.0 : 0.0) - c)).Sum() / confidence.Length;
        Assertions.Close(expected, Metrics.ExpectedCalibrationError(confidence, correct, 1 << 30), relative: 1e-14);
        Assertions.Close(expected, Metrics.ExpectedCalibrationError(confidence, correct, int.MaxValue), relative: 1e-14);

        // Just above the dense limit, sparse and a reference agree exactly on shared bins too.
        var bins = Metrics.DenseBinLimit + 1;
        var clustered = confidence.Select(c => MathF.Round(c * 64) / 64).ToArray();
        Assertions.Close(ReferenceEce(clustered, correct, bins), Metrics.ExpectedCalibrationError(clustered, correct, bins), relative: 1e-14);
    }

    [Fact]
    public void Sparse_and_dense_paths_give_the_same_bits()
    {
        // With N ≥ bins the dense path is used even above the limit; below N the sparse one. Same numbers.
        var random = new Random(6);
        var confidence = Enumerable.Range(0, 70_000).Select(_ => (float)random.NextDouble()).ToArray();
        var correct = confidence.Select(_ => random.Next(2) == 1).ToArray();
        var bins = Metrics.DenseBinLimit + 10;
        var dense = Metrics.ExpectedCalibrationError(confidence, correct, bins);
        var sparse = Metrics.ExpectedCalibrationError(confidence.AsSpan(0, 1000), correct.AsSpan(0, 1000), bins);
        var sparseReference = ReferenceEce(confidence[..1000], correct[..1000], bins);
        Assertions.Close(ReferenceEce(confidence, correct, bins), dense, relative: 1e-12);
        Assertions.Close(sparseReference, sparse, relative: 1e-12);
    }

    [Fact]
    public void Half_and_bfloat16_equal_float_of_the_same_values()
    {
        var random = new Random(8);
        var confidence = Enumerable.Range(0, 500).Select(_ => (float)random.NextDouble()).ToArray();
        var correct = confidence.Select(_ => random.Next(2) == 1).ToArray();
        var half = Rows.ToHalf(confidence);
        var bf16 = Rows.ToBFloat16(confidence);
        Assert.Equal(Metrics.ExpectedCalibrationError(Rows.ToSingle(half), correct, 15), Metrics.ExpectedCalibrationError(half, correct, 15));
        Assert.Equal(Metrics.ExpectedCalibrationError(Rows.ToSingle(bf16), correct, 15), Metrics.ExpectedCalibrationError(bf16, correct, 15));
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.ExpectedCalibrationError([(Half)1.5f], [true], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.ExpectedCalibrationError([BFloat16.NaN], [true], 2));
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.0000001f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_confidence_outside_zero_one_throws_naming_index_and_value(float bad)
    {
        float[] confidence = [0.5f, 0.2f, bad];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.ExpectedCalibrationError(confidence, [true, false, true], 10));
        Assert.Equal("confidence", error.ParamName);
        Assert.Contains($"confidence[2] is {bad.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_zero_is_a_valid_confidence()
    {
        Assert.Equal(1.0, Metrics.ExpectedCalibrationError([-0f], [true], 3));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Bins_that_are_not_positive_throw(int bins)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.ExpectedCalibrationError(Confidence, Correct, bins));
        Assert.Equal("bins", error.ParamName);
        Assert.Contains($"bins {bins} must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatched_lengths_throw_naming_both()
    {
        var error = Assert.Throws<ArgumentException>(() => Metrics.ExpectedCalibrationError(Confidence, [true, false], 10));
        Assert.Equal("correct", error.ParamName);
        Assert.Contains("correct.Length 2 does not match confidence.Length 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Metrics.ExpectedCalibrationError(ReadOnlySpan<float>.Empty, ReadOnlySpan<bool>.Empty, 10));
        Assert.Equal("confidence", error.ParamName);
    }

    [Fact]
    public void Length_one_is_the_absolute_gap()
    {
        Assertions.Close(1 - (double)0.3f, Metrics.ExpectedCalibrationError([0.3f], [true], 15), relative: 2.3e-16);
        Assert.Equal((double)0.3f, Metrics.ExpectedCalibrationError([0.3f], [false], 15));
    }

    [Fact]
    public void Property_ece_is_in_zero_one()
    {
        var sample = Gen.Select(Gen.Float[0f, 1f].Array[1, 200], Gen.Bool.Array[200], Gen.Int[1, 40]);
        sample.Sample((confidence, correct, bins) =>
        {
            var ece = Metrics.ExpectedCalibrationError(confidence, correct.AsSpan(0, confidence.Length), bins);
            Assert.True(ece is >= 0 and <= 1, $"ECE {ece:R} outside [0, 1]");
            Assertions.Close(ReferenceEce(confidence, correct[..confidence.Length], bins), ece, relative: 1e-12, absolute: 1e-15);
        }, iter: 2000);

        // Confidences only at the extremes, where the bound is reached.
        Gen.Select(Gen.OneOfConst(0f, 1f).Array[1, 50], Gen.Bool.Array[50], Gen.Int[1, 40]).Sample((confidence, correct, bins) =>
        {
            var ece = Metrics.ExpectedCalibrationError(confidence, correct.AsSpan(0, confidence.Length), bins);
            Assert.True(ece is >= 0 and <= 1, $"ECE {ece:R} outside [0, 1]");
        }, iter: 500);
    }

    /// <summary>The bin by linear search over the edges b / bins (as doubles), straight from the definition.</summary>
    private static int BruteForceBin(double confidence, int bins)
    {
        if (bins > 1000)
        {
            // Binary search for the first b with confidence ≤ (b + 1) / bins.
            int lo = 0, hi = bins - 1;
            while (lo < hi)
            {
                var mid = lo + ((hi - lo) / 2);
                if (confidence <= (double)(mid + 1) / bins)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }
            return lo;
        }
        for (var b = 0; b < bins; b++)
        {
            if (confidence <= (double)(b + 1) / bins)
            {
                return b;
            }
        }
        return bins - 1;
    }

    /// <summary>Σ (n_b / N) · |acc_b − conf_b| over the non-empty bins, written as the definition.</summary>
    private static double ReferenceEce(float[] confidence, bool[] correct, int bins)
    {
        var groups = new SortedDictionary<int, List<int>>();
        for (var i = 0; i < confidence.Length; i++)
        {
            var bin = BruteForceBin(confidence[i], bins);
            if (!groups.TryGetValue(bin, out var members))
            {
                groups[bin] = members = [];
            }
            members.Add(i);
        }
        double ece = 0;
        foreach (var members in groups.Values)
        {
            var accuracy = members.Count(i => correct[i]) / (double)members.Count;
            var meanConfidence = members.Sum(i => (double)confidence[i]) / members.Count;
            ece += members.Count / (double)confidence.Length * Math.Abs(accuracy - meanConfidence);
        }
        return ece;
    }
}
