using System;
using System.Linq;
using CsCheck;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

/// <summary>
/// Entropy, cross-entropy, KL divergence (of probabilities and of logits) and sequence
/// log-probability against double-precision references written out below.
/// </summary>
public class InformationTests
{
    // A float result rounded once from an accurate double: ½ ulp ≈ 6e-8 relative. The kernels sum
    // in double, so a few ulps covers them; 1e-6 leaves room and still catches any float-precision slip.
    private const double Tight = 1e-6;

    private static readonly float Ln2 = (float)Math.Log(2);

    // ---- references, in double, the obvious way ----

    private static double ReferenceEntropy(float[] p) => -p.Where(v => v > 0).Sum(v => v * Math.Log(v));

    private static double ReferenceCrossEntropy(float[] p, float[] q) =>
        -p.Select((v, i) => v == 0 ? 0 : v * Math.Log(q[i])).Sum();

    private static double ReferenceKL(float[] p, float[] q) =>
        p.Select((v, i) => v == 0 ? 0 : v * Math.Log((double)v / q[i])).Sum();

    private static double ReferenceEntropyFromLogits(float[] logits)
    {
        var logP = Reference.LogSoftmax(logits);
        return -logP.Where(double.IsFinite).Sum(l => Math.Exp(l) * l);
    }

    private static double ReferenceKLFromLogits(float[] pLogits, float[] qLogits)
    {
        var logP = Reference.LogSoftmax(pLogits);
        var logQ = Reference.LogSoftmax(qLogits);
        return logP.Select((l, i) => double.IsNegativeInfinity(l) ? 0 : Math.Exp(l) * (l - logQ[i])).Sum();
    }

    /// <summary>log(1 + x) for the tiny x of confident rows: a series where 1 + x would round away x's digits.</summary>
    private static double Log1p(double x) => Math.Abs(x) < 1e-4 ? x - (x * x / 2) + (x * x * x / 3) : Math.Log(1 + x);

    /// <summary>A random distribution of the given length (some exact zeros when <paramref name="zeros"/>).</summary>
    private static float[] Distribution(int length, int seed, bool zeros = false)
    {
        var random = new Random(seed);
        var weights = Enumerable.Range(0, length)
            .Select(i => zeros && i % 3 == 1 ? 0.0 : random.NextDouble() + 1e-3)
            .ToArray();
        var total = weights.Sum();
        return weights.Select(w => (float)(w / total)).ToArray();
    }

    public static TheoryData<int> Lengths1To67 => [.. Enumerable.Range(1, 67)];

    // ---- Entropy ----

    [Fact]
    public void Entropy_worked_values()
    {
        Assert.Equal(Ln2, Probability.Entropy([0.5f, 0.5f]), 0f);
        Assert.Equal(Ln2, Probability.Entropy([0.5f, 0f, 0.5f, 0f]), 0f); // 0·log 0 = 0
        Assert.Equal(0f, Probability.Entropy([0f, 1f, 0f]));
        Assert.Equal(0f, Probability.Entropy([1f]));
        // Uniform over 7: log 7.
        Assertions.Close(Math.Log(7), Probability.Entropy(Enumerable.Repeat(1f / 7, 7).ToArray()), relative: Tight);
        // [0.7, 0.2, 0.1]: 0.7·0.35667 + 0.2·1.60944 + 0.1·2.30259 = 0.80182.
        Assertions.Close(0.8018185525433373, Probability.Entropy([0.7f, 0.2f, 0.1f]), relative: Tight);
    }

    [Theory]
    [MemberData(nameof(Lengths1To67))]
    public void Entropy_matches_reference(int length)
    {
        foreach (var zeros in new[] { false, true })
        {
            var p = Distribution(length, seed: length, zeros);
            Assertions.Close(ReferenceEntropy(p), Probability.Entropy(p), relative: Tight, absolute: 1e-12, what: $"n {length}");
        }
    }

    [Fact]
    public void Entropy_of_empty_is_zero()
    {
        Assert.Equal(0f, Probability.Entropy(ReadOnlySpan<float>.Empty));
    }

