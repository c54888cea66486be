using System;
using System.Linq;
using CsCheck;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

/// <summary>
/// TopP, MinP, FilterTopK and FilterTopP against their definitions written out in the test
/// (<see cref="DecodingReference"/>: full stable sort, double sums).
/// </summary>
public class NucleusTests
{
    private static readonly float[] Example = [.45f, .25f, .15f, .10f, .05f];

    public static TheoryData<Element> ElementTypes => DecodingReference.ElementData;

    // ---- TopP ----

    [Fact]
    public void TopP_of_the_example_row()
    {
        // .45f + .25f is exactly 0.7f in double, so 0.7 is reached with two tokens; 0.71 needs a third.
        Assert.Equal([0, 1], DecodingReference.CallTopP(Element.Single, Example, 0.7f));
        Assert.Equal([0, 1, 2], DecodingReference.CallTopP(Element.Single, Example, 0.71f));
        Assert.Equal([0], DecodingReference.CallTopP(Element.Single, Example, 0.45f));
        Assert.Equal([0, 1], DecodingReference.CallTopP(Element.Single, Example, 0.46f));
        Assert.Equal([0, 1, 2, 3, 4], DecodingReference.CallTopP(Element.Single, Example, 1f));
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void TopP_of_16_bit_rows_is_the_nucleus_of_the_rounded_row(Element element)
    {
        var rounded = DecodingReference.Rounded(element, Example);
        foreach (var p in new[] { 0.1f, 0.45f, 0.5f, 0.7f, 0.71f, 0.9f, 0.99f, 1f })
        {
            Assert.Equal(DecodingReference.TopP(rounded, p), DecodingReference.CallTopP(element, Example, p));
        }
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void TopP_ties_go_to_the_lower_index(Element element)
    {
        Assert.Equal([1, 3, 0], DecodingReference.CallTopP(element, [0.2f, 0.3f, 0.2f, 0.3f], 0.75f));
    }

    [Fact]
    public void TopP_when_the_mass_never_reaches_p_keeps_every_nonzero_token()
    {
        // Sums to 0.8 < 0.9: every token with probability > 0, largest first; the zero is left out.
        Assert.Equal([0, 1, 3], DecodingReference.CallTopP(Element.Single, [0.3f, 0.3f, 0f, 0.2f], 0.9f));
        // p = 1 on a softmax row whose float sum falls short of 1.
        var row = DecodingReference.Probabilities(1000, seed: 5);
        Assert.True(row.Sum(v => (double)v) < 1, "the test needs a row whose float sum is below 1");
        var expected = row.Select((v, i) => (v, i)).Where(t => t.v > 0).OrderByDescending(t => t.v).Select(t => t.i).ToArray();
        Assert.Equal(expected, DecodingReference.CallTopP(Element.Single, row, 1f));
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void TopP_of_an_all_zero_row_keeps_one_token(Element element)
    {
        Assert.Equal([0], DecodingReference.CallTopP(element, new float[5], 0.5f));
        Assert.Equal([0], DecodingReference.CallTopP(element, new float[100], 1f));
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void TopP_of_a_bad_row_is_Greedys_choice(Element element)
    {
        Assert.Equal([0], DecodingReference.CallTopP(element, [0.5f, float.NaN, 0.2f], 0.9f));
        Assert.Equal([1], DecodingReference.CallTopP(element, [0.1f, float.PositiveInfinity, 0.3f], 0.5f));
        Assert.Empty(DecodingReference.CallTopP(element, [float.NaN, float.NaN], 0.5f));
        Assert.Empty(DecodingReference.CallTopP(element, [], 0.5f));
    }

    [Fact]
    public void TopP_needs_several_rounds_on_a_flat_row()
    {
        // 5000 equal probabilities: the nucleus is most of the row, past the 32, 256 and 2048 tries.
        var row = Enumerable.Repeat(1f / 5000, 5000).ToArray();
        foreach (var p in new[] { 0.005f, 0.05f, 0.5f, 0.9f, 1f })
        {
            var expected = DecodingReference.TopP(row, p);
            Assert.Equal(expected, DecodingReference.CallTopP(Element.Single, row, p));
        }
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    [InlineData(0.99f)]
    [InlineData(1f)]
    public void TopP_matches_the_definition_on_a_32000_long_softmax_row(float p)
    {
        var row = DecodingReference.Probabilities(32000, scale: 2, seed: 9);
        foreach (var element in DecodingReference.Elements)
        {
            Assert.Equal(DecodingReference.TopP(DecodingReference.Rounded(element, row), p), DecodingReference.CallTopP(element, row, p));
        }
    }

    [Fact]
    public void TopP_matches_the_definition_for_every_length_from_1_to_67()
    {
        for (var length = 1; length <= 67; length++)
        {
            var row = DecodingReference.Probabilities(length, seed: length);
            foreach (var p in new[] { 0.3f, 0.8f, 0.95f, 1f })
            {
                Assert.Equal(DecodingReference.TopP(row, p), DecodingReference.CallTopP(Element.Single, row, p));
            }
        }
    }

    [Fact]
    public void TopP_accepts_an_indices_span_longer_than_the_row()
    {
        var indices = new int[10];
        Assert.Equal(2, Decoding.TopP(Example, 0.7f, indices));
        Assert.Equal([0, 1], indices[..2]);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.5f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void TopP_with_p_outside_0_1_throws(float p)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.TopP(Example, p, new int[5]));
        Assert.Equal("p", error.ParamName);
        Assert.Contains($"p {p.ToString(System.Globalization.CultureInfo.CurrentCulture)} must be in (0, 1]", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.TopP(Rows.ToHalf(Example), p, new int[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.TopP(Rows.ToBFloat16(Example), p, new int[5]));
    }

    [Fact]
    public void TopP_with_indices_shorter_than_the_row_throws_naming_both_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => Decoding.TopP(Example, 0.5f, new int[4]));
        Assert.Equal("indices", error.ParamName);
        Assert.Contains("indices.Length 4 is less than probabilities.Length 5", error.Message);
        Assert.Throws<ArgumentException>(() => Decoding.TopP(Rows.ToHalf(Example), 0.5f, new int[1]));
        Assert.Throws<ArgumentException>(() => Decoding.TopP(Rows.ToBFloat16(Example), 0.5f, new int[0]));
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void Negative_probabilities_throw_naming_the_index_and_value(Element element)
    {
        float[] row = [0.5f, 0.25f, -0.125f, 0.5f];
        var error = Assert.Throws<ArgumentException>(() => DecodingReference.CallTopP(element, row, 0.5f));
        Assert.Equal("probabilities", error.ParamName);
        Assert.Contains("probabilities[2] is -0.125", error.Message);

        error = Assert.Throws<ArgumentException>(() => DecodingReference.CallMinP(element, [0.5f, float.NegativeInfinity], 0.5f));
        Assert.Contains("probabilities[1] is -Infinity", error.Message);

        // Negative beats bad: a row with NaN and a negative value still throws.
        Assert.Throws<ArgumentException>(() => DecodingReference.CallFilter(element, [float.NaN, -1f], k: 1));
        Assert.Throws<ArgumentException>(() => DecodingReference.CallFilter(element, [-1f, 1f], k: 1, p: 0.5f));
    }

    [Fact]
    public void Minus_zero_is_a_zero_probability_not_a_negative_one()
    {
        var indices = new int[2];
        Assert.Equal(1, Decoding.TopP([-0f, 1f], 0.5f, indices));
        Assert.Equal(1, indices[0]);
        Assert.Equal(2, Decoding.MinP([-0f, 1f], 0f, indices));
        Assert.Equal([1, 0], indices);
    }

    // ---- MinP ----

    [Fact]
    public void MinP_of_the_example_row()
    {
        Assert.Equal([0, 1], DecodingReference.CallMinP(Element.Single, Example, 0.5f));   // >= 0.225
        Assert.Equal([0, 1, 2], DecodingReference.CallMinP(Element.Single, Example, 0.25f)); // >= 0.1125
        Assert.Equal([0], DecodingReference.CallMinP(Element.Single, Example, 1f));
        Assert.Equal([0, 1, 2, 3, 4], DecodingReference.CallMinP(Element.Single, Example, 0f));
    }

    [Fact]
    public void MinP_keeps_a_token_exactly_at_the_threshold()
    {
        // 0.5 · 0.8f is exactly 0.4f.
        Assert.Equal([0, 1], DecodingReference.CallMinP(Element.Single, [0.8f, 0.4f, 0.39999998f], 0.5f));
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void MinP_ties_go_to_the_lower_index(Element element)
    {
        Assert.Equal([1, 2, 0], DecodingReference.CallMinP(element, [0.25f, 0.5f, 0.5f, 0.125f], 0.5f));
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void MinP_of_a_bad_or_empty_row(Element element)
    {
        Assert.Equal([2], DecodingReference.CallMinP(element, [0.1f, float.NaN, 0.7f], 0.1f));
        Assert.Equal([1], DecodingReference.CallMinP(element, [0.1f, float.PositiveInfinity], 0.1f));
        Assert.Empty(DecodingReference.CallMinP(element, [float.NaN], 0.1f));
        Assert.Empty(DecodingReference.CallMinP(element, [], 0.1f));
    }

    [Fact]
    public void MinP_matches_the_definition_on_random_rows()
    {
        foreach (var element in DecodingReference.Elements)
        {
            foreach (var length in new[] { 1, 2, 15, 16, 17, 63, 64, 65, 1000, 32000 })
            {
                var row = DecodingReference.Probabilities(length, seed: length);
                var rounded = DecodingReference.Rounded(element, row);
                foreach (var minP in new[] { 0f, 0.001f, 0.05f, 0.3f, 1f })
                {
                    Assert.Equal(DecodingReference.MinP(rounded, minP), DecodingReference.CallMinP(element, row, minP));
                }
            }
        }
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.1f)]
    [InlineData(float.NaN)]
    public void MinP_outside_0_1_throws(float minP)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.MinP(Example, minP, new int[5]));
        Assert.Equal("minP", error.ParamName);
        Assert.Contains($"minP {minP.ToString(System.Globalization.CultureInfo.InvariantCulture)} must be in [0, 1]", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.MinP(Rows.ToHalf(Example), minP, new int[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.MinP(Rows.ToBFloat16(Example), minP, new int[5]));
    }

    [Fact]
    public void MinP_with_indices_shorter_than_the_row_throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Decoding.MinP(Example, 0.5f, new int[3]));
        Assert.Equal("indices", error.ParamName);
        Assert.Contains("indices.Length 3 is less than probabilities.Length 5", error.Message);
    }

    // ---- FilterTopK / FilterTopP ----

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void FilterTopK_keeps_k_and_renormalizes(Element element)
    {
        var rounded = DecodingReference.Rounded(element, Example);
        var expected = DecodingReference.Renormalized(rounded, [0, 1]);
        var actual = DecodingReference.CallFilter(element, Example, k: 2);
        Assert.Equal([0f, 0f, 0f], actual[2..]);
        Assertions.AllClose(expected, actual, relative: DecodingReference.Precision(element));
        Assert.Equal(1, actual.Sum(v => (double)v), 2 * DecodingReference.Precision(element));
    }

    [Fact]
    public void FilterTopK_of_the_example_row_in_float()
    {
        var destination = new float[5];
        Decoding.FilterTopK(Example, 2, destination);
        // .45 / .7 and .25 / .7, rounded once from double.
        Assert.Equal([(float)(.45f / (double)(.45f + .25f)), (float)(.25f / (double)(.45f + .25f)), 0, 0, 0], destination);
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void FilterTopK_with_k_at_or_above_the_length_only_renormalizes(Element element)
    {
        float[] row = [0.2f, 0.2f, 0.4f];
        var rounded = DecodingReference.Rounded(element, row);
        foreach (var k in new[] { 3, 4, int.MaxValue })
        {
            Assertions.AllClose(DecodingReference.Renormalized(rounded, [0, 1, 2]), DecodingReference.CallFilter(element, row, k), relative: DecodingReference.Precision(element));
        }
    }

    [Fact]
    public void FilterTopK_ties_keep_the_lower_index()
    {
        var destination = new float[4];
        Decoding.FilterTopK([0.25f, 0.25f, 0.25f, 0.25f], 2, destination);
        Assert.Equal([0.5f, 0.5f, 0f, 0f], destination);
    }

    [Fact]
    public void Filters_work_in_place()
    {
        var row = (float[])Example.Clone();
        Decoding.FilterTopK(row, 2, row);
        Assert.Equal([(float)(.45f / (double)(.45f + .25f)), (float)(.25f / (double)(.45f + .25f)), 0, 0, 0], row);

        row = (float[])Example.Clone();
        Decoding.FilterTopP(row, 0.71f, row);
        Assertions.AllClose(DecodingReference.Renormalized(Example, [0, 1, 2]), row, relative: 1e-7);

        var half = Rows.ToHalf(Example);
        Decoding.FilterTopK(half, 1, half);
        Assert.Equal([(Half)1, (Half)0, (Half)0, (Half)0, (Half)0], half);
        var bf16 = Rows.ToBFloat16(Example);
        Decoding.FilterTopP(bf16, 0.01f, bf16);
        Assert.Equal([BFloat16.One, BFloat16.Zero, BFloat16.Zero, BFloat16.Zero, BFloat16.Zero], bf16);
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void FilterTopP_keeps_the_nucleus_and_renormalizes(Element element)
    {
        var row = DecodingReference.Probabilities(300, seed: 12);
        var rounded = DecodingReference.Rounded(element, row);
        foreach (var p in new[] { 0.2f, 0.7f, 0.95f, 1f })
        {
            var expected = DecodingReference.Renormalized(rounded, DecodingReference.TopP(rounded, p));
            var actual = DecodingReference.CallFilter(element, row, k: 0, p: p);
            // Half has subnormals below 6.1e-5: an absolute tolerance of one subnormal step covers them.
            Assertions.AllClose(expected, actual, relative: DecodingReference.Precision(element), absolute: 6e-8);
            if (element == Element.Single)
            {
                for (var i = 0; i < expected.Length; i++)
                {
                    Assert.Equal(expected[i] == 0, actual[i] == 0);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void Filters_of_a_bad_or_all_zero_row_write_NaN(Element element)
    {
        foreach (var row in new[] { new[] { 0.5f, float.NaN, 0.5f }, [0.5f, float.PositiveInfinity], [0f, 0f, 0f] })
        {
            Assert.All(DecodingReference.CallFilter(element, row, k: 2), v => Assert.True(float.IsNaN(v)));
            Assert.All(DecodingReference.CallFilter(element, row, k: 0, p: 0.5f), v => Assert.True(float.IsNaN(v)));
        }
        Assert.Empty(DecodingReference.CallFilter(element, [], k: 2));
        Assert.Empty(DecodingReference.CallFilter(element, [], k: 0, p: 0.5f));
    }

    [Fact]
    public void Filter_argument_errors()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.FilterTopK(Example, 0, new float[5]));
        Assert.Equal("k", error.ParamName);
        Assert.Contains("k 0 must be at least 1.", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.FilterTopK(Rows.ToHalf(Example), -3, new Half[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.FilterTopK(Rows.ToBFloat16(Example), -3, new BFloat16[5]));

        error = Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.FilterTopP(Example, 1.25f, new float[5]));
        Assert.Equal("p", error.ParamName);
        Assert.Contains("1.25", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.FilterTopP(Rows.ToHalf(Example), 0, new Half[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.FilterTopP(Rows.ToBFloat16(Example), float.NaN, new BFloat16[5]));

        var mismatch = Assert.Throws<ArgumentException>(() => Decoding.FilterTopK(Example, 2, new float[4]));
        Assert.Equal("destination", mismatch.ParamName);
        Assert.Contains("destination.Length 4 does not match probabilities.Length 5.", mismatch.Message);
        mismatch = Assert.Throws<ArgumentException>(() => Decoding.FilterTopP(Example, 0.5f, new float[6]));
        Assert.Contains("destination.Length 6 does not match probabilities.Length 5.", mismatch.Message);
        Assert.Throws<ArgumentException>(() => Decoding.FilterTopK(new Half[2], 1, new Half[3]));
        Assert.Throws<ArgumentException>(() => Decoding.FilterTopP(new BFloat16[2], 0.5f, new BFloat16[1]));

        var buffer = new float[6];
        var overlap = Assert.Throws<ArgumentException>(() => Decoding.FilterTopK(buffer.AsSpan(0, 5), 2, buffer.AsSpan(1, 5)));
        Assert.Equal("destination", overlap.ParamName);
    }

    [Fact]
    public void Property_FilterTopP_sums_to_1()
    {
        var rows = Gen.Int[1, 300].SelectMany(length => Gen.Float[-8f, 8f].Array[length]);
        Gen.Select(rows, Gen.Float[0.001f, 1f]).Sample((logits, p) =>
        {
            var probabilities = new float[logits.Length];
            Probability.Softmax(logits, probabilities);
            var filtered = new float[logits.Length];
            Decoding.FilterTopP(probabilities, p, filtered);
            Assert.Equal(1, filtered.Sum(v => (double)v), 1e-6);
            Assert.Equal(DecodingReference.TopP(probabilities, p).Length, filtered.Count(v => v > 0));
        }, iter: 300);
    }

    [Fact]
    public void Property_FilterTopK_sums_to_1_and_keeps_k()
    {
        var rows = Gen.Int[1, 300].SelectMany(length => Gen.Float[-8f, 8f].Array[length]);
        Gen.Select(rows, Gen.Int[1, 400]).Sample((logits, k) =>
        {
            var probabilities = new float[logits.Length];
            Probability.Softmax(logits, probabilities);
            var filtered = new float[logits.Length];
            Decoding.FilterTopK(probabilities, k, filtered);
            Assert.Equal(1, filtered.Sum(v => (double)v), 1e-6);
            var kept = DecodingReference.TopK(probabilities, Math.Min(k, logits.Length));
            Assert.All(Enumerable.Range(0, logits.Length).Where(i => !kept.Contains(i)), i => Assert.Equal(0f, filtered[i]));
        }, iter: 300);
    }
}
