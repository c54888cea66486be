using System;

namespace LmProb.Benchmarks.Baselines;

/// <summary>
/// Top-k by sorting the whole row: copy the values (negated, so the ascending sort puts the largest
/// first) and their indices into preallocated arrays, <see cref="Array.Sort{TKey, TValue}(TKey[], TValue[])"/>,
/// take the first k. Introsort is not stable, so ties may come out in either order.
/// </summary>
internal static class SortTopK
{
    public static void Select(ReadOnlySpan<float> values, float[] keys, int[] items, Span<int> indices, Span<float> topValues)
    {
        for (var i = 0; i < values.Length; i++)
        {
            keys[i] = -values[i];
            items[i] = i;
        }
        Array.Sort(keys, items);
        for (var j = 0; j < indices.Length; j++)
        {
            indices[j] = items[j];
            topValues[j] = -keys[j];
        }
    }
}
