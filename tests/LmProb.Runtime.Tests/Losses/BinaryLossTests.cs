using System;
using System.Linq;
using CsCheck;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests.Losses;

/// <summary>Binary cross-entropy with logits, focal loss and torchvision's sigmoid focal loss.</summary>
public class BinaryLossTests
{
    // One rounding of a double result to float, plus slack for the reference's own rounding.
    private const double Tight = 1e-6;

    // ---- references, in double ----

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>The textbook formula from probabilities; accurate in double for |x| ≲ 15.</summary>
    private static double NaiveBce(double x, double y)
    {
        var p = Sigmoid(x);
        return -((y * Math.Log(p)) + ((1 - y) * Math.Log(1 - p)));
    }

    /// <summary>torchvision.ops.sigmoid_focal_loss, line for line, in double (moderate |x| only).</summary>
    private static double TorchvisionFocal(double x, double y, double gamma, double alpha)
    {
        var p = Sigmoid(x);
        var ce = NaiveBce(x, y);
        var pT = (p * y) + ((1 - p) * (1 - y));
        var loss = ce * Math.Pow(1 - pT, gamma);
        if (alpha >= 0)
        {
            loss *= (alpha * y) + ((1 - alpha) * (1 - y));
        }
        return loss;
    }

    // ---- BinaryCrossEntropyWithLogits ----

    [Theory]
    [InlineData(0f)]
    [InlineData(0.3f)]
    [InlineData(1f)]
    public void Bce_at_zero_logit_is_ln2_for_any_target(float target)
    {
        Assertions.Close(Math.Log(2), Loss.BinaryCrossEntropyWithLogits(0f, target), relative: Tight);
        Assertions.Close(Math.Log(2), Loss.BinaryCrossEntropyWithLogits(float.Epsilon, target), relative: Tight, what: "subnormal logit");
    }

    [Fact]
    public void Bce_matches_the_naive_formula_on_moderate_values()
    {
        foreach (var x in new[] { -12f, -3.5f, -1f, -0.25f, 0.1f, 0.7f, 2f, 5f, 11f })
        {
            foreach (var y in new[] { 0f, 0.1f, 0.5f, 0.9f, 1f })
            {
                Assertions.Close(NaiveBce(x, y), Loss.BinaryCrossEntropyWithLogits(x, y), relative: Tight, what: $"x {x}, y {y}");
            }
        }
    }

    [Theory]
    [InlineData(100f, 0f, 100.0)]
    [InlineData(-100f, 1f, 100.0)]
    [InlineData(100f, 0.5f, 50.0)]
    [InlineData(1e30f, 0f, 1e30)]
    [InlineData(-1e30f, 1f, 1e30)]
    [InlineData(1e30f, 0.5f, 5e29)]
    [InlineData(-1e30f, 0.25f, 2.5e29)]
    [InlineData(3e38f, 0f, 3e38)]
    [InlineData(-3e38f, 1f, 3e38)]
    [InlineData(float.MaxValue, 0f, float.MaxValue)]
    public void Bce_huge_logits_are_finite_and_exact(float x, float y, double expected)
    {
        var loss = Loss.BinaryCrossEntropyWithLogits(x, y);
        Assert.True(float.IsFinite(loss), $"x {x}, y {y}: {loss}");
        Assertions.Close(expected, loss, relative: Tight, what: $"x {x}, y {y}");
    }

    [Theory]
    [InlineData(1e30f, 1f)]
    [InlineData(-1e30f, 0f)]
    [InlineData(3e38f, 1f)]
    public void Bce_huge_agreeing_logits_give_zero(float x, float y)
    {
        Assert.Equal(0f, Loss.BinaryCrossEntropyWithLogits(x, y));
    }

    [Fact]
    public void Bce_confident_and_right_keeps_its_tiny_loss()
    {
        // x = 100, y = 1: log1p(e^-100) = e^-100 = 3.7e-44, a float subnormal (step 1.4e-45).
        Assertions.Close(Math.Exp(-100), Loss.BinaryCrossEntropyWithLogits(100f, 1f), relative: 0, absolute: float.Epsilon);
        Assertions.Close(Math.Exp(-100), Loss.BinaryCrossEntropyWithLogits(-100f, 0f), relative: 0, absolute: float.Epsilon);
        // x = 30: e^-30 = 9.4e-14, normal in float: full precision.
        Assertions.Close(Math.Exp(-30), Loss.BinaryCrossEntropyWithLogits(30f, 1f), relative: Tight);
    }

