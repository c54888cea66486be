using System;
using System.Linq;
using CsCheck;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

/// <summary>
/// <see cref="Decoding.TopK(ReadOnlySpan{float}, Span{int}, Span{float})"/> against a full stable sort
/// done in the test (<see cref="DecodingReference.Order"/>). Expected values are exact: selection
/// compares values, it does not compute any.
/// </summary>
public class TopKTests
{
    public static TheoryData<Element> ElementTypes => DecodingReference.ElementData;

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void Top_2_of_the_example_row(Element element)
    {
        float[] row = [.45f, .25f, .15f, .10f, .05f];
        var indices = new int[2];
        var values = new float[2];

        var k = DecodingReference.CallTopK(element, row, indices, values);

        Assert.Equal(2, k);
        Assert.Equal([0, 1], indices);
        // The values are the row's values as the element type stores them, widened exactly.
        var rounded = DecodingReference.Rounded(element, row);
        Assert.Equal([rounded[0], rounded[1]], values);
    }

    [Fact]
    public void Top_2_of_the_example_row_as_literal_floats()
    {
        var indices = new int[2];
        var values = new float[2];
        Decoding.TopK([.45f, .25f, .15f, .10f, .05f], indices, values);
        Assert.Equal([0, 1], indices);
        Assert.Equal([.45f, .25f], values);
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void Ties_go_to_the_lower_index(Element element)
    {
        float[] row = [1, 3, 3, 2, 3, 3, 2];
        var indices = new int[5];
        var values = new float[5];
        DecodingReference.CallTopK(element, row, indices, values);
        Assert.Equal([1, 2, 4, 5, 3], indices);
        Assert.Equal([3f, 3, 3, 3, 2], values);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(100)]
    public void A_row_of_equal_values_gives_the_first_k_indices(int k)
    {
        var row = Enumerable.Repeat(0.5f, 333).ToArray();
        var indices = new int[k];
        var values = new float[k];
        Decoding.TopK(row, indices, values);
        Assert.Equal(Enumerable.Range(0, k), indices);
        Assert.All(values, v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void Minus_zero_and_zero_are_a_tie()
    {
        var indices = new int[2];
        var values = new float[2];
        Decoding.TopK([-0f, 0f], indices, values);
        Assert.Equal([0, 1], indices);
        Decoding.TopK([0f, -0f], indices, values);
        Assert.Equal([0, 1], indices);
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void NaN_ranks_after_every_number_and_minus_infinity_below_every_finite_value(Element element)
    {
        float[] row = [float.NaN, float.NegativeInfinity, 1, float.NaN, float.NegativeInfinity, -3e38f, float.PositiveInfinity, 0];
        var indices = new int[row.Length];
        var values = new float[row.Length];

        DecodingReference.CallTopK(element, row, indices, values);

        // +inf, 1, 0, -3e38 (-inf in Half), -inf, -inf, NaN, NaN.
        var expected = element == Element.Half ? new[] { 6, 2, 7, 1, 4, 5, 0, 3 } : [6, 2, 7, 5, 1, 4, 0, 3];
        Assert.Equal(expected, indices);
        Assert.True(float.IsNaN(values[^1]) && float.IsNaN(values[^2]));
        Assert.Equal(float.PositiveInfinity, values[0]);
    }

    [Fact]
    public void NaN_is_never_selected_before_a_number_even_when_the_row_starts_with_NaNs()
    {
        // The first k elements seed the heap, so its root is NaN until numbers push the NaNs out.
        var row = new float[70];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = i < 10 ? float.NaN : -i;
        }
        var indices = new int[10];
        var values = new float[10];
        Decoding.TopK(row, indices, values);
        Assert.Equal(Enumerable.Range(10, 10), indices);
        Assert.DoesNotContain(values, float.IsNaN);
    }

    [Fact]
    public void An_ascending_row_where_every_element_enters_the_selection()
    {
        var row = Enumerable.Range(0, 1000).Select(i => (float)i).ToArray();
        var indices = new int[10];
        var values = new float[10];
        Decoding.TopK(row, indices, values);
        Assert.Equal(Enumerable.Range(990, 10).Reverse(), indices);
    }

    [Fact]
    public void K_zero_returns_zero_and_writes_nothing()
    {
        Assert.Equal(0, Decoding.TopK([1f, 2f], Span<int>.Empty, Span<float>.Empty));
        Assert.Equal(0, Decoding.TopK(ReadOnlySpan<float>.Empty, Span<int>.Empty, Span<float>.Empty));
        Assert.Equal(0, Decoding.TopK(ReadOnlySpan<Half>.Empty, Span<int>.Empty, Span<float>.Empty));
        Assert.Equal(0, Decoding.TopK(ReadOnlySpan<BFloat16>.Empty, Span<int>.Empty, Span<float>.Empty));
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void K_equal_to_the_length_sorts_the_whole_row(Element element)
    {
        var row = DecodingReference.UglyRow(67, seed: 3);
        var indices = new int[row.Length];
        var values = new float[row.Length];
        Assert.Equal(row.Length, DecodingReference.CallTopK(element, row, indices, values));
        Assert.Equal(DecodingReference.Order(DecodingReference.Rounded(element, row)), indices);
    }

    /// <summary>Every length up to 67 covers every vector tail of the 512, 256 and 128-bit paths.</summary>
    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void Matches_a_stable_sort_for_every_length_from_1_to_67_and_several_k(Element element)
    {
        for (var length = 1; length <= 67; length++)
        {
            foreach (var row in new[] { DecodingReference.UglyRow(length, seed: length), Rows.Normal(length, seed: length) })
            {
                var rounded = DecodingReference.Rounded(element, row);
                foreach (var k in new[] { 1, 2, 3, length / 2, length - 1, length }.Where(k => k >= 0 && k <= length).Distinct())
                {
                    var indices = new int[k];
                    var values = new float[k];
                    DecodingReference.CallTopK(element, row, indices, values);
                    var expected = DecodingReference.TopK(rounded, k);
                    Assert.True(expected.SequenceEqual(indices), $"length {length}, k {k}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", indices)}]");
                    Assert.Equal(expected.Select(i => rounded[i]), values);
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(50)]
    [InlineData(1000)]
    public void Matches_a_stable_sort_on_a_32000_long_row(int k)
    {
        var row = Rows.Normal(32000, seed: 7);
        // Coarse rounding makes many ties.
        var coarse = row.Select(v => MathF.Round(v, 1)).ToArray();
        foreach (var x in new[] { row, coarse })
        {
            foreach (var element in DecodingReference.Elements)
            {
                var indices = new int[k];
                var values = new float[k];
                DecodingReference.CallTopK(element, x, indices, values);
                Assert.Equal(DecodingReference.TopK(DecodingReference.Rounded(element, x), k), indices);
            }
        }
    }

    [Fact]
    public void Property_TopK_is_the_prefix_of_a_stable_descending_sort()
    {
        var values = Gen.Frequency(
            (8, Gen.Float[-100f, 100f]),
            (1, Gen.Float.Special),
            (2, Gen.OneOfConst(0f, -0f, 1f, float.NaN, float.NegativeInfinity, float.PositiveInfinity)));
        var rowAndK = values.Array[1, 200].SelectMany(row => Gen.Int[0, row.Length].Select(k => (row, k)));
        rowAndK.Sample((row, k) =>
        {
            var indices = new int[k];
            var top = new float[k];
            Decoding.TopK(row, indices, top);
            Assert.Equal(DecodingReference.TopK(row, k), indices);
            Assert.Equal(indices.Select(i => row[i]), top);
        }, iter: 500);
    }

    [Fact]
    public void Lengths_that_differ_throw_naming_both()
    {
        var error = Assert.Throws<ArgumentException>(() => Decoding.TopK([1f, 2f, 3f, 4f, 5f], new int[3], new float[4]));
        Assert.Equal("indices", error.ParamName);
        Assert.Contains("indices.Length 3 does not match topValues.Length 4.", error.Message);

        error = Assert.Throws<ArgumentException>(() => Decoding.TopK(new Half[5], new int[2], new float[1]));
        Assert.Equal("indices", error.ParamName);
        Assert.Contains("indices.Length 2 does not match topValues.Length 1.", error.Message);

        error = Assert.Throws<ArgumentException>(() => Decoding.TopK(new BFloat16[5], new int[1], new float[2]));
        Assert.Equal("indices", error.ParamName);
    }

    [Fact]
    public void K_larger_than_the_row_throws_naming_k_and_the_length()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.TopK([1f, 2f, 3f], new int[5], new float[5]));
        Assert.Equal("indices", error.ParamName);
        Assert.Contains("k = indices.Length 5 exceeds values.Length 3.", error.Message);
        Assert.Equal(5, error.ActualValue);

        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.TopK(new Half[3], new int[4], new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.TopK(new BFloat16[0], new int[1], new float[1]));
    }
}
