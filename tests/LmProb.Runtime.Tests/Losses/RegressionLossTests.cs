using System;
using System.Linq;
using CsCheck;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests.Losses;

/// <summary>Huber, mean squared error and mean absolute error.</summary>
public class RegressionLossTests
{
    private const double Tight = 1e-6;

    private static double ReferenceHuber(float[] prediction, float[] target, double delta) =>
        prediction.Select((x, i) =>
        {
            var r = Math.Abs((double)x - target[i]);
            return r <= delta ? 0.5 * r * r : delta * (r - (0.5 * delta));
        }).Average();

    private static double ReferenceMse(float[] prediction, float[] target) =>
        prediction.Select((x, i) => ((double)x - target[i]) * ((double)x - target[i])).Average();

    private static double ReferenceMae(float[] prediction, float[] target) =>
        prediction.Select((x, i) => Math.Abs((double)x - target[i])).Average();

    public static TheoryData<int> Lengths => [1, 2, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 67];

    [Fact]
    public void Huber_is_quadratic_inside_delta_and_linear_outside()
    {
        float[] zero = [0f];
        // δ = 1: r = 0.5 → ½·0.25 = 0.125; r = 1 (the joint) → 0.5 both ways; r = 3 → 1·(3 − 0.5) = 2.5.
        Assert.Equal(0.125f, Loss.Huber([0.5f], zero));
        Assert.Equal(0.5f, Loss.Huber([1f], zero));
        Assert.Equal(2.5f, Loss.Huber([3f], zero));
        Assert.Equal(2.5f, Loss.Huber([-3f], zero));
        // δ = 2: r = 1.5 → 1.125; r = 5 → 2·(5 − 1) = 8.
        Assert.Equal(1.125f, Loss.Huber([1.5f], zero, delta: 2f));
        Assert.Equal(8f, Loss.Huber([5f], zero, delta: 2f));
        // Mean of the four: (0.125 + 0.5 + 2.5 + 0) / 4.
        Assert.Equal(0.78125f, Loss.Huber([0.5f, 1f, 3f, 7f], [0f, 0f, 0f, 7f]));
        // δ = +inf is half the squared error.
        Assert.Equal(4.5f, Loss.Huber([3f], zero, delta: float.PositiveInfinity));
    }

    [Fact]
    public void Huber_is_continuous_at_delta()
    {
        foreach (var delta in new[] { 0.1f, 1f, 2.5f })
        {
            var below = Loss.Huber([delta * (1 - 1e-6f)], [0f], delta);
            var above = Loss.Huber([delta * (1 + 1e-6f)], [0f], delta);
            Assertions.Close(0.5 * delta * delta, below, relative: 1e-5);
            Assertions.Close(0.5 * delta * delta, above, relative: 1e-5);
        }
    }

