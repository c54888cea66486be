using System;
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
        using var row = WidenedSpan.Create(logits);
        return (float)CrossEntropyKernels.Evaluate(row.Span, target).Nll;
    }

    private static float CrossEntropyRow<T>(ReadOnlySpan<T> logits, int target, Span<float> gradient)
        where T : unmanaged
    {
        ThrowHelper.ThrowIfIndexOutOfRange(target, logits.Length, nameof(target), nameof(logits));
        ThrowHelper.ThrowIfLengthMismatch(gradient.Length, logits.Length, nameof(gradient), nameof(logits));
        using var row = WidenedSpan.Create(logits);
        var loss = CrossEntropyKernels.Evaluate(row.Span, target);
        CrossEntropyKernels.WriteGradient(row.Span, target, loss, gradient);
        return (float)loss.Nll;
    }

    /// <summary>The batched loss: validates everything first, so an error leaves the outputs untouched.</summary>
    internal static CrossEntropyResult CrossEntropyBatch<T>(ReadOnlySpan<T> logits, int vocabSize, ReadOnlySpan<int> targets, CrossEntropyOptions options)
        where T : unmanaged
    {
        var rows = ThrowHelper.RowCount(vocabSize, logits.Length, nameof(logits));
        if (targets.Length != rows)
        {
            throw new ArgumentException(
                $"targets.Length {targets.Length} does not match the row count {rows} (logits.Length {logits.Length} / vocabSize {vocabSize}).",
                nameof(targets));
        }
        ValidateOptions(options, rows, logits.Length);
        var count = 0;
        for (var r = 0; r < targets.Length; r++)
        {
            if (targets[r] == options.IgnoreIndex)
            {
                continue;
            }
            if ((uint)targets[r] >= (uint)vocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), targets[r],
                    $"targets[{r}] {targets[r]} is outside [0, {vocabSize}) and is not the ignore index {options.IgnoreIndex}.");
            }
            count++;
        }

        var smoothing = (double)options.LabelSmoothing;
        var zLossWeight = (double)options.ZLossWeight;
        var perToken = options.PerTokenLoss.AsSpan();
        var gradient = options.Gradient.AsSpan();
        double sum = 0;
        for (var r = 0; r < rows; r++)
        {
            var target = targets[r];
            if (target == options.IgnoreIndex)
            {
                if (!perToken.IsEmpty)
                {
                    perToken[r] = 0;
                }
                if (!gradient.IsEmpty)
                {
                    gradient.Slice(r * vocabSize, vocabSize).Clear();
                }
                continue;
            }

            using var row = WidenedSpan.Create(logits.Slice(r * vocabSize, vocabSize));
            var x = row.Span;
            var rowLoss = CrossEntropyKernels.Evaluate(x, target);
            var loss = (1 - smoothing) * rowLoss.Nll;
            if (smoothing != 0)
            {
                // mean_j(−log p_j) = log Σ exp(x − max) − mean_j(x_j − max).
                var meanShifted = RowLoops.Sum(x, new Shift(rowLoss.Row.Max)) / vocabSize;
                loss += smoothing * (Math.Log(rowLoss.Row.SumExp) - meanShifted);
            }
            var lse = rowLoss.LogSumExp;
            if (zLossWeight != 0)
            {
                loss += zLossWeight * lse * lse;
            }
            sum += loss;
            if (!perToken.IsEmpty)
            {
                perToken[r] = (float)loss;
            }
            if (!gradient.IsEmpty)
            {
                // d/dx_j = [p_j·(1 + 2w·lse) − ε/V − (1 − ε)·[j = t]] / count.
                CrossEntropyKernels.WriteGradient(x, target, rowLoss, gradient.Slice(r * vocabSize, vocabSize),
                    probabilityScale: (1 + 2 * zLossWeight * lse) / count,
                    offset: smoothing / vocabSize / count,
                    targetWeight: (1 - smoothing) / count);
            }
        }
        return new CrossEntropyResult(sum, count);
    }

    private static void ValidateOptions(CrossEntropyOptions options, int rows, int logitsLength)
    {
        if (!(options.LabelSmoothing >= 0 && options.LabelSmoothing <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LabelSmoothing,
                $"options.LabelSmoothing {options.LabelSmoothing} must be in [0, 1].");
        }
        if (!(options.ZLossWeight >= 0) || float.IsPositiveInfinity(options.ZLossWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ZLossWeight,
                $"options.ZLossWeight {options.ZLossWeight} must be finite and non-negative.");
        }
        if (options.PerTokenLoss is { } perToken && perToken.Length != rows)
        {
            throw new ArgumentException($"options.PerTokenLoss.Length {perToken.Length} does not match the row count {rows}.", nameof(options));
        }
        if (options.Gradient is { } gradient && gradient.Length != logitsLength)
        {
            throw new ArgumentException($"options.Gradient.Length {gradient.Length} does not match logits.Length {logitsLength}.", nameof(options));
        }
    }
}
