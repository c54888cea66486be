using System;
using System.Runtime.InteropServices;
using LmProb.Internal;
using LmProb.Kernels;

namespace LmProb;

/// <summary>
/// Numerically stable probability math over logits: log-sum-exp, softmax and log-softmax for one
/// row or a flat row-major batch, in <see cref="float"/>, <see cref="Half"/> and <see cref="BFloat16"/>.
/// </summary>
/// <remarks>
/// Every function subtracts the row maximum first, so finite logits of any size (±1e30, ±3e38)
/// give correct results. A row that contains NaN or +inf, or is all −inf, gives NaN outputs
/// (but <see cref="LogSumExp(ReadOnlySpan{float})"/> of an all −inf row is −inf); other rows of a
/// batch are unaffected. Half and BFloat16 inputs are widened to float, computed in float, and
/// rounded once to the destination type.
/// </remarks>
public static partial class Probability
{
    /// <summary><c>log Σ exp(x)</c> without overflow. −inf for an empty or all −inf span; NaN if any element is NaN or +inf.</summary>
    public static float LogSumExp(ReadOnlySpan<float> x) => LogSumExpCore(x);

    /// <inheritdoc cref="LogSumExp(ReadOnlySpan{float})"/>
    public static float LogSumExp(ReadOnlySpan<Half> x) => LogSumExpCore(x);

    /// <inheritdoc cref="LogSumExp(ReadOnlySpan{float})"/>
    public static float LogSumExp(ReadOnlySpan<BFloat16> x) => LogSumExpCore(x);

    /// <summary>
    /// Writes <c>softmax(logits)</c> to <paramref name="destination"/>, which must have the same length
    /// and may be the same memory as <paramref name="logits"/>. An empty span writes nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> destination) => Normalize(logits, destination, 1f, log: false);

    /// <inheritdoc cref="Softmax(ReadOnlySpan{float}, Span{float})"/>
    public static void Softmax(ReadOnlySpan<Half> logits, Span<Half> destination) => Normalize(logits, destination, 1f, log: false);

    /// <inheritdoc cref="Softmax(ReadOnlySpan{float}, Span{float})"/>
    public static void Softmax(ReadOnlySpan<BFloat16> logits, Span<BFloat16> destination) => Normalize(logits, destination, 1f, log: false);

    /// <summary>Softmax of 16-bit logits into float probabilities (no rounding of the result to 16 bits).</summary>
    /// <inheritdoc cref="Softmax(ReadOnlySpan{float}, Span{float})"/>
    public static void Softmax(ReadOnlySpan<Half> logits, Span<float> destination) => Normalize(logits, destination, 1f, log: false);

    /// <inheritdoc cref="Softmax(ReadOnlySpan{Half}, Span{float})"/>
    public static void Softmax(ReadOnlySpan<BFloat16> logits, Span<float> destination) => Normalize(logits, destination, 1f, log: false);

    /// <summary>
    /// Writes <c>softmax(logits / temperature)</c>, computed as <c>exp((x − max) / T)</c> so no
    /// temperature overflows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="temperature"/> is not positive and finite.</exception>
    /// <inheritdoc cref="Softmax(ReadOnlySpan{float}, Span{float})"/>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> destination, float temperature) => Normalize(logits, destination, temperature, log: false);

    /// <inheritdoc cref="Softmax(ReadOnlySpan{float}, Span{float}, float)"/>
    public static void Softmax(ReadOnlySpan<Half> logits, Span<Half> destination, float temperature) => Normalize(logits, destination, temperature, log: false);

    /// <inheritdoc cref="Softmax(ReadOnlySpan{float}, Span{float}, float)"/>
    public static void Softmax(ReadOnlySpan<BFloat16> logits, Span<BFloat16> destination, float temperature) => Normalize(logits, destination, temperature, log: false);

