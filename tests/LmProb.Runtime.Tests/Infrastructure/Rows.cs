using System;
using System.Linq;

namespace LmProb.Tests.Infrastructure;

/// <summary>Test inputs: seeded random rows and conversions to the 16-bit element types.</summary>
internal static class Rows
{
    /// <summary>Normally distributed logits with the given scale, from a fixed seed.</summary>
    public static float[] Normal(int length, double scale = 3, int seed = 1)
    {
        var random = new Random(seed);
        var row = new float[length];
        for (var i = 0; i < length; i++)
        {
            // Box–Muller.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            row[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return row;
    }

    public static Half[] ToHalf(float[] x) => x.Select(v => (Half)v).ToArray();

    public static BFloat16[] ToBFloat16(float[] x) => x.Select(v => (BFloat16)v).ToArray();

    public static float[] ToSingle(Half[] x) => x.Select(v => (float)v).ToArray();

    public static float[] ToSingle(BFloat16[] x) => x.Select(v => (float)v).ToArray();
}
