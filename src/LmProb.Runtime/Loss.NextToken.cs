using System;
using System.Buffers;
using LmProb.Internal;

namespace LmProb;

public static partial class Loss
{
    /// <summary>
    /// The causal language-model loss of one sequence, with the label shift done here: position
    /// <c>t</c>'s logits (row <c>t</c> of <c>T = inputIds.Length</c> rows) predict
    /// <c>inputIds[t + 1]</c>; the last position predicts nothing.
    /// </summary>
    /// <remarks>
    /// A target is ignored (loss 0, gradient row 0, not counted) when it equals
    /// <see cref="CrossEntropyOptions.IgnoreIndex"/> or when the attention mask, read at the
    /// target's own position <c>t + 1</c>, is false; the mean is over the counted targets only.
    /// <see cref="CrossEntropyOptions.PerTokenLoss"/> has one entry per position (the last is 0) and
    /// <see cref="CrossEntropyOptions.Gradient"/> one row per position.
    /// </remarks>
    /// <param name="logits">The model output for the sequence: <c>inputIds.Length × vocabSize</c> values, row-major.</param>
    /// <param name="vocabSize">The vocabulary size V.</param>
    /// <param name="inputIds">The token ids that were fed to the model.</param>
    /// <param name="attentionMask">Empty (every token is real) or one flag per position; false marks padding.</param>
    /// <param name="options">Ignore index, label smoothing, z-loss and outputs, as for the batched cross-entropy.</param>
    /// <exception cref="ArgumentException">
    /// <c>logits.Length</c> is not <c>inputIds.Length × vocabSize</c>, or the mask has another length than <paramref name="inputIds"/>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A counted target id is outside [0, vocabSize).</exception>
    public static CrossEntropyResult NextTokenLoss(ReadOnlySpan<float> logits, int vocabSize, ReadOnlySpan<int> inputIds,
        ReadOnlySpan<bool> attentionMask = default, CrossEntropyOptions? options = null) =>
        NextTokenLossCore(logits, vocabSize, inputIds, attentionMask, options ?? DefaultOptions);

    /// <inheritdoc cref="NextTokenLoss(ReadOnlySpan{float}, int, ReadOnlySpan{int}, ReadOnlySpan{bool}, CrossEntropyOptions?)"/>
    public static CrossEntropyResult NextTokenLoss(ReadOnlySpan<Half> logits, int vocabSize, ReadOnlySpan<int> inputIds,
        ReadOnlySpan<bool> attentionMask = default, CrossEntropyOptions? options = null) =>
        NextTokenLossCore(logits, vocabSize, inputIds, attentionMask, options ?? DefaultOptions);

    /// <inheritdoc cref="NextTokenLoss(ReadOnlySpan{float}, int, ReadOnlySpan{int}, ReadOnlySpan{bool}, CrossEntropyOptions?)"/>
    public static CrossEntropyResult NextTokenLoss(ReadOnlySpan<BFloat16> logits, int vocabSize, ReadOnlySpan<int> inputIds,
        ReadOnlySpan<bool> attentionMask = default, CrossEntropyOptions? options = null) =>
        NextTokenLossCore(logits, vocabSize, inputIds, attentionMask, options ?? DefaultOptions);

    private static CrossEntropyResult NextTokenLossCore<T>(ReadOnlySpan<T> logits, int vocabSize, ReadOnlySpan<int> inputIds,
        ReadOnlySpan<bool> attentionMask, CrossEntropyOptions options)
        where T : unmanaged
    {
        if (vocabSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, $"vocabSize {vocabSize} must be positive.");
        }
        if ((long)inputIds.Length * vocabSize != logits.Length)
        {
            throw new ArgumentException(
                $"logits.Length {logits.Length} is not inputIds.Length {inputIds.Length} × vocabSize {vocabSize} = {(long)inputIds.Length * vocabSize}.",
                nameof(logits));
        }
        if (!attentionMask.IsEmpty && attentionMask.Length != inputIds.Length)
        {
            ThrowHelper.LengthMismatch(nameof(attentionMask), attentionMask.Length, nameof(inputIds), inputIds.Length);
        }

        var positions = inputIds.Length;
        var rented = ArrayPool<int>.Shared.Rent(positions);
        try
        {
            // The shift: position t is scored against the token at t + 1.
            var targets = rented.AsSpan(0, positions);
            for (var t = 0; t < positions; t++)
            {
                var hasTarget = t + 1 < positions && (attentionMask.IsEmpty || attentionMask[t + 1]);
                var target = hasTarget ? inputIds[t + 1] : options.IgnoreIndex;
                if (target != options.IgnoreIndex && (uint)target >= (uint)vocabSize)
                {
                    throw new ArgumentOutOfRangeException(nameof(inputIds), target,
                        $"inputIds[{t + 1}] {target} is outside [0, {vocabSize}) and is not the ignore index {options.IgnoreIndex}.");
                }
                targets[t] = target;
            }
            return CrossEntropyBatch(logits, vocabSize, targets, options);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }
}