    [Fact]
    public void Entropy_subnormal_probabilities_contribute_their_exact_terms()
    {
        var tiny = float.Epsilon; // 1.4e-45: −p·log p = 1.4e-45·103.28 ≈ 1.45e-43
        float[] p = [1f, tiny];
        Assertions.Close(-tiny * Math.Log(tiny), Probability.Entropy(p), relative: 2e-2, what: "subnormal term (result is itself subnormal)");
    }

    [Fact]
    public void Entropy_nan_or_positive_infinity_gives_nan()
    {
        Assert.True(float.IsNaN(Probability.Entropy([0.5f, float.NaN])));
        Assert.True(float.IsNaN(Probability.Entropy([float.PositiveInfinity, 0f])));
    }

    [Fact]
    public void Entropy_negative_probability_throws_naming_index_and_value()
    {
        var e = Assert.Throws<ArgumentException>(() => Probability.Entropy([0.5f, 1f, -0.5f]));
        Assert.Equal("probabilities", e.ParamName);
        Assert.Contains("probabilities[2]", e.Message);
        Assert.Contains("-0.5", e.Message);
        // −inf is negative too, and a NaN earlier in the span does not hide it.
        Assert.Throws<ArgumentException>(() => Probability.Entropy([float.NaN, float.NegativeInfinity]));
        // −0 is not negative.
        Assert.Equal(Ln2, Probability.Entropy([-0f, 0.5f, 0.5f]), 0f);
    }

    [Fact]
    public void Entropy_half_and_bfloat16_match_float_of_widened_inputs()
    {
        var p = Distribution(37, seed: 5, zeros: true);
        var half = Rows.ToHalf(p);
        var bf16 = Rows.ToBFloat16(p);
        Assert.Equal(Probability.Entropy(Rows.ToSingle(half)), Probability.Entropy(half));
        Assert.Equal(Probability.Entropy(Rows.ToSingle(bf16)), Probability.Entropy(bf16));
        Assert.Throws<ArgumentException>(() => Probability.Entropy([(Half)0.5f, (Half)(-0.25f)]));
        Assert.Throws<ArgumentException>(() => Probability.Entropy([(BFloat16)0.5f, (BFloat16)(-0.25f)]));
    }

    [Fact]
    public void Entropy_is_between_zero_and_log_n()
    {
        Gen.Float[0f, 1f].Array[1, 64].Where(a => a.Sum() > 0).Sample(weights =>
        {
            var total = weights.Sum(w => (double)w);
            var p = weights.Select(w => (float)(w / total)).ToArray();
            var h = Probability.Entropy(p);
            // Normalized in float, the total is 1 within n·2^-24, which bounds how far H can leave [0, log n].
            Assert.InRange((double)h, 0.0, Math.Log(p.Length) + 1e-5);
        }, iter: 300);
    }

    // ---- EntropyFromLogits ----

    [Theory]
    [MemberData(nameof(Lengths1To67))]
    public void EntropyFromLogits_matches_reference(int length)
    {
        foreach (var scale in new[] { 0.1, 3.0, 30.0 })
        {
            var logits = Rows.Normal(length, scale, seed: length);
            Assertions.Close(ReferenceEntropyFromLogits(logits), Probability.EntropyFromLogits(logits),
                relative: Tight, absolute: 1e-12, what: $"n {length}, scale {scale}");
        }
    }

    [Fact]
    public void EntropyFromLogits_huge_logits_do_not_overflow()
    {
        Assertions.Close(Math.Log(2), Probability.EntropyFromLogits([1e30f, -1e30f, 1e30f]), relative: Tight);
        Assertions.Close(Math.Log(3), Probability.EntropyFromLogits([-1e30f, -1e30f, -1e30f]), relative: Tight);
        Assert.Equal(0f, Probability.EntropyFromLogits([3e38f, -3e38f]));
        Assert.Equal(0f, Probability.EntropyFromLogits([float.MaxValue, float.MinValue, 0f]));
        // Shifting every logit by a constant does not change the entropy, even by 1e30.
        var logits = Rows.Normal(19, 2, seed: 3);
        var shifted = logits.Select(v => v + 1e6f).ToArray();
        Assertions.Close(ReferenceEntropyFromLogits(shifted), Probability.EntropyFromLogits(shifted), relative: Tight);
    }

