using System;
using System.Linq;
using CsCheck;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests.Losses;

/// <summary>InfoNCE and the triplet margin loss.</summary>
public class ContrastiveLossTests
{
    private const double Tight = 1e-6;

    // ---- references, in double ----

    private static double[] ReferenceInfoNceRows(float[] s, int n, double temperature)
    {
        var rows = new double[n];
        for (var i = 0; i < n; i++)
        {
            var row = s.Skip(i * n).Take(n).Select(v => (double)v).ToArray();
            var max = row.Max();
            var logSum = Math.Log(row.Sum(v => Math.Exp((v - max) / temperature)));
            rows[i] = logSum - ((row[i] - max) / temperature);
        }
        return rows;
    }

    private static double ReferenceTriplet(float[] a, float[] p, float[] n, double margin)
    {
        static double Distance(float[] x, float[] y) => Math.Sqrt(x.Select((v, i) => ((double)v - y[i]) * ((double)v - y[i])).Sum());
        return Math.Max(0, Distance(a, p) - Distance(a, n) + margin);
    }

    private static float[] Identity(int n, float diagonal, float offDiagonal = 0f)
    {
        var s = new float[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                s[(i * n) + j] = i == j ? diagonal : offDiagonal;
            }
        }
        return s;
    }

    // ---- InfoNce ----

    [Fact]
    public void InfoNce_identity_like_matrix()
    {
        // s = I (4 × 4), τ = 1: every row is log(e + 3) − 1 = 0.7436.
        var perRow = new float[4];
        var loss = Loss.InfoNce(Identity(4, 1f), 4, 1f, perRow);
        var expected = Math.Log(Math.E + 3) - 1;
        Assertions.Close(expected, loss, relative: Tight);
        Assertions.AllClose(Enumerable.Repeat(expected, 4).ToArray(), perRow, relative: Tight);
        // τ = 0.1 sharpens it: log(e^10 + 3) − 10 = log1p(3e^-10) = 1.362e-4.
        Assertions.Close(Math.Log(1 + (3 * Math.Exp(-10))), Loss.InfoNce(Identity(4, 1f), 4, 0.1f), relative: 1e-5);
    }

    [Fact]
    public void InfoNce_confident_rows_keep_their_small_loss()
    {
        // s = 30·I, n = 5: loss = log1p(4e^-30) = 3.7e-13, which log(1 + 4e^-30) would get to 3 digits.
        var x = 4 * Math.Exp(-30);
        Assertions.Close(x - (x * x / 2), Loss.InfoNce(Identity(5, 30f), 5, 1f), relative: Tight);
    }

    [Fact]
    public void InfoNce_with_the_positive_below_the_rest_costs_the_gap()
    {
        // Diagonal 0, off-diagonal 1, n = 3, τ = 0.5: log(1·e^-2 + 2) + 2 per row (shifted by max 1).
        var expected = Math.Log(Math.Exp(-2) + 2) + 2;
        Assertions.Close(expected, Loss.InfoNce(Identity(3, 0f, 1f), 3, 0.5f), relative: Tight);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(17)]
    public void InfoNce_matches_reference(int n)
    {
        foreach (var temperature in new[] { 0.07f, 1f, 3.5f })
        {
            var s = Rows.Normal(n * n, 1, seed: n);
            var perRow = new float[n];
            var loss = Loss.InfoNce(s, n, temperature, perRow);
            var expected = ReferenceInfoNceRows(s, n, temperature);
            Assertions.AllClose(expected, perRow, relative: Tight, absolute: 1e-12);
            Assertions.Close(expected.Average(), loss, relative: Tight, what: $"n {n}, τ {temperature}");
        }
    }

    [Fact]
    public void InfoNce_one_pair_is_zero()
    {
        Assert.Equal(0f, Loss.InfoNce([123f], 1, 0.07f));
    }

    [Fact]
    public void InfoNce_huge_similarities_and_temperatures_do_not_overflow()
    {
        // Positives far above: 0. Positives far below: the gap / τ, 2e30.
        Assert.Equal(0f, Loss.InfoNce([1e30f, -1e30f, -1e30f, 1e30f], 2, 0.01f));
        Assertions.Close(2e30, Loss.InfoNce([-1e30f, 1e30f, 1e30f, -1e30f], 2, 1f), relative: Tight);
        Assertions.Close(2e30, Loss.InfoNce([-3e38f, 3e38f, 3e38f, -3e38f], 2, 3e8f), relative: Tight);
        // τ = 1e-30: s / τ would overflow for |s| > 3.4e8; (s − max) / τ with the positive on top is 0.
        Assert.Equal(0f, Loss.InfoNce([1f, 0.5f, 0.5f, 1f], 2, 1e-30f));
        Assertions.Close(0.5e30, Loss.InfoNce([0.5f, 1f, 1f, 0.5f], 2, 1e-30f), relative: Tight);
        // τ = 1e30: every logit is ~0, so each row is log n.
        Assertions.Close(Math.Log(3), Loss.InfoNce(Identity(3, 5f), 3, 1e30f), relative: Tight);
        // Subnormal similarities: a uniform row.
        Assertions.Close(Math.Log(2), Loss.InfoNce([float.Epsilon, 0f, 0f, float.Epsilon], 2, 1f), relative: Tight);
    }

    [Fact]
    public void InfoNce_bad_rows_are_nan_and_leave_other_rows_alone()
    {
        var s = Identity(3, 1f);
        s[1] = float.NaN;                      // row 0
        s[5] = float.PositiveInfinity;         // row 1
        var perRow = new float[3];
        var loss = Loss.InfoNce(s, 3, 1f, perRow);
        Assert.True(float.IsNaN(perRow[0]));
        Assert.True(float.IsNaN(perRow[1]));
        Assertions.Close(Math.Log(Math.E + 2) - 1, perRow[2], relative: Tight);
        Assert.True(float.IsNaN(loss));

        // All −inf row: NaN. A −inf positive beside finite negatives: +inf.
        var allNegativeInfinity = new[] { float.NegativeInfinity, float.NegativeInfinity, 0f, 1f };
        Loss.InfoNce(allNegativeInfinity, 2, 1f, perRow.AsSpan(0, 2));
        Assert.True(float.IsNaN(perRow[0]));
        Assertions.Close(Math.Log(1 + Math.Exp(-1)), perRow[1], relative: Tight);
        Assert.Equal(float.PositiveInfinity, Loss.InfoNce([float.NegativeInfinity, 0f, 0f, 1f], 2, 1f));
    }

    [Fact]
    public void InfoNce_rows_are_negative_log_softmax_at_the_diagonal()
    {
        // Cross-check with the softmax family: row loss i = −LogSoftmax(row, τ)[i].
        Gen.Select(Gen.Int[1, 12], Gen.Float[0.05f, 5f], Gen.Int).Sample((n, temperature, seed) =>
        {
            var s = Rows.Normal(n * n, 2, seed);
            var perRow = new float[n];
            var loss = Loss.InfoNce(s, n, temperature, perRow);
            var logSoftmax = new float[n];
            double sum = 0;
            for (var i = 0; i < n; i++)
            {
                Probability.LogSoftmax(s.AsSpan(i * n, n), logSoftmax, temperature);
                Assertions.Close(-logSoftmax[i], perRow[i], relative: 1e-5, absolute: 1e-6, what: $"row {i}");
                Assert.True(perRow[i] >= 0);
                sum += perRow[i];
            }
            Assertions.Close(sum / n, loss, relative: 1e-6, absolute: 1e-7);
        }, iter: 200);
    }

    [Fact]
    public void InfoNce_argument_errors()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.InfoNce(new float[10], 3, 1f));
        Assert.Equal("similarities", e.ParamName);
        Assert.StartsWith("similarities.Length 10 does not match n·n = 9 for n 3.", e.Message);
        // n·n past int.MaxValue does not wrap around.
        e = Assert.Throws<ArgumentException>(() => Loss.InfoNce(new float[1], 65536, 1f));
        Assert.Contains("4294967296", e.Message);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.InfoNce(ReadOnlySpan<float>.Empty, 0, 1f));
        Assert.Equal("n", range.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.InfoNce([1f], -1, 1f));
        foreach (var temperature in new[] { 0f, -1f, float.NaN, float.PositiveInfinity })
        {
            range = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.InfoNce([1f], 1, temperature));
            Assert.Equal("temperature", range.ParamName);
        }
        e = Assert.Throws<ArgumentException>(() => Loss.InfoNce(new float[4], 2, 1f, new float[3]));
        Assert.Equal("perRowLoss", e.ParamName);
        Assert.Contains("perRowLoss.Length 3", e.Message);
        Assert.Contains("n 2", e.Message);
        var shared = new float[6];
        e = Assert.Throws<ArgumentException>(() => Loss.InfoNce(shared.AsSpan(0, 4), 2, 1f, shared.AsSpan(3, 2)));
        Assert.Equal("perRowLoss", e.ParamName);
    }

    [Fact]
    public void InfoNce_half_and_bfloat16_match_float_of_widened_inputs()
    {
        const int n = 7;
        var s = Rows.Normal(n * n, 2, seed: 5);
        var half = Rows.ToHalf(s);
        var bf16 = Rows.ToBFloat16(s);
        var expectedRows = new float[n];
        var actualRows = new float[n];

        var expected = Loss.InfoNce(Rows.ToSingle(half), n, 0.2f, expectedRows);
        Assert.Equal(expected, Loss.InfoNce(half, n, 0.2f, actualRows));
        Assert.Equal(expectedRows, actualRows);

        expected = Loss.InfoNce(Rows.ToSingle(bf16), n, 0.2f, expectedRows);
        Assert.Equal(expected, Loss.InfoNce(bf16, n, 0.2f, actualRows));
        Assert.Equal(expectedRows, actualRows);
        Assert.Throws<ArgumentException>(() => Loss.InfoNce(half, n + 1, 0.2f));
    }

    // ---- Triplet ----

    [Fact]
    public void Triplet_known_distances()
    {
        float[] anchor = [0f, 0f];
        float[] positive = [3f, 4f];   // ‖a − p‖ = 5
        float[] farNegative = [6f, 8f];   // ‖a − n‖ = 10
        float[] nearNegative = [1f, 0f];  // ‖a − n‖ = 1
        Assert.Equal(0f, Loss.Triplet(anchor, positive, farNegative, 1f));     // 5 − 10 + 1 < 0
        Assert.Equal(2f, Loss.Triplet(anchor, positive, farNegative, 7f));     // 5 − 10 + 7
        Assert.Equal(5f, Loss.Triplet(anchor, positive, nearNegative, 1f));    // 5 − 1 + 1
        Assert.Equal(3f, Loss.Triplet(anchor, positive, nearNegative, -1f));   // negative margins are allowed
        Assert.Equal(0.5f, Loss.Triplet([2f], [2f], [2f], 0.5f));               // length 1, all distances 0
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(64)]
    [InlineData(67)]
    public void Triplet_matches_reference(int length)
    {
        var a = Rows.Normal(length, 1, seed: length);
        var p = Rows.Normal(length, 1, seed: length + 100);
        var n = Rows.Normal(length, 1, seed: length + 200);
        foreach (var margin in new[] { 0f, 0.5f, 3f, 10f })
        {
            Assertions.Close(ReferenceTriplet(a, p, n, margin), Loss.Triplet(a, p, n, margin), relative: Tight, absolute: 1e-6, what: $"margin {margin}");
        }
    }

    [Fact]
    public void Triplet_distances_neither_overflow_nor_underflow()
    {
        // Squares of 6e38 overflow float; in double the distances are 8.49e38 and 6e38, the loss 2.49e38.
        float[] a = [3e38f, 3e38f];
        float[] p = [-3e38f, -3e38f];
        float[] n = [-3e38f, 3e38f];
        Assertions.Close((Math.Sqrt(2) * 6e38) - 6e38 + 1, Loss.Triplet(a, p, n, 1f), relative: Tight);
        // Squares of 1e-30 underflow float; the loss 3e-30 − 1e-30 = 2e-30 does not.
        Assertions.Close(2e-30, Loss.Triplet([0f, 0f], [3e-30f, 0f], [0f, 1e-30f], 0f), relative: Tight);
        // Subnormal coordinates: ‖(3ε, 4ε)‖ = 5ε exactly.
        Assert.Equal(5 * float.Epsilon, Loss.Triplet([3 * float.Epsilon, 4 * float.Epsilon], [0f, 0f], [3 * float.Epsilon, 4 * float.Epsilon], 0f));
        // A loss beyond float's range is +inf.
        Assert.Equal(float.PositiveInfinity, Loss.Triplet(a, p, a, 0f));
    }

    [Fact]
    public void Triplet_nan_and_infinity()
    {
        Assert.True(float.IsNaN(Loss.Triplet([float.NaN], [0f], [0f], 1f)));
        Assert.True(float.IsNaN(Loss.Triplet([0f], [0f], [float.NaN], 1f)));
        Assert.Equal(float.PositiveInfinity, Loss.Triplet([0f], [float.PositiveInfinity], [0f], 1f));
        Assert.Equal(0f, Loss.Triplet([0f], [0f], [float.NegativeInfinity], 1f));
        Assert.True(float.IsNaN(Loss.Triplet([float.PositiveInfinity], [0f], [0f], 1f)), "inf − inf");
    }

    [Fact]
    public void Triplet_is_nonnegative_and_matches_reference_on_random_triplets()
    {
        Gen.Select(Gen.Float[-100f, 100f].Array[6], Gen.Float[-5f, 5f]).Sample((v, margin) =>
        {
            float[] a = [v[0], v[1]], p = [v[2], v[3]], n = [v[4], v[5]];
            var loss = Loss.Triplet(a, p, n, margin);
            Assert.True(loss >= 0);
            Assertions.Close(ReferenceTriplet(a, p, n, margin), loss, relative: 1e-6, absolute: 1e-4);
        }, iter: 300);
    }

    [Fact]
    public void Triplet_argument_errors()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.Triplet([0f, 0f], [0f], [0f, 0f], 1f));
        Assert.Equal("positive", e.ParamName);
        Assert.Contains("positive.Length 1", e.Message);
        Assert.Contains("anchor.Length 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => Loss.Triplet([0f, 0f], [0f, 0f], [0f, 0f, 0f], 1f));
        Assert.Equal("negative", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Loss.Triplet(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, 1f));
        Assert.Equal("anchor", e.ParamName);
        foreach (var margin in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var range = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Triplet([0f], [0f], [0f], margin));
            Assert.Equal("margin", range.ParamName);
        }
    }

    [Fact]
    public void Triplet_half_and_bfloat16_match_float_of_widened_inputs()
    {
        var a = Rows.Normal(20, 1, seed: 1);
        var p = Rows.Normal(20, 1, seed: 2);
        var n = Rows.Normal(20, 1, seed: 3);
        Assert.Equal(Loss.Triplet(Rows.ToSingle(Rows.ToHalf(a)), Rows.ToSingle(Rows.ToHalf(p)), Rows.ToSingle(Rows.ToHalf(n)), 2f),
            Loss.Triplet(Rows.ToHalf(a), Rows.ToHalf(p), Rows.ToHalf(n), 2f));
        Assert.Equal(Loss.Triplet(Rows.ToSingle(Rows.ToBFloat16(a)), Rows.ToSingle(Rows.ToBFloat16(p)), Rows.ToSingle(Rows.ToBFloat16(n)), 2f),
            Loss.Triplet(Rows.ToBFloat16(a), Rows.ToBFloat16(p), Rows.ToBFloat16(n), 2f));
    }
}
