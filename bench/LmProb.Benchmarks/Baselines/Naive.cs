using System;

namespace LmProb.Benchmarks.Baselines;

/// <summary>
/// What one writes first: scalar loops over the row with <see cref="MathF.Exp(float)"/>, max-shifted
/// (so they are stable) and summed in float. NaN handling is left out; the benchmark rows hold none.
/// </summary>
internal static class Naive
{
    public static float Max(ReadOnlySpan<float> x)
    {
        var max = float.NegativeInfinity;
        foreach (var value in x)
        {
            if (value > max)
            {
                max = value;
            }
        }
        return max;
    }

    public static float SumExp(ReadOnlySpan<float> x, float max)
    {
        var sum = 0f;
        foreach (var value in x)
        {
            sum += MathF.Exp(value - max);
        }
        return sum;
    }

    public static float LogSumExp(ReadOnlySpan<float> x)
    {
        var max = Max(x);
        return max + MathF.Log(SumExp(x, max));
    }

    public static void Softmax(ReadOnlySpan<float> x, Span<float> destination)
    {
        var max = Max(x);
        var sum = 0f;
        for (var i = 0; i < x.Length; i++)
        {
            var e = MathF.Exp(x[i] - max);
            destination[i] = e;
            sum += e;
        }
        var scale = 1f / sum;
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] *= scale;
        }
    }

    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> destination)
    {
        var max = Max(x);
        var logSum = MathF.Log(SumExp(x, max));
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = (x[i] - max) - logSum;
        }
    }

    public static float CrossEntropy(ReadOnlySpan<float> x, int target)
    {
        var max = Max(x);
        return MathF.Log(SumExp(x, max)) - (x[target] - max);
    }

    public static float CrossEntropy(ReadOnlySpan<float> x, int target, Span<float> gradient)
    {
        var max = Max(x);
        var sum = 0f;
        for (var i = 0; i < x.Length; i++)
        {
            var e = MathF.Exp(x[i] - max);
            gradient[i] = e;
            sum += e;
        }
        var scale = 1f / sum;
        for (var i = 0; i < gradient.Length; i++)
        {
            gradient[i] *= scale;
        }
        gradient[target] -= 1f;
        return MathF.Log(sum) - (x[target] - max);
    }
}