    [Fact]
    public void EntropyFromLogits_keeps_the_small_entropy_of_a_confident_row()
    {
        // H([0, −d]) = log(1 + e^−d) + d·e^−d / (1 + e^−d), exactly; for d = 30 ≈ 31·e^−30 = 2.9e−12.
        foreach (var d in new[] { 10.0, 30.0, 60.0, 100.0 })
        {
            var e = Math.Exp(-d);
            var expected = Log1p(e) + (d * e / (1 + e));
            var tolerance = expected < 1.2e-38 ? 1e-3 : Tight; // 100: the result 3.8e-42 is subnormal in float
            Assertions.Close(expected, Probability.EntropyFromLogits([0f, (float)-d]), relative: tolerance, what: $"d {d}");
        }
    }

    [Fact]
    public void EntropyFromLogits_negative_infinity_entries_have_zero_probability()
    {
        Assertions.Close(Math.Log(2), Probability.EntropyFromLogits([0f, float.NegativeInfinity, 0f]), relative: Tight);
        Assert.Equal(0f, Probability.EntropyFromLogits([float.NegativeInfinity, 5f, float.NegativeInfinity]));
    }

    [Fact]
    public void EntropyFromLogits_bad_rows_give_nan_and_empty_gives_zero()
    {
        Assert.True(float.IsNaN(Probability.EntropyFromLogits([0f, float.NaN])));
        Assert.True(float.IsNaN(Probability.EntropyFromLogits([0f, float.PositiveInfinity])));
        Assert.True(float.IsNaN(Probability.EntropyFromLogits([float.NegativeInfinity, float.NegativeInfinity])));
        Assert.Equal(0f, Probability.EntropyFromLogits(ReadOnlySpan<float>.Empty));
        Assert.Equal(0f, Probability.EntropyFromLogits([42f]));
    }

    [Fact]
    public void EntropyFromLogits_subnormal_logits_are_a_uniform_row()
    {
        Assertions.Close(Math.Log(3), Probability.EntropyFromLogits([float.Epsilon, 0f, -float.Epsilon]), relative: Tight);
    }

    [Fact]
    public void EntropyFromLogits_equals_entropy_of_softmax()
    {
        Gen.Float[-20f, 20f].Array[1, 80].Sample(logits =>
        {
            var p = new float[logits.Length];
            Probability.Softmax(logits, p);
            // Softmax rounds each probability to float (relative 2^-24 each, plus its normalization), so
            // the two entropies agree to about 1e-6 absolute.
            Assertions.Close(Probability.Entropy(p), Probability.EntropyFromLogits(logits), relative: 1e-5, absolute: 1e-6);
        }, iter: 300);
    }

    [Fact]
    public void EntropyFromLogits_half_and_bfloat16_match_float_of_widened_inputs()
    {
        var logits = Rows.Normal(45, 4, seed: 9);
        var half = Rows.ToHalf(logits);
        var bf16 = Rows.ToBFloat16(logits);
        Assert.Equal(Probability.EntropyFromLogits(Rows.ToSingle(half)), Probability.EntropyFromLogits(half));
        Assert.Equal(Probability.EntropyFromLogits(Rows.ToSingle(bf16)), Probability.EntropyFromLogits(bf16));
    }

    // ---- CrossEntropy of two distributions ----

