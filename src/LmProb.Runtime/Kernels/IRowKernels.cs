using System;
using System.ComponentModel;

namespace LmProb.Kernels;

/// <summary>
/// The streaming passes over one row of logits that a kernel implementation supplies for a row
/// length (<see cref="VocabSize"/>) and an element type <typeparamref name="T"/>. The LmProb source
/// generator emits implementations specialized for a fixed vocabulary size; the runtime has one
/// for any length. <see cref="RowKernelHost"/> builds every kernel (softmax, cross-entropy, …) and
/// all of its edge semantics on these passes, so every implementation behaves the same.
/// </summary>
/// <remarks>
/// Contract, which makes results bit-identical across implementations and SIMD widths: exp is
/// the shared polynomial (see the runtime's ExpKernel); every sum runs in blocks of 64 elements
/// into 64 float partial sums, flushed into 64 double totals every 16 blocks, reduced by the fixed
/// tree (g0 + g1) + (g2 + g3) then lane halving, with the tail of fewer than 64 elements added
/// after, in order, in double. Rows passed in always have exactly <see cref="VocabSize"/> elements,
/// and <c>max</c> is always the finite row maximum.
/// </remarks>
/// <typeparam name="T"><see cref="float"/>, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IRowKernels<T>
    where T : unmanaged
{
    /// <summary>The row length these passes work on.</summary>
    int VocabSize { get; }

    /// <summary>
    /// The row maximum, exact for a row without NaN. For a row with NaN the result may be NaN or any
    /// value not above the maximum (a fast <c>MaxNative</c> reduction drops NaN lanes): the exp sum
    /// of such a row is NaN, which is how the host finds it, and a −inf result is checked for NaN.
    /// </summary>
    float Max(ReadOnlySpan<T> row);

    /// <summary><c>Σ exp(x − max)</c> in the contract's order.</summary>
    double SumExp(ReadOnlySpan<T> row, float max);

    /// <summary><c>Σ (x − max)</c> in the contract's order (for label smoothing).</summary>
    double SumShifted(ReadOnlySpan<T> row, float max);

    /// <summary>Writes <c>exp(x − max)</c> to <paramref name="destination"/> and returns their sum in the contract's order.</summary>
    double StoreExp(ReadOnlySpan<T> row, float max, Span<float> destination);

    /// <summary>Writes <c>exp(x − max) / sum</c>, rounded once to <typeparamref name="T"/>.</summary>
    void StoreSoftmax(ReadOnlySpan<T> row, float max, float sum, Span<T> destination);

    /// <summary>Writes <c>(x − max) − logSum</c>, rounded once to <typeparamref name="T"/>.</summary>
    void StoreLogSoftmax(ReadOnlySpan<T> row, float max, float logSum, Span<T> destination);
}