    [Fact]
    public void Bce_infinite_logits_give_their_limits()
    {
        Assert.Equal(0f, Loss.BinaryCrossEntropyWithLogits(float.PositiveInfinity, 1f));
        Assert.Equal(0f, Loss.BinaryCrossEntropyWithLogits(float.NegativeInfinity, 0f));
        Assert.Equal(float.PositiveInfinity, Loss.BinaryCrossEntropyWithLogits(float.PositiveInfinity, 0f));
        Assert.Equal(float.PositiveInfinity, Loss.BinaryCrossEntropyWithLogits(float.PositiveInfinity, 0.5f));
        Assert.Equal(float.PositiveInfinity, Loss.BinaryCrossEntropyWithLogits(float.NegativeInfinity, 1f));
    }

    [Fact]
    public void Bce_nan_gives_nan_and_targets_outside_unit_interval_throw()
    {
        Assert.True(float.IsNaN(Loss.BinaryCrossEntropyWithLogits(float.NaN, 1f)));
        Assert.True(float.IsNaN(Loss.BinaryCrossEntropyWithLogits(float.NaN, 0f)));
        Assert.True(float.IsNaN(Loss.BinaryCrossEntropyWithLogits(1f, float.NaN)));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryCrossEntropyWithLogits(1f, 1.5f));
        Assert.Equal("target", e.ParamName);
        Assert.Contains("1.5", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryCrossEntropyWithLogits(1f, -0.01f));
    }

    [Fact]
    public void Bce_is_nonnegative()
    {
        // (Gen.Float[-3e38f, 3e38f] overflows its own range arithmetic and yields NaN, so scale instead.)
        var logits = Gen.OneOf(Gen.Float[-50f, 50f], Gen.Float[-1f, 1f].Select(v => v * 3e38f), Gen.Float[-1e-30f, 1e-30f]);
        Gen.Select(logits, Gen.Float[0f, 1f]).Sample((x, y) =>
        {
            var loss = Loss.BinaryCrossEntropyWithLogits(x, y);
            Assert.True(loss >= 0 && !float.IsNaN(loss), $"x {x}, y {y}: {loss}");
        }, iter: 1000);
    }

    [Fact]
    public void Bce_is_symmetric_under_flipping_logit_and_target()
    {
        // BCE(x, y) = BCE(−x, 1 − y); targets on a 1/1024 grid so 1 − y is exact in float.
        Gen.Select(Gen.Float[-1e6f, 1e6f], Gen.Int[0, 1024].Select(k => k / 1024f)).Sample((x, y) =>
            Assertions.Close(Loss.BinaryCrossEntropyWithLogits(x, y), Loss.BinaryCrossEntropyWithLogits(-x, 1 - y),
                relative: 1e-6, absolute: 1e-30), iter: 300);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(64)]
    [InlineData(67)]
    public void Bce_span_is_the_mean_of_the_scalar_losses(int length)
    {
        var logits = Rows.Normal(length, 4, seed: length);
        var random = new Random(length);
        var targets = Enumerable.Range(0, length).Select(_ => random.Next(3) switch { 0 => 0f, 1 => 1f, _ => (float)random.NextDouble() }).ToArray();
        var expected = logits.Select((x, i) => NaiveBce(x, targets[i])).Average();
        Assertions.Close(expected, Loss.BinaryCrossEntropyWithLogits(logits, targets), relative: 1e-6);
    }

    [Fact]
    public void Bce_span_argument_errors()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.BinaryCrossEntropyWithLogits([1f, 2f], [1f]));
        Assert.Contains("targets.Length 1", e.Message);
        Assert.Contains("logits.Length 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => Loss.BinaryCrossEntropyWithLogits(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty));
        Assert.Equal("logits", e.ParamName);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryCrossEntropyWithLogits([1f, 2f, 3f], [0f, 1f, 2f]));
        Assert.Equal("targets", range.ParamName);
        Assert.Contains("targets[2] 2", range.Message);
    }

    [Fact]
    public void Bce_span_half_and_bfloat16_match_float_of_widened_inputs()
    {
        var logits = Rows.Normal(33, 5, seed: 4);
        var targets = Enumerable.Range(0, 33).Select(i => (i % 5) / 4f).ToArray();
        Assert.Equal(Loss.BinaryCrossEntropyWithLogits(Rows.ToSingle(Rows.ToHalf(logits)), Rows.ToSingle(Rows.ToHalf(targets))),
            Loss.BinaryCrossEntropyWithLogits(Rows.ToHalf(logits), Rows.ToHalf(targets)));
        Assert.Equal(Loss.BinaryCrossEntropyWithLogits(Rows.ToSingle(Rows.ToBFloat16(logits)), Rows.ToSingle(Rows.ToBFloat16(targets))),
            Loss.BinaryCrossEntropyWithLogits(Rows.ToBFloat16(logits), Rows.ToBFloat16(targets)));
    }

    // ---- FocalLoss ----

    [Fact]
    public void Focal_with_gamma_zero_is_cross_entropy()
    {
        foreach (var p in new[] { 1e-30f, 0.01f, 0.3f, 0.5f, 0.99f, 1f })
        {
            Assertions.Close(-Math.Log(p), Loss.FocalLoss(p, 0f), relative: Tight, what: $"p {p}");
        }
    }

    [Fact]
    public void Focal_worked_values()
    {
        // p = 0.9, γ = 2: 0.1² · −ln 0.9 = 0.01 · 0.1053605 = 1.053605e-3.
        Assertions.Close(0.01 * -Math.Log(0.9), Loss.FocalLoss(0.9f, 2f), relative: 1e-6);
        // p = 0.2, γ = 0.5: sqrt(0.8) · −ln 0.2.
        Assertions.Close(Math.Sqrt(0.8) * -Math.Log(0.2), Loss.FocalLoss(0.2f, 0.5f), relative: 1e-6);
        Assert.Equal(float.PositiveInfinity, Loss.FocalLoss(0f, 2f));
        Assert.Equal(0f, Loss.FocalLoss(1f, 2f));
        Assert.Equal(0f, Loss.FocalLoss(1f, 0f));
        Assert.False(float.IsNegative(Loss.FocalLoss(1f, 0f)), "p = 1 gives +0, not -0");
        Assertions.Close(-Math.Log(float.Epsilon), Loss.FocalLoss(float.Epsilon, 3f), relative: Tight, what: "subnormal p");
        Assert.True(float.IsNaN(Loss.FocalLoss(float.NaN, 2f)));
    }

    [Fact]
    public void Focal_argument_errors()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.FocalLoss(1.25f, 2f));
        Assert.Equal("probabilityOfTrueClass", e.ParamName);
        Assert.Contains("1.25", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.FocalLoss(-0.1f, 2f));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.FocalLoss(0.5f, -1f));
        Assert.Equal("gamma", e.ParamName);
        Assert.Contains("-1", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.FocalLoss(0.5f, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.FocalLoss(0.5f, float.PositiveInfinity));
    }

    // ---- BinaryFocalLossWithLogits ----

    [Fact]
    public void Binary_focal_matches_torchvision_on_moderate_values()
    {
        foreach (var x in new[] { -8f, -2f, -0.5f, 0f, 0.3f, 1.5f, 6f })
        {
            foreach (var y in new[] { 0f, 0.3f, 1f })
            {
                foreach (var (gamma, alpha) in new[] { (2f, 0.25f), (0f, 0.25f), (0.5f, 0.9f), (3f, -1f), (1f, 0f), (2f, 1f) })
                {
                    Assertions.Close(TorchvisionFocal(x, y, gamma, alpha), Loss.BinaryFocalLossWithLogits(x, y, gamma, alpha),
                        relative: 1e-5, absolute: 1e-30, what: $"x {x}, y {y}, γ {gamma}, α {alpha}");
                }
            }
        }
    }

    [Fact]
    public void Binary_focal_defaults_are_gamma_2_alpha_quarter()
    {
        Assert.Equal(Loss.BinaryFocalLossWithLogits(0.7f, 1f, 2f, 0.25f), Loss.BinaryFocalLossWithLogits(0.7f, 1f));
    }

    [Fact]
    public void Binary_focal_with_gamma_zero_is_weighted_bce()
    {
        Gen.Select(Gen.Float[-40f, 40f], Gen.Float[0f, 1f]).Sample((x, y) =>
        {
            var bce = (double)Loss.BinaryCrossEntropyWithLogits(x, y);
            Assertions.Close(bce, Loss.BinaryFocalLossWithLogits(x, y, gamma: 0, alpha: -1), relative: 1e-6, absolute: 1e-37);
            Assertions.Close(((0.25 * y) + (0.75 * (1 - y))) * bce, Loss.BinaryFocalLossWithLogits(x, y, gamma: 0), relative: 1e-6, absolute: 1e-37);
        }, iter: 300);
    }

    [Fact]
    public void Binary_focal_is_stable_where_sigmoid_saturates()
    {
        // x = 20, y = 1: 1 − p_t = σ(−20) = 2.06e-9, which 1 − σ(20) only gets to ~7 digits in double
        // (and to 0 in float). Expected, from σ(−20) directly: 0.25 · log1p(e^-20) · σ(−20)².
        var e = Math.Exp(-20);
        var sigmoidMinus20 = e / (1 + e);
        var log1pE = e - (e * e / 2);
        Assertions.Close(0.25 * log1pE * sigmoidMinus20 * sigmoidMinus20, Loss.BinaryFocalLossWithLogits(20f, 1f), relative: Tight);
        Assertions.Close(0.75 * log1pE * sigmoidMinus20 * sigmoidMinus20, Loss.BinaryFocalLossWithLogits(-20f, 0f), relative: Tight);
        // Huge logits: finite, exact.
        Assertions.Close(0.75 * 1e30, Loss.BinaryFocalLossWithLogits(1e30f, 0f), relative: Tight);
        Assertions.Close(0.25 * 1e30, Loss.BinaryFocalLossWithLogits(-1e30f, 1f), relative: Tight);
        Assert.Equal(0f, Loss.BinaryFocalLossWithLogits(1e30f, 1f));
        Assert.Equal(0f, Loss.BinaryFocalLossWithLogits(-3e38f, 0f));
        // Soft target y = ½ with x = 1e30: BCE = x·(1 − y) = 5e29, 1 − p_t = 1 − y = ½ so (1 − p_t)² = ¼,
        // and α_t = 0.25·½ + 0.75·½ = ½.
        Assertions.Close(0.5 * 0.5e30 * 0.25, Loss.BinaryFocalLossWithLogits(1e30f, 0.5f), relative: Tight);
    }

    [Fact]
    public void Binary_focal_infinite_logits_give_their_limits()
    {
        Assert.Equal(0f, Loss.BinaryFocalLossWithLogits(float.PositiveInfinity, 1f));
        Assert.Equal(0f, Loss.BinaryFocalLossWithLogits(float.NegativeInfinity, 0f, gamma: 0));
        Assert.Equal(float.PositiveInfinity, Loss.BinaryFocalLossWithLogits(float.PositiveInfinity, 0f));
        Assert.Equal(float.PositiveInfinity, Loss.BinaryFocalLossWithLogits(float.NegativeInfinity, 0.5f, gamma: 50));
        // α = 0 gives positives no weight at all, even an infinitely wrong one.
        Assert.Equal(0f, Loss.BinaryFocalLossWithLogits(float.NegativeInfinity, 1f, alpha: 0));
        Assert.True(float.IsNaN(Loss.BinaryFocalLossWithLogits(float.NaN, 1f)));
        Assert.True(float.IsNaN(Loss.BinaryFocalLossWithLogits(0f, float.NaN)));
    }

    [Fact]
    public void Binary_focal_is_nonnegative_and_at_most_weighted_bce()
    {
        Gen.Select(Gen.Float[-1e4f, 1e4f], Gen.Float[0f, 1f], Gen.Float[0f, 5f]).Sample((x, y, gamma) =>
        {
            var focal = Loss.BinaryFocalLossWithLogits(x, y, gamma, alpha: -1);
            var bce = Loss.BinaryCrossEntropyWithLogits(x, y);
            Assert.True(focal >= 0, $"{focal}");
            // (1 − p_t)^γ ≤ 1.
            Assert.True(focal <= bce * (1 + 1e-6), $"focal {focal} > bce {bce}");
        }, iter: 500);
    }

    [Fact]
    public void Binary_focal_argument_errors()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryFocalLossWithLogits(0f, 2f));
        Assert.Equal("target", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryFocalLossWithLogits(0f, 1f, gamma: -0.5f));
        Assert.Equal("gamma", e.ParamName);
        Assert.Contains("-0.5", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryFocalLossWithLogits(0f, 1f, alpha: 1.5f));
        Assert.Equal("alpha", e.ParamName);
        Assert.Contains("1.5", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryFocalLossWithLogits(0f, 1f, alpha: float.NaN));
        // Negative α is allowed: no class weighting.
        Assert.Equal(Loss.BinaryFocalLossWithLogits(0.4f, 1f, 2f, -1f), Loss.BinaryFocalLossWithLogits(0.4f, 1f, 2f, -0.001f));
    }
}