    [Fact]
    public void CrossEntropy_worked_values()
    {
        // H(p, p) = H(p); H([1, 0], [0.5, 0.5]) = ln 2.
        Assertions.Close(0.8018185525433373, Probability.CrossEntropy([0.7f, 0.2f, 0.1f], [0.7f, 0.2f, 0.1f]), relative: Tight);
        Assert.Equal(Ln2, Probability.CrossEntropy([1f, 0f], [0.5f, 0.5f]), 0f);
        // p = 0 terms are 0 even where q = 0; q = 0 where p > 0 is +inf.
        Assert.Equal(Ln2, Probability.CrossEntropy([1f, 0f], [0.5f, 0f]), 0f);
        Assert.Equal(float.PositiveInfinity, Probability.CrossEntropy([0.5f, 0.5f], [1f, 0f]));
        Assert.Equal(float.PositiveInfinity, Probability.CrossEntropy([0.5f, 0.5f], [1f, -0f]));
        Assert.Equal(0f, Probability.CrossEntropy(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty));
    }

    [Theory]
    [MemberData(nameof(Lengths1To67))]
    public void CrossEntropy_matches_reference(int length)
    {
        var p = Distribution(length, seed: length, zeros: true);
        var q = Distribution(length, seed: 1000 + length);
        Assertions.Close(ReferenceCrossEntropy(p, q), Probability.CrossEntropy(p, q), relative: Tight, what: $"n {length}");
    }

    [Fact]
    public void CrossEntropy_argument_errors()
    {
        var e = Assert.Throws<ArgumentException>(() => Probability.CrossEntropy([0.5f, 0.5f], [1f]));
        Assert.Contains("1", e.Message);
        Assert.Contains("2", e.Message);
        e = Assert.Throws<ArgumentException>(() => Probability.CrossEntropy([0.5f, 0.5f], [1.5f, -0.5f]));
        Assert.Equal("q", e.ParamName);
        Assert.Contains("q[1]", e.Message);
        Assert.True(float.IsNaN(Probability.CrossEntropy([0.5f, float.NaN], [0.5f, 0.5f])));
        Assert.True(float.IsNaN(Probability.CrossEntropy([0.5f, 0.5f], [0.5f, float.PositiveInfinity])));
    }

    [Fact]
    public void CrossEntropy_half_and_bfloat16_match_float_of_widened_inputs()
    {
        var p = Distribution(23, seed: 2, zeros: true);
        var q = Distribution(23, seed: 3);
        Assert.Equal(Probability.CrossEntropy(Rows.ToSingle(Rows.ToHalf(p)), Rows.ToSingle(Rows.ToHalf(q))),
            Probability.CrossEntropy(Rows.ToHalf(p), Rows.ToHalf(q)));
        Assert.Equal(Probability.CrossEntropy(Rows.ToSingle(Rows.ToBFloat16(p)), Rows.ToSingle(Rows.ToBFloat16(q))),
            Probability.CrossEntropy(Rows.ToBFloat16(p), Rows.ToBFloat16(q)));
    }

    // ---- KLDivergence ----

    [Fact]
    public void KLDivergence_worked_values()
    {
        // KL([0.5, 0.5] ‖ [0.25, 0.75]) = 0.5 ln 2 + 0.5 ln(2/3) = 0.14384.
        Assertions.Close((0.5 * Math.Log(2)) + (0.5 * Math.Log(2.0 / 3)), Probability.KLDivergence([0.5f, 0.5f], [0.25f, 0.75f]), relative: Tight);
        // 0·log 0 = 0: p = 0 where q = 0 is fine; q = 0 where p > 0 is +inf, not NaN (also q = −0).
        Assert.Equal(0f, Probability.KLDivergence([1f, 0f], [1f, 0f]));
        Assert.Equal(float.PositiveInfinity, Probability.KLDivergence([0.5f, 0.5f], [1f, 0f]));
        Assert.Equal(float.PositiveInfinity, Probability.KLDivergence([0.5f, 0.5f], [1f, -0f]));
        Assert.Equal(0f, Probability.KLDivergence(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty));
    }

    [Theory]
    [MemberData(nameof(Lengths1To67))]
    public void KLDivergence_matches_reference(int length)
    {
        var p = Distribution(length, seed: length, zeros: true);
        var q = Distribution(length, seed: 2000 + length);
        Assertions.Close(ReferenceKL(p, q), Probability.KLDivergence(p, q), relative: Tight, absolute: 1e-12, what: $"n {length}");
    }

