using System;
using System.Collections.Generic;
using System.Linq;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

/// <summary>Reference answers and dispatchers for TopP, MinP and the filters.</summary>
internal static partial class DecodingReference
{
    /// <summary>The nucleus by definition: sort, sum in double, stop at &gt;= p; zeros never, unless all are.</summary>
    public static int[] TopP(IReadOnlyList<float> probabilities, float p)
    {
        var order = Order(probabilities);
        var kept = new List<int>();
        double mass = 0;
        foreach (var i in order)
        {
            if (probabilities[i] == 0)
            {
                break;
            }
            kept.Add(i);
            mass += probabilities[i];
            if (mass >= p)
            {
                break;
            }
        }
        if (kept.Count == 0)
        {
            kept.Add(order[0]);
        }
        return kept.ToArray();
    }

    public static int[] MinP(IReadOnlyList<float> probabilities, float minP)
    {
        var max = probabilities.Max();
        return Order(probabilities).Where(i => (double)probabilities[i] >= (double)minP * max).ToArray();
    }

    /// <summary>Kept probabilities divided by their double sum, zero elsewhere.</summary>
    public static double[] Renormalized(IReadOnlyList<float> probabilities, IEnumerable<int> kept)
    {
        var keptSet = kept.ToHashSet();
        var mass = keptSet.Sum(i => (double)probabilities[i]);
        return Enumerable.Range(0, probabilities.Count).Select(i => keptSet.Contains(i) ? probabilities[i] / mass : 0).ToArray();
    }

    /// <summary>A float row of probabilities: the softmax of seeded normal logits, rounded to float.</summary>
    public static float[] Probabilities(int length, double scale = 3, int seed = 1) =>
        Reference.Softmax(Rows.Normal(length, scale, seed)).Select(v => (float)v).ToArray();

    public static int[] CallTopP(Element element, float[] probabilities, float p)
    {
        var indices = new int[probabilities.Length];
        var count = element switch
        {
            Element.Single => Decoding.TopP(probabilities, p, indices),
            Element.Half => Decoding.TopP(Rows.ToHalf(probabilities), p, indices),
            Element.BFloat16 => Decoding.TopP(Rows.ToBFloat16(probabilities), p, indices),
            _ => throw new ArgumentOutOfRangeException(nameof(element)),
        };
        return indices[..count];
    }

    public static int[] CallMinP(Element element, float[] probabilities, float minP)
    {
        var indices = new int[probabilities.Length];
        var count = element switch
        {
            Element.Single => Decoding.MinP(probabilities, minP, indices),
            Element.Half => Decoding.MinP(Rows.ToHalf(probabilities), minP, indices),
            Element.BFloat16 => Decoding.MinP(Rows.ToBFloat16(probabilities), minP, indices),
            _ => throw new ArgumentOutOfRangeException(nameof(element)),
        };
        return indices[..count];
    }

    /// <summary>Calls FilterTopK (<paramref name="p"/> null) or FilterTopP for the element type; returns the result as float.</summary>
    public static float[] CallFilter(Element element, float[] probabilities, int k, float? p = null)
    {
        switch (element)
        {
            case Element.Single:
                var single = new float[probabilities.Length];
                if (p is { } ps)
                {
                    Decoding.FilterTopP(probabilities, ps, single);
                }
                else
                {
                    Decoding.FilterTopK(probabilities, k, single);
                }
                return single;
            case Element.Half:
                var half = new Half[probabilities.Length];
                if (p is { } ph)
                {
                    Decoding.FilterTopP(Rows.ToHalf(probabilities), ph, half);
                }
                else
                {
                    Decoding.FilterTopK(Rows.ToHalf(probabilities), k, half);
                }
                return Rows.ToSingle(half);
            case Element.BFloat16:
                var bf16 = new BFloat16[probabilities.Length];
                if (p is { } pb)
                {
                    Decoding.FilterTopP(Rows.ToBFloat16(probabilities), pb, bf16);
                }
                else
                {
                    Decoding.FilterTopK(Rows.ToBFloat16(probabilities), k, bf16);
                }
                return Rows.ToSingle(bf16);
            default:
                throw new ArgumentOutOfRangeException(nameof(element));
        }
    }

    /// <summary>
    /// Relative tolerance for a result rounded to the element type: twice the unit roundoff (a value
    /// computed in double, rounded to float, then to the element type, is within that).
    /// </summary>
    public static double Precision(Element element) => element switch
    {
        Element.Single => 1.2e-7,
        Element.Half => 9.8e-4,
        Element.BFloat16 => 7.9e-3,
        _ => throw new ArgumentOutOfRangeException(nameof(element)),
    };
}
