using System;
using System.Collections.Generic;
using System.Linq;

namespace LmProb.Generators.Tests.Infrastructure;

/// <summary>A test row: its name, its logits and a target index into it.</summary>
internal sealed record Row<T>(string Name, T[] Logits, int Target)
    where T : unmanaged
{
    public override string ToString() => Name;
}

/// <summary>Seeded rows of one length, the ordinary and the ugly ones.</summary>
internal static class Rows
{
    /// <summary>
    /// Normal, wide-range, ±large, tiny (subnormal), constant; rows with −inf entries, one NaN, one
    /// +inf; and an all −inf row. Targets are random, except on the −inf row, where it is a −inf entry.
    /// </summary>
    public static List<Row<T>> All<T>(ElementType<T> type, int length, int seed)
        where T : unmanaged
    {
        var random = new Random(seed);
        var rows = new List<(string Name, float[] Values, int Target)>
        {
            ("normal σ=4", Normal(random, length, 4), random.Next(length)),
            ("uniform [-90, 10]", Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 100 - 90)).ToArray(), random.Next(length)),
            ($"large σ={type.LargeScale:G2}", Normal(random, length, type.LargeScale), random.Next(length)),
            ($"tiny σ={type.TinyScale:G2}", Normal(random, length, type.TinyScale), random.Next(length)),
            ("constant", Enumerable.Repeat(2.5f, length).ToArray(), random.Next(length)),
            ("all -inf", Enumerable.Repeat(float.NegativeInfinity, length).ToArray(), random.Next(length)),
        };

        var negativeInfinities = Normal(random, length, 4);
        var keep = random.Next(length);
        var target = keep;
        for (var i = 0; i < length; i++)
        {
            if (i != keep && random.NextDouble() < 0.3)
            {
                negativeInfinities[i] = float.NegativeInfinity;
                target = i;
            }
        }
        rows.Add(("-inf entries", negativeInfinities, target));

        var nan = Normal(random, length, 4);
        nan[random.Next(length)] = float.NaN;
        rows.Add(("one NaN", nan, random.Next(length)));

        var positiveInfinity = Normal(random, length, 4);
        positiveInfinity[random.Next(length)] = float.PositiveInfinity;
        rows.Add(("one +inf", positiveInfinity, random.Next(length)));

        return rows
            .Select(r => new Row<T>(r.Name, r.Values.Select(type.FromSingle).ToArray(), r.Target))
            .ToList();
    }

    /// <summary>The values widened exactly to double, for the reference.</summary>
    public static double[] Widen<T>(this ElementType<T> type, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = type.ToSingle(values[i]);
        }
        return result;
    }

    private static float[] Normal(Random random, int length, float sigma)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            // Box–Muller.
            var u = 1 - random.NextDouble();
            var v = random.NextDouble();
            values[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
        }
        return values;
    }
}