    [Fact]
    public void KLDivergence_extreme_ratios_do_not_overflow()
    {
        // p / q = 1 / 1.4e-45 = 7e44 overflows float but not double: KL = ln(7.1e44) + ...
        float[] p = [1f, 0f];
        float[] q = [float.Epsilon, 1f];
        Assertions.Close(-Math.Log(float.Epsilon), Probability.KLDivergence(p, q), relative: Tight);
        Assertions.Close(ReferenceKL([float.Epsilon, 1f], [1f, float.Epsilon]), Probability.KLDivergence([float.Epsilon, 1f], [1f, float.Epsilon]), relative: Tight);
    }

    [Fact]
    public void KLDivergence_argument_errors_and_bad_values()
    {
        var e = Assert.Throws<ArgumentException>(() => Probability.KLDivergence([0.5f, 0.5f], [1f, 0f, 0f]));
        Assert.Contains("3", e.Message);
        e = Assert.Throws<ArgumentException>(() => Probability.KLDivergence([-0.25f, 1.25f], [0.5f, 0.5f]));
        Assert.Equal("p", e.ParamName);
        Assert.Contains("p[0]", e.Message);
        Assert.Contains("-0.25", e.Message);
        Assert.True(float.IsNaN(Probability.KLDivergence([float.NaN, 1f], [0.5f, 0.5f])));
        Assert.True(float.IsNaN(Probability.KLDivergence([0.5f, 0.5f], [float.PositiveInfinity, 0.5f])));
    }

    [Fact]
    public void KLDivergence_is_nonnegative_and_zero_on_itself()
    {
        var distributions = Gen.Float[0f, 1f].Array[1, 64].Where(a => a.Sum() > 0)
            .Select(w => { var t = w.Sum(v => (double)v); return w.Select(v => (float)(v / t)).ToArray(); });
        Gen.Select(Gen.Int[1, 64], Gen.Int, Gen.Int).Sample((n, seedP, seedQ) =>
        {
            var p = Distribution(n, seedP, zeros: (seedP & 1) == 0);
            var q = Distribution(n, seedQ);
            var kl = Probability.KLDivergence(p, q);
            // Gibbs: KL ≥ Σp − Σq exactly, and both totals are 1 only to float rounding.
            var slack = Math.Abs(p.Sum(v => (double)v) - q.Sum(v => (double)v)) + 1e-7;
            Assert.True(kl >= -slack, $"KL {kl} < -{slack}");
        }, iter: 300);
        distributions.Sample(p => Assert.Equal(0f, Probability.KLDivergence(p, p)), iter: 300);
    }

    [Fact]
    public void KLDivergence_half_and_bfloat16_match_float_of_widened_inputs()
    {
        var p = Distribution(31, seed: 4, zeros: true);
        var q = Distribution(31, seed: 6);
        Assert.Equal(Probability.KLDivergence(Rows.ToSingle(Rows.ToHalf(p)), Rows.ToSingle(Rows.ToHalf(q))),
            Probability.KLDivergence(Rows.ToHalf(p), Rows.ToHalf(q)));
        Assert.Equal(Probability.KLDivergence(Rows.ToSingle(Rows.ToBFloat16(p)), Rows.ToSingle(Rows.ToBFloat16(q))),
            Probability.KLDivergence(Rows.ToBFloat16(p), Rows.ToBFloat16(q)));
    }

    // ---- KLDivergenceFromLogits ----

    [Theory]
    [MemberData(nameof(Lengths1To67))]
    public void KLDivergenceFromLogits_matches_reference(int length)
    {
        foreach (var scale in new[] { 1.0, 5.0 })
        {
            var a = Rows.Normal(length, scale, seed: length);
            var b = Rows.Normal(length, scale, seed: 500 + length);
            Assertions.Close(ReferenceKLFromLogits(a, b), Probability.KLDivergenceFromLogits(a, b),
                relative: Tight, absolute: 1e-9, what: $"n {length}, scale {scale}");
        }
    }