    [Fact]
    public void Mse_and_mae_worked_values()
    {
        float[] prediction = [1f, 2f, 3f, 4f];
        float[] target = [1f, 0f, 5f, 3.5f];
        // Differences 0, 2, −2, 0.5: MSE (0 + 4 + 4 + 0.25) / 4 = 2.0625; MAE (0 + 2 + 2 + 0.5) / 4 = 1.125.
        Assert.Equal(2.0625f, Loss.MeanSquaredError(prediction, target));
        Assert.Equal(1.125f, Loss.MeanAbsoluteError(prediction, target));
        Assert.Equal(0f, Loss.MeanSquaredError([5f], [5f]));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void All_three_match_reference(int length)
    {
        var prediction = Rows.Normal(length, 3, seed: length);
        var target = Rows.Normal(length, 3, seed: length + 1000);
        Assertions.Close(ReferenceMse(prediction, target), Loss.MeanSquaredError(prediction, target), relative: Tight);
        Assertions.Close(ReferenceMae(prediction, target), Loss.MeanAbsoluteError(prediction, target), relative: Tight);
        foreach (var delta in new[] { 0.3f, 1f, 4f })
        {
            Assertions.Close(ReferenceHuber(prediction, target, delta), Loss.Huber(prediction, target, delta), relative: Tight, what: $"δ {delta}");
        }
    }

    [Fact]
    public void Huber_lies_between_mae_and_mse_shapes()
    {
        // For δ = 1: Huber ≤ ½·MSE and Huber ≤ MAE (elementwise bounds, so also for the means).
        Gen.Float[-50f, 50f].Array[2, 40].Sample(v =>
        {
            var half = v.Length / 2;
            var prediction = v[..half];
            var target = v[half..(2 * half)];
            var huber = Loss.Huber(prediction, target);
            Assert.True(huber >= 0);
            Assert.True(huber <= (0.5 * Loss.MeanSquaredError(prediction, target) * (1 + 1e-6)) + 1e-7);
            Assert.True(huber <= (Loss.MeanAbsoluteError(prediction, target) * (1 + 1e-6)) + 1e-7);
        }, iter: 300);
    }

    [Fact]
    public void Huge_and_tiny_values()
    {
        // Differences of 6e38 overflow float but not double; the MAE 6e38 is past float.MaxValue: +inf.
        Assert.Equal(float.PositiveInfinity, Loss.MeanAbsoluteError([3e38f], [-3e38f]));
        // Mean of a huge and a zero difference: 3e38 fits.
        Assertions.Close(6e38 / 2, Loss.MeanAbsoluteError([3e38f, 0f], [-3e38f, 0f]), relative: Tight);
        // MSE of 1e20: 1e40 does not fit float: +inf; but 1e19 and a zero: 5e37 fits.
        Assert.Equal(float.PositiveInfinity, Loss.MeanSquaredError([1e20f], [0f]));
        Assertions.Close(5e37, Loss.MeanSquaredError([1e19f, 0f], [0f, 0f]), relative: Tight);
        // Huber of 3e38 − (−3e38) with δ = 1: 6e38 − 0.5, mean over two with a zero: 3e38.
        Assertions.Close(3e38, Loss.Huber([3e38f, 0f], [-3e38f, 0f]), relative: Tight);
        // Subnormal differences: MAE exact, MSE underflows to 0 as it should (ε² ≈ 2e-90).
        Assert.Equal(float.Epsilon, Loss.MeanAbsoluteError([float.Epsilon], [0f]));
        Assert.Equal(0f, Loss.MeanSquaredError([float.Epsilon], [0f]));
        // MSE of 1e-20 differences: 1e-40 is a float subnormal, kept.
        Assertions.Close(1e-40, Loss.MeanSquaredError([1e-20f], [0f]), relative: 1e-3);
    }

    [Fact]
    public void Nan_and_infinity()
    {
        Assert.True(float.IsNaN(Loss.MeanSquaredError([float.NaN, 1f], [0f, 1f])));
        Assert.True(float.IsNaN(Loss.MeanAbsoluteError([0f], [float.NaN])));
        Assert.True(float.IsNaN(Loss.Huber([float.NaN], [0f])));
        Assert.Equal(float.PositiveInfinity, Loss.MeanSquaredError([float.PositiveInfinity], [0f]));
        Assert.Equal(float.PositiveInfinity, Loss.MeanAbsoluteError([float.NegativeInfinity], [0f]));
        Assert.Equal(float.PositiveInfinity, Loss.Huber([float.PositiveInfinity], [0f]));
        Assert.Equal(float.PositiveInfinity, Loss.Huber([float.PositiveInfinity], [0f], float.PositiveInfinity));
        Assert.True(float.IsNaN(Loss.MeanAbsoluteError([float.PositiveInfinity], [float.PositiveInfinity])), "inf − inf");
    }

    [Fact]
    public void Argument_errors()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.MeanSquaredError([1f, 2f], [1f]));
        Assert.Equal("target", e.ParamName);
        Assert.Contains("target.Length 1", e.Message);
        Assert.Contains("prediction.Length 2", e.Message);
        Assert.Throws<ArgumentException>(() => Loss.MeanAbsoluteError([1f], [1f, 2f]));
        Assert.Throws<ArgumentException>(() => Loss.Huber([1f], [1f, 2f]));
        e = Assert.Throws<ArgumentException>(() => Loss.MeanSquaredError(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty));
        Assert.Equal("prediction", e.ParamName);
        Assert.StartsWith("prediction is empty", e.Message);
        Assert.Throws<ArgumentException>(() => Loss.MeanAbsoluteError(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty));
        Assert.Throws<ArgumentException>(() => Loss.Huber(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty));
        foreach (var delta in new[] { 0f, -1f, float.NaN, float.NegativeInfinity })
        {
            var range = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Huber([1f], [0f], delta));
            Assert.Equal("delta", range.ParamName);
        }
    }

    [Fact]
    public void Half_and_bfloat16_match_float_of_widened_inputs()
    {
        var prediction = Rows.Normal(37, 2, seed: 3);
        var target = Rows.Normal(37, 2, seed: 4);
        var (ph, th) = (Rows.ToHalf(prediction), Rows.ToHalf(target));
        var (pb, tb) = (Rows.ToBFloat16(prediction), Rows.ToBFloat16(target));
        Assert.Equal(Loss.Huber(Rows.ToSingle(ph), Rows.ToSingle(th), 0.5f), Loss.Huber(ph, th, 0.5f));
        Assert.Equal(Loss.Huber(Rows.ToSingle(pb), Rows.ToSingle(tb)), Loss.Huber(pb, tb));
        Assert.Equal(Loss.MeanSquaredError(Rows.ToSingle(ph), Rows.ToSingle(th)), Loss.MeanSquaredError(ph, th));
        Assert.Equal(Loss.MeanSquaredError(Rows.ToSingle(pb), Rows.ToSingle(tb)), Loss.MeanSquaredError(pb, tb));
        Assert.Equal(Loss.MeanAbsoluteError(Rows.ToSingle(ph), Rows.ToSingle(th)), Loss.MeanAbsoluteError(ph, th));
        Assert.Equal(Loss.MeanAbsoluteError(Rows.ToSingle(pb), Rows.ToSingle(tb)), Loss.MeanAbsoluteError(pb, tb));
    }
}