    /// <summary>
    /// Softmax over each row of <paramref name="vocabSize"/> elements of a flat row-major batch.
    /// A bad row (NaN, +inf, all −inf) gives NaN in that row only.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="vocabSize"/> does not divide the length, or the lengths differ.</exception>
    public static void Softmax(ReadOnlySpan<float> logits, int vocabSize, Span<float> destination) => NormalizeRows(logits, vocabSize, destination, log: false);

    /// <inheritdoc cref="Softmax(ReadOnlySpan{float}, int, Span{float})"/>
    public static void Softmax(ReadOnlySpan<Half> logits, int vocabSize, Span<Half> destination) => NormalizeRows(logits, vocabSize, destination, log: false);

    /// <inheritdoc cref="Softmax(ReadOnlySpan{float}, int, Span{float})"/>
    public static void Softmax(ReadOnlySpan<BFloat16> logits, int vocabSize, Span<BFloat16> destination) => NormalizeRows(logits, vocabSize, destination, log: false);

    /// <inheritdoc cref="Softmax(ReadOnlySpan{float}, int, Span{float})"/>
    public static void Softmax(ReadOnlySpan<Half> logits, int vocabSize, Span<float> destination) => NormalizeRows(logits, vocabSize, destination, log: false);

    /// <inheritdoc cref="Softmax(ReadOnlySpan{float}, int, Span{float})"/>
    public static void Softmax(ReadOnlySpan<BFloat16> logits, int vocabSize, Span<float> destination) => NormalizeRows(logits, vocabSize, destination, log: false);

    /// <summary>
    /// Writes <c>log softmax(logits)</c> as <c>(x − max) − log Σ exp(x − max)</c>: exact −inf for
    /// −inf logits, and no cancellation for large |x|. <paramref name="destination"/> must have the
    /// same length and may be the same memory as <paramref name="logits"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    public static void LogSoftmax(ReadOnlySpan<float> logits, Span<float> destination) => Normalize(logits, destination, 1f, log: true);

    /// <inheritdoc cref="LogSoftmax(ReadOnlySpan{float}, Span{float})"/>
    public static void LogSoftmax(ReadOnlySpan<Half> logits, Span<Half> destination) => Normalize(logits, destination, 1f, log: true);

    /// <inheritdoc cref="LogSoftmax(ReadOnlySpan{float}, Span{float})"/>
    public static void LogSoftmax(ReadOnlySpan<BFloat16> logits, Span<BFloat16> destination) => Normalize(logits, destination, 1f, log: true);

    /// <inheritdoc cref="LogSoftmax(ReadOnlySpan{float}, Span{float})"/>
    public static void LogSoftmax(ReadOnlySpan<Half> logits, Span<float> destination) => Normalize(logits, destination, 1f, log: true);

    /// <inheritdoc cref="LogSoftmax(ReadOnlySpan{float}, Span{float})"/>
    public static void LogSoftmax(ReadOnlySpan<BFloat16> logits, Span<float> destination) => Normalize(logits, destination, 1f, log: true);

    /// <summary>Writes <c>log softmax(logits / temperature)</c>, as <c>(x − max) / T − log Σ exp((x − max) / T)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="temperature"/> is not positive and finite.</exception>
    /// <inheritdoc cref="LogSoftmax(ReadOnlySpan{float}, Span{float})"/>
    public static void LogSoftmax(ReadOnlySpan<float> logits, Span<float> destination, float temperature) => Normalize(logits, destination, temperature, log: true);

    /// <inheritdoc cref="LogSoftmax(ReadOnlySpan{float}, Span{float}, float)"/>
    public static void LogSoftmax(ReadOnlySpan<Half> logits, Span<Half> destination, float temperature) => Normalize(logits, destination, temperature, log: true);

    /// <inheritdoc cref="LogSoftmax(ReadOnlySpan{float}, Span{float}, float)"/>
    public static void LogSoftmax(ReadOnlySpan<BFloat16> logits, Span<BFloat16> destination, float temperature) => Normalize(logits, destination, temperature, log: true);