    [Fact]
    public void KLDivergenceFromLogits_worked_values()
    {
        // softmax([0, 0]) = [½, ½], softmax([ln 3, 0]) = [¾, ¼]: KL = ½ ln(2/3) + ½ ln 2.
        Assertions.Close((0.5 * Math.Log(2.0 / 3)) + (0.5 * Math.Log(2)),
            Probability.KLDivergenceFromLogits([0f, 0f], [MathF.Log(3), 0f]), relative: 1e-6);
        // Same distribution, shifted logits: 0.
        Assert.Equal(0f, Probability.KLDivergenceFromLogits([1f, 2f, 3f], [1f, 2f, 3f]));
        Assertions.Close(0, Probability.KLDivergenceFromLogits([1f, 2f, 3f], [11f, 12f, 13f]), relative: 0, absolute: 1e-7);
    }

    [Fact]
    public void KLDivergenceFromLogits_huge_logits()
    {
        // ±1e30: p = [½, ½], q = [1, 0⁺] with log q₁ = −2e30: KL = ½·(ln ½ − 0) + ½·(ln ½ + 2e30) ≈ 1e30.
        Assertions.Close(1e30, Probability.KLDivergenceFromLogits([1e30f, 1e30f], [1e30f, -1e30f]), relative: Tight);
        // ±3e38: log q₁ = −6e38 does not overflow in double; KL ≈ 3e38, representable in float.
        Assertions.Close(3e38, Probability.KLDivergenceFromLogits([0f, 0f], [3e38f, -3e38f]), relative: Tight);
        // The other way round it is ln 2 (q has mass on both, p only on the first).
        Assertions.Close(Math.Log(2), Probability.KLDivergenceFromLogits([3e38f, -3e38f], [0f, 0f]), relative: Tight);
    }

    [Fact]
    public void KLDivergenceFromLogits_keeps_small_divergences_of_confident_rows()
    {
        // p = softmax([0, −20]), q = softmax([0, −21]): KL ≈ 7.6e-10, a difference of terms of size
        // e^-20 ≈ 2e-9, so it needs log1p-accurate log-probabilities.
        double ep = Math.Exp(-20), eq = Math.Exp(-21);
        double p0 = 1 / (1 + ep), p1 = ep / (1 + ep);
        double logP0 = -Log1p(ep), logP1 = -20 - Log1p(ep);
        double logQ0 = -Log1p(eq), logQ1 = -21 - Log1p(eq);
        var expected = (p0 * (logP0 - logQ0)) + (p1 * (logP1 - logQ1));
        Assertions.Close(expected, Probability.KLDivergenceFromLogits([0f, -20f], [0f, -21f]), relative: 1e-5);
    }

    [Fact]
    public void KLDivergenceFromLogits_negative_infinity()
    {
        // p has no mass where q is −inf: finite. p has mass where q is −inf: +inf.
        Assertions.Close(Math.Log(2), Probability.KLDivergenceFromLogits([0f, float.NegativeInfinity], [0f, 0f]), relative: Tight);
        Assert.Equal(0f, Probability.KLDivergenceFromLogits([0f, float.NegativeInfinity], [0f, float.NegativeInfinity]));
        Assert.Equal(float.PositiveInfinity, Probability.KLDivergenceFromLogits([0f, 0f], [0f, float.NegativeInfinity]));
        // Even when p's mass there underflows: it is still positive.
        Assert.Equal(float.PositiveInfinity, Probability.KLDivergenceFromLogits([0f, -1e30f], [0f, float.NegativeInfinity]));
    }

    [Fact]
    public void KLDivergenceFromLogits_bad_rows_and_lengths()
    {
        Assert.True(float.IsNaN(Probability.KLDivergenceFromLogits([0f, float.NaN], [0f, 0f])));
        Assert.True(float.IsNaN(Probability.KLDivergenceFromLogits([0f, 0f], [float.PositiveInfinity, 0f])));
        Assert.True(float.IsNaN(Probability.KLDivergenceFromLogits([float.NegativeInfinity], [0f])));
        Assert.Equal(0f, Probability.KLDivergenceFromLogits(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty));
        var e = Assert.Throws<ArgumentException>(() => Probability.KLDivergenceFromLogits([0f, 0f], [0f]));
        Assert.Equal("qLogits", e.ParamName);
    }

