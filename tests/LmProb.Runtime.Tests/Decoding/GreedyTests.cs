using System;
using System.Linq;
using CsCheck;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

/// <summary><see cref="Decoding.Greedy(ReadOnlySpan{float})"/> against a plain argmax loop written in the test.</summary>
public class GreedyTests
{
    public static TheoryData<Element> ElementTypes => DecodingReference.ElementData;

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void Picks_the_largest(Element element)
    {
        Assert.Equal(3, DecodingReference.CallGreedy(element, [0.1f, -2f, 0.5f, 4f, 3.5f]));
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void Ties_go_to_the_lowest_index(Element element)
    {
        Assert.Equal(1, DecodingReference.CallGreedy(element, [1f, 2f, 0f, 2f, 2f]));
    }

    [Fact]
    public void Values_that_round_to_the_same_16_bit_value_tie()
    {
        // 1.0001 and 1.0002 are different floats but the same Half and BFloat16 (1.0).
        float[] row = [0.5f, 1.0001f, 1.0002f];
        Assert.Equal(2, Decoding.Greedy(row));
        Assert.Equal(1, Decoding.Greedy(Rows.ToHalf(row)));
        Assert.Equal(1, Decoding.Greedy(Rows.ToBFloat16(row)));
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void NaN_never_wins(Element element)
    {
        Assert.Equal(3, DecodingReference.CallGreedy(element, [float.NaN, 1f, float.NaN, 2f, 2f, float.NaN]));
        Assert.Equal(1, DecodingReference.CallGreedy(element, [float.NaN, float.NegativeInfinity]));
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void Empty_or_all_NaN_gives_minus_one(Element element)
    {
        Assert.Equal(-1, DecodingReference.CallGreedy(element, []));
        Assert.Equal(-1, DecodingReference.CallGreedy(element, [float.NaN]));
        Assert.Equal(-1, DecodingReference.CallGreedy(element, Enumerable.Repeat(float.NaN, 40).ToArray()));
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void Infinities(Element element)
    {
        Assert.Equal(2, DecodingReference.CallGreedy(element, [1e4f, float.NaN, float.PositiveInfinity, float.PositiveInfinity]));
        Assert.Equal(0, DecodingReference.CallGreedy(element, [float.NegativeInfinity, float.NegativeInfinity]));
        Assert.Equal(1, DecodingReference.CallGreedy(element, [float.NegativeInfinity, -3e4f]));
    }

    [Fact]
    public void Matches_argmax_for_every_length_from_1_to_67_and_a_32000_long_row()
    {
        foreach (var element in DecodingReference.Elements)
        {
            for (var length = 1; length <= 67; length++)
            {
                var row = DecodingReference.UglyRow(length, seed: 100 + length);
                Assert.Equal(DecodingReference.ArgMax(DecodingReference.Rounded(element, row)), DecodingReference.CallGreedy(element, row));
            }
            var large = Rows.Normal(32000, seed: 11);
            Assert.Equal(DecodingReference.ArgMax(DecodingReference.Rounded(element, large)), DecodingReference.CallGreedy(element, large));
        }
    }

    [Fact]
    public void Property_Greedy_is_TopK_with_k_1_and_the_argmax()
    {
        var values = Gen.Frequency((6, Gen.Float[-5f, 5f]), (1, Gen.Float.Special), (1, Gen.OneOfConst(1f, float.NaN, float.NegativeInfinity)));
        values.Array[1, 150].Sample(row =>
        {
            var greedy = Decoding.Greedy(row);
            Assert.Equal(DecodingReference.ArgMax(row), greedy);
            var index = new int[1];
            var value = new float[1];
            Decoding.TopK(row, index, value);
            if (float.IsNaN(value[0]))
            {
                Assert.Equal(-1, greedy);
            }
            else
            {
                Assert.Equal(index[0], greedy);
            }
        }, iter: 500);
    }
}
