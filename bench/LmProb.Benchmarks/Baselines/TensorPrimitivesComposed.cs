using System;
using System.Numerics.Tensors;

namespace LmProb.Benchmarks.Baselines;

/// <summary>
/// The kernels as a .NET developer would compose them from <see cref="TensorPrimitives"/> today:
/// one vectorized library call per step (Max, Subtract, Exp, Sum, Log), each a pass over memory,
/// through a preallocated scratch row. Stable: the max is subtracted first.
/// </summary>
internal static class TensorPrimitivesComposed
{
    public static float LogSumExp(ReadOnlySpan<float> x, Span<float> scratch)
    {
        var max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, scratch);
        TensorPrimitives.Exp(scratch, scratch);
        return max + MathF.Log(TensorPrimitives.Sum(scratch));
    }

    public static void Softmax(ReadOnlySpan<float> x, Span<float> destination)
    {
        var max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, destination);
        TensorPrimitives.Exp(destination, destination);
        TensorPrimitives.Divide(destination, TensorPrimitives.Sum(destination), destination);
    }

    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> destination, Span<float> scratch)
    {
        var max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, destination);
        TensorPrimitives.Exp(destination, scratch);
        TensorPrimitives.Subtract(destination, MathF.Log(TensorPrimitives.Sum(scratch)), destination);
    }

    public static float CrossEntropy(ReadOnlySpan<float> x, int target, Span<float> scratch)
    {
        var max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, scratch);
        TensorPrimitives.Exp(scratch, scratch);
        return MathF.Log(TensorPrimitives.Sum(scratch)) - (x[target] - max);
    }

    /// <summary>
    /// Loss and gradient from <see cref="TensorPrimitives.SoftMax(ReadOnlySpan{float}, Span{float})"/>
    /// then subtracting the one-hot target: the shortest TensorPrimitives version, and the reference
    /// of issue 6's target. Not stable: TensorPrimitives.SoftMax does not subtract the max, so
    /// <c>[1000, 999, 997]</c> gives NaN (exp overflows to +inf, inf/inf). The benchmark rows are
    /// N(0, 4²), where it happens to give the right numbers.
    /// </summary>
    public static float CrossEntropySoftMaxOneHot(ReadOnlySpan<float> x, int target, Span<float> gradient)
    {
        TensorPrimitives.SoftMax(x, gradient);
        var loss = -MathF.Log(gradient[target]);
        gradient[target] -= 1f;
        return loss;
    }

    /// <summary>Loss and gradient from the stable composition (Max, Subtract, Exp, Sum, Divide), then the one-hot target.</summary>
    public static float CrossEntropyComposedOneHot(ReadOnlySpan<float> x, int target, Span<float> gradient)
    {
        var max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, gradient);
        TensorPrimitives.Exp(gradient, gradient);
        var sum = TensorPrimitives.Sum(gradient);
        TensorPrimitives.Divide(gradient, sum, gradient);
        gradient[target] -= 1f;
        return MathF.Log(sum) - (x[target] - max);
    }
}