    [Fact]
    public void KLDivergenceFromLogits_is_nonnegative_zero_on_itself_and_matches_probabilities()
    {
        Gen.Select(Gen.Float[-30f, 30f].Array[1, 64], Gen.Int).Sample((a, seed) =>
        {
            Assert.Equal(0f, Probability.KLDivergenceFromLogits(a, a));
            var b = Rows.Normal(a.Length, 10, seed);
            var kl = Probability.KLDivergenceFromLogits(a, b);
            Assert.True(kl >= 0, $"KL {kl}");
            Assertions.Close(ReferenceKLFromLogits(a, b), kl, relative: 1e-5, absolute: 1e-9);
        }, iter: 300);
    }

    [Fact]
    public void KLDivergenceFromLogits_half_and_bfloat16_match_float_of_widened_inputs()
    {
        var a = Rows.Normal(29, 3, seed: 7);
        var b = Rows.Normal(29, 3, seed: 8);
        Assert.Equal(Probability.KLDivergenceFromLogits(Rows.ToSingle(Rows.ToHalf(a)), Rows.ToSingle(Rows.ToHalf(b))),
            Probability.KLDivergenceFromLogits(Rows.ToHalf(a), Rows.ToHalf(b)));
        Assert.Equal(Probability.KLDivergenceFromLogits(Rows.ToSingle(Rows.ToBFloat16(a)), Rows.ToSingle(Rows.ToBFloat16(b))),
            Probability.KLDivergenceFromLogits(Rows.ToBFloat16(a), Rows.ToBFloat16(b)));
    }

    // ---- SequenceLogProbability ----

    [Fact]
    public void SequenceLogProbability_is_the_sum_of_logs_in_double()
    {
        Assert.Equal(Math.Log(0.5) + Math.Log(0.25), Probability.SequenceLogProbability([0.5f, 0.25f]), 15);
        Assert.Equal(0.0, Probability.SequenceLogProbability(ReadOnlySpan<float>.Empty));
        Assert.Equal(double.NegativeInfinity, Probability.SequenceLogProbability([0.5f, 0f, 0.5f]));
        Assert.True(double.IsNaN(Probability.SequenceLogProbability([0.5f, float.NaN])));
        Assert.True(double.IsNaN(Probability.SequenceLogProbability([0f, float.PositiveInfinity])));
        // 10 000 tokens of probability 0.9: a float sum would drift; double keeps ~11 digits.
        var tokens = Enumerable.Repeat(0.9f, 10_000).ToArray();
        Assertions.Close(10_000 * Math.Log((double)0.9f), Probability.SequenceLogProbability(tokens), relative: 1e-11);
        // Subnormal probabilities are exact inputs to log.
        Assertions.Close(Math.Log(float.Epsilon), Probability.SequenceLogProbability([float.Epsilon]), relative: 1e-15);
    }

    [Fact]
    public void SequenceLogProbability_negative_throws_and_16_bit_overloads_match()
    {
        var e = Assert.Throws<ArgumentException>(() => Probability.SequenceLogProbability([0.5f, -1f]));
        Assert.Equal("tokenProbabilities", e.ParamName);
        Assert.Contains("tokenProbabilities[1]", e.Message);
        var p = Distribution(40, seed: 11);
        Assert.Equal(Probability.SequenceLogProbability(Rows.ToSingle(Rows.ToHalf(p))), Probability.SequenceLogProbability(Rows.ToHalf(p)));
        Assert.Equal(Probability.SequenceLogProbability(Rows.ToSingle(Rows.ToBFloat16(p))), Probability.SequenceLogProbability(Rows.ToBFloat16(p)));
    }
}
