using System;
using System.Numerics.Tensors;

namespace LmProb.Kernels;

/// <summary>
/// One row of float logits: log-sum-exp, softmax, log-softmax. Two passes over memory for each
/// (max, then exp-and-sum), plus one normalizing pass for softmax; exp is computed once per element.
/// </summary>
/// <remarks>
/// Edge semantics (see API.md): a row containing NaN or +inf gives NaN outputs; an all −inf row
/// gives NaN outputs and a log-sum-exp of −inf; −inf entries beside a finite one give probability 0
/// and log-probability −inf. The max is subtracted before anything else, so finite inputs of any
/// size never overflow.
/// </remarks>
internal static class SoftmaxKernels
{
    /// <summary>The row maximum and the sum of <c>exp((x − max) / T)</c>; <see cref="IsNormalizable"/> is false for bad rows.</summary>
    public readonly record struct RowNormalizer(float Max, double SumExp)
    {
        /// <summary>False when the row is empty, contains NaN or +inf, or is all −inf.</summary>
        public bool IsNormalizable => float.IsFinite(Max);

        /// <summary><c>log Σ exp((x − max) / T)</c>, in [0, log n].</summary>
        public float LogSumExpShifted => (float)Math.Log(SumExp);
    }

    /// <summary>
    /// The row maximum, with NaN if any element is NaN (and −inf for an empty row).
    /// </summary>
    public static float Max(ReadOnlySpan<float> x) => x.IsEmpty ? float.NegativeInfinity : TensorPrimitives.Max(x);

    /// <summary>Pass 1 (max) and pass 2 (sum of exp) over the row, without writing anything.</summary>
    public static RowNormalizer Normalizer(ReadOnlySpan<float> x, float temperature = 1f)
    {
        var max = Max(x);
        if (!float.IsFinite(max))
        {
            return new RowNormalizer(max, float.NaN);
        }
        var sum = temperature == 1f
            ? RowLoops.Sum(x, new ShiftedExp(max))
            : RowLoops.Sum(x, new TemperedExp(max, temperature));
        return new RowNormalizer(max, sum);
    }

    /// <summary><c>log Σ exp(x)</c>; −inf for an empty or all −inf row, NaN for a row with NaN or +inf.</summary>
    public static float LogSumExp(ReadOnlySpan<float> x) => RowKernelHost.LogSumExp(x, new FloatRowKernels(x.Length));

    /// <summary>Softmax of the row into <paramref name="destination"/> (same length; may be <paramref name="x"/>).</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> destination, float temperature = 1f)
    {
        if (temperature == 1f)
        {
            RowKernelHost.Softmax(x, destination, new FloatRowKernels(x.Length));
            return;
        }
        if (x.IsEmpty)
        {
            return;
        }
        var max = Max(x);
        if (!float.IsFinite(max))
        {
            destination.Fill(float.NaN);
            return;
        }
        // Pass 2: e = exp((x − max) / T) stored while summing. Pass 3: e / sum.
        var sum = RowLoops.MapAndSum(x, destination, new TemperedExp(max, temperature));
        RowLoops.Map(destination, destination, new DivideBy((float)sum));
    }

    /// <summary>Log-softmax of the row into <paramref name="destination"/> (same length; may be <paramref name="x"/>).</summary>
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> destination, float temperature = 1f)
    {
        if (temperature == 1f)
        {
            RowKernelHost.LogSoftmax(x, destination, new FloatRowKernels(x.Length));
            return;
        }
        if (x.IsEmpty)
        {
            return;
        }
        var row = Normalizer(x, temperature);
        if (!row.IsNormalizable)
        {
            destination.Fill(float.NaN);
            return;
        }
        // Pass 3: (x − max) / T − log(sum).
        RowLoops.Map(x, destination, new TemperedLog(row.Max, temperature, row.LogSumExpShifted));
    }
}
