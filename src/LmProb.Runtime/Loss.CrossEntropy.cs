using System;
using System.Runtime.InteropServices;
using LmProb.Internal;
using LmProb.Kernels;

namespace LmProb;

public static partial class Loss
{
    /// <summary>
    /// Cross-entropy of one row of logits against the index of the true token:
    /// <c>LogSumExp(logits) − logits[target]</c>, computed without overflow or cancellation.
    /// </summary>
    /// <returns>The loss in nats; +inf when the target's logit is −inf; NaN when the row contains NaN or +inf, or is all −inf.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is outside [0, logits.Length).</exception>
    public static float CrossEntropy(ReadOnlySpan<float> logits, int target) => CrossEntropyRow(logits, target);

    /// <inheritdoc cref="CrossEntropy(ReadOnlySpan{float}, int)"/>
    public static float CrossEntropy(ReadOnlySpan<Half> logits, int target) => CrossEntropyRow(logits, target);

    /// <inheritdoc cref="CrossEntropy(ReadOnlySpan{float}, int)"/>
    public static float CrossEntropy(ReadOnlySpan<BFloat16> logits, int target) => CrossEntropyRow(logits, target);

    /// <summary>
    /// Cross-entropy of one row and its gradient with respect to the logits,
    /// <c>softmax(logits) − onehot(target)</c>, written to <paramref name="gradient"/> (same length).
    /// </summary>
    /// <returns>The loss, as <see cref="CrossEntropy(ReadOnlySpan{float}, int)"/>; a bad row also gets a NaN gradient.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is outside [0, logits.Length).</exception>
    /// <exception cref="ArgumentException"><paramref name="gradient"/> has another length than <paramref name="logits"/>.</exception>
    public static float CrossEntropy(ReadOnlySpan<float> logits, int target, Span<float> gradient) => CrossEntropyRow(logits, target, gradient);

    /// <inheritdoc cref="CrossEntropy(ReadOnlySpan{float}, int, Span{float})"/>
    public static float CrossEntropy(ReadOnlySpan<Half> logits, int target, Span<float> gradient) => CrossEntropyRow(logits, target, gradient);

    /// <inheritdoc cref="CrossEntropy(ReadOnlySpan{float}, int, Span{float})"/>
    public static float CrossEntropy(ReadOnlySpan<BFloat16> logits, int target, Span<float> gradient) => CrossEntropyRow(logits, target, gradient);

    /// <summary>
    /// Cross-entropy of a flat row-major batch of <c>logits.Length / vocabSize</c> rows against one
    /// target per row, as PyTorch's <c>cross_entropy</c>: ignore-index, label smoothing and z-loss
    /// from <paramref name="options"/>, which can also receive the per-token losses and the gradient
    /// of the mean.
    /// </summary>
    /// <returns>The sum (in double) and count of the losses of the tokens not ignored; <see cref="CrossEntropyResult.Mean"/> is NaN when none is counted.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="vocabSize"/> does not divide the length; <c>targets.Length</c> is not the row count; an output array has the wrong length.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is outside [0, vocabSize) and is not the ignore index; an option is out of range.</exception>
    public static CrossEntropyResult CrossEntropy(ReadOnlySpan<float> logits, int vocabSize, ReadOnlySpan<int> targets, CrossEntropyOptions? options = null) =>
        CrossEntropyBatch(logits, vocabSize, targets, options ?? DefaultOptions);

    /// <inheritdoc cref="CrossEntropy(ReadOnlySpan{float}, int, ReadOnlySpan{int}, CrossEntropyOptions?)"/>
    public static CrossEntropyResult CrossEntropy(ReadOnlySpan<Half> logits, int vocabSize, ReadOnlySpan<int> targets, CrossEntropyOptions? options = null) =>
        CrossEntropyBatch(logits, vocabSize, targets, options ?? DefaultOptions);

    /// <inheritdoc cref="CrossEntropy(ReadOnlySpan{float}, int, ReadOnlySpan{int}, CrossEntropyOptions?)"/>
    public static CrossEntropyResult CrossEntropy(ReadOnlySpan<BFloat16> logits, int vocabSize, ReadOnlySpan<int> targets, CrossEntropyOptions? options = null) =>
        CrossEntropyBatch(logits, vocabSize, targets, options ?? DefaultOptions);

    private static readonly CrossEntropyOptions DefaultOptions = new();

    private static float CrossEntropyRow<T>(ReadOnlySpan<T> logits, int target)
        where T : unmanaged
    {
        ThrowHelper.ThrowIfIndexOutOfRange(target, logits.Length, nameof(target), nameof(logits));
        if (CommonVocabularies.TryCrossEntropy(logits, target, out var loss))
        {
            return loss;
        }
        return typeof(T) == typeof(float)
            ? RowKernelHost.CrossEntropy(AsSingle(logits), target, new FloatRowKernels(logits.Length))
            : RowKernelHost.CrossEntropy(logits, target, new WideningRowKernels<T>(logits.Length));
    }

    private static float CrossEntropyRow<T>(ReadOnlySpan<T> logits, int target, Span<float> gradient)
        where T : unmanaged
    {
        ThrowHelper.ThrowIfIndexOutOfRange(target, logits.Length, nameof(target), nameof(logits));
        ThrowHelper.ThrowIfLengthMismatch(gradient.Length, logits.Length, nameof(gradient), nameof(logits));
        if (CommonVocabularies.TryCrossEntropy(logits, target, gradient, out var loss))
        {
            return loss;
        }
        return typeof(T) == typeof(float)
            ? RowKernelHost.CrossEntropy(AsSingle(logits), target, gradient, new FloatRowKernels(logits.Length))
            : RowKernelHost.CrossEntropy(logits, target, gradient, new WideningRowKernels<T>(logits.Length));
    }

    /// <summary>The batched loss for any vocabulary size.</summary>
    internal static CrossEntropyResult CrossEntropyBatch<T>(ReadOnlySpan<T> logits, int vocabSize, ReadOnlySpan<int> targets, CrossEntropyOptions options)
        where T : unmanaged
    {
        ThrowHelper.RowCount(vocabSize, logits.Length, nameof(logits));
        if (CommonVocabularies.TryCrossEntropy(logits, vocabSize, targets, options, out var result))
        {
            return result;
        }
        return typeof(T) == typeof(float)
            ? RowKernelHost.CrossEntropy(AsSingle(logits), targets, options, new FloatRowKernels(vocabSize))
            : RowKernelHost.CrossEntropy(logits, targets, options, new WideningRowKernels<T>(vocabSize));
    }

    /// <summary>Reinterprets a span whose element type is known to be float.</summary>
    private static ReadOnlySpan<float> AsSingle<T>(ReadOnlySpan<T> span)
        where T : unmanaged => MemoryMarshal.Cast<T, float>(span);
}
