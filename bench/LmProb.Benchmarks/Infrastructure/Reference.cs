using System;

namespace LmProb.Benchmarks.Infrastructure;

/// <summary>Double-precision results that the setup checks compare every implementation with.</summary>
internal static class Reference
{
    public static double LogSumExp(ReadOnlySpan<float> x)
    {
        double max = float.NegativeInfinity;
        foreach (var value in x)
        {
            max = Math.Max(max, value);
        }
        double sum = 0;
        foreach (var value in x)
        {
            sum += Math.Exp(value - max);
        }
        return max + Math.Log(sum);
    }

    public static float[] Softmax(ReadOnlySpan<float> x)
    {
        var lse = LogSumExp(x);
        var p = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            p[i] = (float)Math.Exp(x[i] - lse);
        }
        return p;
    }

    public static float[] LogSoftmax(ReadOnlySpan<float> x)
    {
        var lse = LogSumExp(x);
        var p = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            p[i] = (float)(x[i] - lse);
        }
        return p;
    }

    public static double CrossEntropy(ReadOnlySpan<float> x, int target) => LogSumExp(x) - x[target];

    public static float[] CrossEntropyGradient(ReadOnlySpan<float> x, int target)
    {
        var g = Softmax(x);
        g[target] = (float)(g[target] - 1.0);
        return g;
    }
}
