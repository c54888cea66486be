using System;
using CsCheck;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests.Losses;

/// <summary>The DPO loss −log σ(β·((πc − rc) − (πr − rr))).</summary>
public class PreferenceLossTests
{
    private const double Tight = 1e-6;

    /// <summary>−log σ(z) = log(1 + e^−z), the textbook way; accurate in double for |z| ≲ 30.</summary>
    private static double ReferenceDpo(double policyChosen, double policyRejected, double referenceChosen, double referenceRejected, double beta)
    {
        var z = beta * ((policyChosen - referenceChosen) - (policyRejected - referenceRejected));
        return -Math.Log(1 / (1 + Math.Exp(-z)));
    }

    [Theory]
    [InlineData(-10f, -10f, -10f, -10f, 0.1f)]
    [InlineData(-12f, -15f, -11f, -14f, 0.1f)]     // both rewards −1
    [InlineData(-500f, -800f, -400f, -700f, 0.5f)] // both rewards −100
    [InlineData(0f, 0f, 0f, 0f, 1000f)]
    public void Equal_margins_give_ln2(float policyChosen, float policyRejected, float referenceChosen, float referenceRejected, float beta)
    {
        Assertions.Close(Math.Log(2), Loss.Dpo(policyChosen, policyRejected, referenceChosen, referenceRejected, beta), relative: Tight);
    }

    [Fact]
    public void Worked_example()
    {
        // Rewards +1 (chosen) and −1 (rejected), β = 0.1: z = 0.2, loss = log(1 + e^-0.2) = 0.5981389.
        Assertions.Close(0.5981388693815918, Loss.Dpo(-10f, -12f, -11f, -11f, 0.1f), relative: Tight);
        // Swapping chosen and rejected: z = −0.2, loss = 0.7981389 (= 0.5981389 + 0.2).
        Assertions.Close(0.7981388693815918, Loss.Dpo(-12f, -10f, -11f, -11f, 0.1f), relative: Tight);
    }

    [Fact]
    public void Matches_reference_on_moderate_values()
    {
        Gen.Select(Gen.Float[-200f, 0f].Array[4], Gen.Float[0.01f, 1f]).Sample((lp, beta) =>
        {
            var expected = ReferenceDpo(lp[0], lp[1], lp[2], lp[3], beta);
            if (Math.Abs(beta * ((lp[0] - lp[2]) - (lp[1] - lp[3]))) < 30)
            {
                Assertions.Close(expected, Loss.Dpo(lp[0], lp[1], lp[2], lp[3], beta), relative: Tight, absolute: 1e-12);
            }
        }, iter: 500);
    }

    [Fact]
    public void Is_nonnegative_and_swapping_the_pair_adds_the_margin()
    {
        // softplus(−z) − softplus(z) = −z.
        Gen.Select(Gen.Float[-1000f, 0f].Array[4], Gen.Float[0.01f, 2f]).Sample((lp, beta) =>
        {
            var loss = Loss.Dpo(lp[0], lp[1], lp[2], lp[3], beta);
            var swapped = Loss.Dpo(lp[1], lp[0], lp[3], lp[2], beta);
            Assert.True(loss >= 0 && swapped >= 0);
            var z = beta * (((double)lp[0] - lp[2]) - ((double)lp[1] - lp[3]));
            Assertions.Close(z, (double)swapped - loss, relative: 1e-5, absolute: 1e-4);
        }, iter: 300);
    }

    [Fact]
    public void Huge_margins_are_finite()
    {
        // z = 0.1·1e30: loss 0. z = −0.1·1e30: loss 1e29 (softplus(x) = x there), not inf or NaN.
        Assert.Equal(0f, Loss.Dpo(0f, -1e30f, 0f, 0f, 0.1f));
        Assertions.Close(1e29, Loss.Dpo(-1e30f, 0f, 0f, 0f, 0.1f), relative: Tight);
        // Log-probabilities of ±3e38: the rewards −6e38 and 6e38 and their difference −1.2e39 overflow
        // float but not double; z = −1.2e39 / 16 = −7.5e37, which is the (finite) loss.
        Assertions.Close(7.5e37, Loss.Dpo(-3e38f, 3e38f, 3e38f, -3e38f, 1f / 16), relative: Tight);
        // z = 50 and 100: e^-50 = 1.9e-22 in full precision; e^-100 = 3.7e-44 as a float subnormal.
        Assertions.Close(Math.Exp(-50), Loss.Dpo(0f, -50f, 0f, 0f, 1f), relative: Tight);
        Assertions.Close(Math.Exp(-100), Loss.Dpo(0f, -100f, 0f, 0f, 1f), relative: 0, absolute: float.Epsilon);
    }

    [Fact]
    public void Infinite_and_nan_log_probabilities()
    {
        // A chosen response the policy cannot produce: +inf. A rejected one: 0. Both: inf − inf = NaN.
        Assert.Equal(float.PositiveInfinity, Loss.Dpo(float.NegativeInfinity, -5f, -5f, -5f, 0.1f));
        Assert.Equal(0f, Loss.Dpo(-5f, float.NegativeInfinity, -5f, -5f, 0.1f));
        Assert.True(float.IsNaN(Loss.Dpo(float.NegativeInfinity, float.NegativeInfinity, -5f, -5f, 0.1f)));
        Assert.True(float.IsNaN(Loss.Dpo(float.NaN, -5f, -5f, -5f, 0.1f)));
    }

    [Fact]
    public void Beta_must_be_positive_and_finite()
    {
        foreach (var beta in new[] { 0f, -0.1f, float.NaN, float.PositiveInfinity })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Dpo(-1f, -2f, -1f, -2f, beta));
            Assert.Equal("beta", e.ParamName);
        }
        Assert.Contains("-0.1", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Dpo(-1f, -2f, -1f, -2f, -0.1f)).Message);
    }
}