    /// <summary>Log-softmax over each row of <paramref name="vocabSize"/> elements of a flat row-major batch.</summary>
    /// <exception cref="ArgumentException"><paramref name="vocabSize"/> does not divide the length, or the lengths differ.</exception>
    public static void LogSoftmax(ReadOnlySpan<float> logits, int vocabSize, Span<float> destination) => NormalizeRows(logits, vocabSize, destination, log: true);

    /// <inheritdoc cref="LogSoftmax(ReadOnlySpan{float}, int, Span{float})"/>
    public static void LogSoftmax(ReadOnlySpan<Half> logits, int vocabSize, Span<Half> destination) => NormalizeRows(logits, vocabSize, destination, log: true);

    /// <inheritdoc cref="LogSoftmax(ReadOnlySpan{float}, int, Span{float})"/>
    public static void LogSoftmax(ReadOnlySpan<BFloat16> logits, int vocabSize, Span<BFloat16> destination) => NormalizeRows(logits, vocabSize, destination, log: true);

    /// <inheritdoc cref="LogSoftmax(ReadOnlySpan{float}, int, Span{float})"/>
    public static void LogSoftmax(ReadOnlySpan<Half> logits, int vocabSize, Span<float> destination) => NormalizeRows(logits, vocabSize, destination, log: true);

    /// <inheritdoc cref="LogSoftmax(ReadOnlySpan{float}, int, Span{float})"/>
    public static void LogSoftmax(ReadOnlySpan<BFloat16> logits, int vocabSize, Span<float> destination) => NormalizeRows(logits, vocabSize, destination, log: true);

    private static float LogSumExpCore<T>(ReadOnlySpan<T> x)
        where T : unmanaged
    {
        if (CommonVocabularies.TryLogSumExp(x, out var result))
        {
            return result;
        }
        using var row = WidenedSpan.Create(x);
        return SoftmaxKernels.LogSumExp(row.Span);
    }

    private static void Normalize<TIn, TOut>(ReadOnlySpan<TIn> logits, Span<TOut> destination, float temperature, bool log)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        ThrowHelper.ThrowIfLengthMismatch(destination.Length, logits.Length, nameof(destination), nameof(logits));
        ThrowHelper.ThrowIfPartlyOverlapping(logits, destination, nameof(destination), nameof(logits));
        if (temperature != 1f)
        {
            ThrowHelper.ThrowIfInvalidTemperature(temperature);
        }
        NormalizeRow(logits, destination, temperature, log);
    }

    private static void NormalizeRows<TIn, TOut>(ReadOnlySpan<TIn> logits, int vocabSize, Span<TOut> destination, bool log)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        var rows = ThrowHelper.RowCount(vocabSize, logits.Length, nameof(logits));
        ThrowHelper.ThrowIfLengthMismatch(destination.Length, logits.Length, nameof(destination), nameof(logits));
        ThrowHelper.ThrowIfPartlyOverlapping(logits, destination, nameof(destination), nameof(logits));
        for (var r = 0; r < rows; r++)
        {
            NormalizeRow(logits.Slice(r * vocabSize, vocabSize), destination.Slice(r * vocabSize, vocabSize), 1f, log);
        }
    }

    private static void NormalizeRow<TIn, TOut>(ReadOnlySpan<TIn> logits, Span<TOut> destination, float temperature, bool log)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        if (typeof(TIn) == typeof(TOut) && temperature == 1f)
        {
            var sameType = MemoryMarshal.Cast<TOut, TIn>(destination);
            if (log ? CommonVocabularies.TryLogSoftmax(logits, sameType) : CommonVocabularies.TrySoftmax(logits, sameType))
            {
                return;
            }
        }
        using var x = WidenedSpan.Create(logits);
        using var y = DestinationBuffer<TOut>.Create(destination);
        if (log)
        {
            SoftmaxKernels.LogSoftmax(x.Span, y.Span, temperature);
        }
        else
        {
            SoftmaxKernels.Softmax(x.Span, y.Span, temperature);
        }
        y.Commit();
    }
}
