using System;
using System.Collections.Generic;
using System.Linq;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

/// <summary>The element type a test row is passed as.</summary>
public enum Element
{
    Single,
    Half,
    BFloat16,
}

/// <summary>
/// Test-only reference answers for the decoding functions, computed the slow, obvious way (a full
/// stable sort, double sums), and dispatchers that call the right overload for an element type.
/// </summary>
internal static partial class DecodingReference
{
    public static readonly Element[] Elements = [Element.Single, Element.Half, Element.BFloat16];

    public static TheoryData<Element> ElementData => new(Elements);

    /// <summary>
    /// Every index, best first: numbers by decreasing value (−0 equal to +0), then NaNs; ties by
    /// increasing index (LINQ's OrderBy is a stable sort).
    /// </summary>
    public static int[] Order(IReadOnlyList<float> x) =>
        Enumerable.Range(0, x.Count)
            .OrderBy(i => float.IsNaN(x[i]) ? 1 : 0)
            .ThenByDescending(i => float.IsNaN(x[i]) ? 0f : x[i])
            .ToArray();

    public static int[] TopK(IReadOnlyList<float> x, int k) => Order(x).Take(k).ToArray();

    /// <summary>The largest number's lowest index; −1 when there is none.</summary>
    public static int ArgMax(IReadOnlyList<float> x)
    {
        var best = -1;
        for (var i = 0; i < x.Count; i++)
        {
            if (!float.IsNaN(x[i]) && (best < 0 || x[i] > x[best]))
            {
                best = i;
            }
        }
        return best;
    }

    /// <summary>The row as the element type would store it (rounded once), back in float.</summary>
    public static float[] Rounded(Element element, float[] x) => element switch
    {
        Element.Single => (float[])x.Clone(),
        Element.Half => Rows.ToSingle(Rows.ToHalf(x)),
        Element.BFloat16 => Rows.ToSingle(Rows.ToBFloat16(x)),
        _ => throw new ArgumentOutOfRangeException(nameof(element)),
    };

    public static int CallTopK(Element element, float[] x, Span<int> indices, Span<float> values) => element switch
    {
        Element.Single => Decoding.TopK(x, indices, values),
        Element.Half => Decoding.TopK(Rows.ToHalf(x), indices, values),
        Element.BFloat16 => Decoding.TopK(Rows.ToBFloat16(x), indices, values),
        _ => throw new ArgumentOutOfRangeException(nameof(element)),
    };

    public static int CallGreedy(Element element, float[] x) => element switch
    {
        Element.Single => Decoding.Greedy(x),
        Element.Half => Decoding.Greedy(Rows.ToHalf(x)),
        Element.BFloat16 => Decoding.Greedy(Rows.ToBFloat16(x)),
        _ => throw new ArgumentOutOfRangeException(nameof(element)),
    };

    /// <summary>A row with the ugly values mixed in: NaN, ±inf, ±0, duplicates, huge and tiny numbers.</summary>
    public static float[] UglyRow(int length, int seed)
    {
        var random = new Random(seed);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e30f, -1e30f, 1e-40f, 3e38f, 1f, 1f, 2f];
        var row = new float[length];
        for (var i = 0; i < length; i++)
        {
            row[i] = random.Next(4) == 0
                ? specials[random.Next(specials.Length)]
                : (float)Math.Round(random.NextDouble() * 20 - 10, random.Next(3));
        }
        return row;
    }
}
