using System;

namespace LmProb.Kernels;

/// <summary>The runtime's row passes for float rows of any length, built on <see cref="RowLoops"/>.</summary>
internal readonly struct FloatRowKernels(int vocabSize) : IRowKernels<float>
{
    public int VocabSize => vocabSize;

    public float Max(ReadOnlySpan<float> row) => RowLoops.Max(row);

    public double SumExp(ReadOnlySpan<float> row, float max) => RowLoops.Sum(row, new ShiftedExp(max));

    public double SumShifted(ReadOnlySpan<float> row, float max) => RowLoops.Sum(row, new Shift(max));

    public double StoreExp(ReadOnlySpan<float> row, float max, Span<float> destination) =>
        RowLoops.MapAndSum(row, destination, new ShiftedExp(max));

    public void StoreSoftmax(ReadOnlySpan<float> row, float max, float sum, Span<float> destination) =>
        RowLoops.Map(row, destination, new ShiftedExpDivide(max, sum));

    public void StoreLogSoftmax(ReadOnlySpan<float> row, float max, float logSum, Span<float> destination) =>
        RowLoops.Map(row, destination, new ShiftedLog(max, logSum));
}

/// <summary>
/// The runtime's row passes for <see cref="Half"/> and <see cref="BFloat16"/> rows of any length:
/// each pass widens the row into a pooled float buffer and runs <see cref="FloatRowKernels"/>, so
/// results equal those of the widened float row exactly.
/// </summary>
internal readonly struct WideningRowKernels<T>(int vocabSize) : IRowKernels<T>
    where T : unmanaged
{
    public int VocabSize => vocabSize;

    private FloatRowKernels Float => new(vocabSize);

    public float Max(ReadOnlySpan<T> row)
    {
        using var x = Internal.WidenedSpan.Create(row);
        return Float.Max(x.Span);
    }

    public double SumExp(ReadOnlySpan<T> row, float max)
    {
        using var x = Internal.WidenedSpan.Create(row);
        return Float.SumExp(x.Span, max);
    }

    public double SumShifted(ReadOnlySpan<T> row, float max)
    {
        using var x = Internal.WidenedSpan.Create(row);
        return Float.SumShifted(x.Span, max);
    }

    public double StoreExp(ReadOnlySpan<T> row, float max, Span<float> destination)
    {
        using var x = Internal.WidenedSpan.Create(row);
        return Float.StoreExp(x.Span, max, destination);
    }

    public void StoreSoftmax(ReadOnlySpan<T> row, float max, float sum, Span<T> destination)
    {
        using var x = Internal.WidenedSpan.Create(row);
        using var y = Internal.DestinationBuffer<T>.Create(destination);
        Float.StoreSoftmax(x.Span, max, sum, y.Span);
        y.Commit();
    }

    public void StoreLogSoftmax(ReadOnlySpan<T> row, float max, float logSum, Span<T> destination)
    {
        using var x = Internal.WidenedSpan.Create(row);
        using var y = Internal.DestinationBuffer<T>.Create(destination);
        Float.StoreLogSoftmax(x.Span, max, logSum, y.Span);
        y.Commit();
    }
}
