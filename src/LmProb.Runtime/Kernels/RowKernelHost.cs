using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using LmProb.Internal;

namespace LmProb.Kernels;

/// <summary>
/// Every row kernel (log-sum-exp, softmax, log-softmax, cross-entropy with and without gradient,
/// batched cross-entropy with options) written once on top of the passes of an
/// <see cref="IRowKernels{T}"/>: argument checks, the edge semantics of API.md (NaN rows, −inf
/// entries, ignore-index, label smoothing, z-loss) and the formulas live here, the loops live in
/// the implementation. Generated kernel classes call these methods with their specialized passes;
/// the runtime calls them with its own.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RowKernelHost
{
    /// <summary><c>log Σ exp(x)</c>: −inf for an all −inf row, NaN for a row with NaN or +inf.</summary>
    /// <exception cref="ArgumentException"><c>logits.Length</c> is not the kernels' vocabulary size.</exception>
    public static float LogSumExp<T, TKernels>(ReadOnlySpan<T> logits, TKernels kernels)
        where T : unmanaged
        where TKernels : struct, IRowKernels<T>
    {
        ThrowIfNotVocabSize(logits.Length, kernels.VocabSize, nameof(logits));
        var row = Normalize(logits, kernels);
        if (!row.IsNormalizable)
        {
            // A −inf maximum means all −inf, unless NaN lanes were dropped by the max reduction.
            return float.IsNegativeInfinity(row.Max) && !ContainsNaN(logits) ? float.NegativeInfinity : float.NaN;
        }
        // One rounding at the end: max + log(sum) in double.
        return (float)(row.Max + Math.Log(row.SumExp));
    }

    /// <summary>Writes <c>softmax(logits)</c>; a bad row (NaN, +inf, all −inf) gets NaN. <paramref name="destination"/> may be <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">A length is not the kernels' vocabulary size, or the spans partly overlap.</exception>
    public static void Softmax<T, TKernels>(ReadOnlySpan<T> logits, Span<T> destination, TKernels kernels)
        where T : unmanaged
        where TKernels : struct, IRowKernels<T>
    {
        ThrowIfNotVocabSize(logits.Length, kernels.VocabSize, nameof(logits));
        ThrowIfNotVocabSize(destination.Length, kernels.VocabSize, nameof(destination));
        ThrowHelper.ThrowIfPartlyOverlapping(logits, destination, nameof(destination), nameof(logits));
        if (logits.IsEmpty)
        {
            return;
        }
        // Pass 1: the row maximum.
        var max = kernels.Max(logits);
        if (!float.IsFinite(max))
        {
            destination.Fill(Elements.FromSingle<T>(float.NaN));
            return;
        }
        if (typeof(T) == typeof(float))
        {
            // Pass 2 stores exp(x − max) while summing; pass 3 divides: exp computed once.
            var probabilities = MemoryMarshal.Cast<T, float>(destination);
            var sum = kernels.StoreExp(logits, max, probabilities);
            RowLoops.Map(probabilities, probabilities, new DivideBy((float)sum));
        }
        else
        {
            // A 16-bit destination cannot hold exp(x − max) exactly: sum first, then write
            // exp(x − max) / sum rounded once.
            var sum = kernels.SumExp(logits, max);
            kernels.StoreSoftmax(logits, max, (float)sum, destination);
        }
    }

    /// <summary>Writes <c>(x − max) − log Σ exp(x − max)</c>; a bad row gets NaN. <paramref name="destination"/> may be <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">A length is not the kernels' vocabulary size, or the spans partly overlap.</exception>
    public static void LogSoftmax<T, TKernels>(ReadOnlySpan<T> logits, Span<T> destination, TKernels kernels)
        where T : unmanaged
        where TKernels : struct, IRowKernels<T>
    {
        ThrowIfNotVocabSize(logits.Length, kernels.VocabSize, nameof(logits));
        ThrowIfNotVocabSize(destination.Length, kernels.VocabSize, nameof(destination));
        ThrowHelper.ThrowIfPartlyOverlapping(logits, destination, nameof(destination), nameof(logits));
        if (logits.IsEmpty)
        {
            return;
        }
        var row = Normalize(logits, kernels);
        if (!row.IsNormalizable)
        {
            destination.Fill(Elements.FromSingle<T>(float.NaN));
            return;
        }
        kernels.StoreLogSoftmax(logits, row.Max, row.LogSumExpShifted, destination);
    }

    /// <summary><c>LogSumExp(logits) − logits[target]</c>, as <c>log Σ exp(x − max) − (x[t] − max)</c>.</summary>
    /// <exception cref="ArgumentException"><c>logits.Length</c> is not the kernels' vocabulary size.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is outside the row.</exception>
    public static float CrossEntropy<T, TKernels>(ReadOnlySpan<T> logits, int target, TKernels kernels)
        where T : unmanaged
        where TKernels : struct, IRowKernels<T>
    {
        ThrowIfNotVocabSize(logits.Length, kernels.VocabSize, nameof(logits));
        ThrowHelper.ThrowIfIndexOutOfRange(target, logits.Length, nameof(target), nameof(logits));
        return (float)Evaluate(logits, target, kernels).Nll;
    }

    /// <summary>The loss of one row and its gradient <c>softmax − onehot(target)</c>; a bad row gets NaN everywhere.</summary>
    /// <exception cref="ArgumentException">A length is not the kernels' vocabulary size.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is outside the row.</exception>
    public static float CrossEntropy<T, TKernels>(ReadOnlySpan<T> logits, int target, Span<float> gradient, TKernels kernels)
        where T : unmanaged
        where TKernels : struct, IRowKernels<T>
    {
        ThrowIfNotVocabSize(logits.Length, kernels.VocabSize, nameof(logits));
        ThrowHelper.ThrowIfIndexOutOfRange(target, logits.Length, nameof(target), nameof(logits));
        ThrowHelper.ThrowIfLengthMismatch(gradient.Length, logits.Length, nameof(gradient), nameof(logits));
        var loss = Evaluate(logits, target, kernels);
        WriteGradient(logits, target, loss, gradient, kernels);
        return (float)loss.Nll;
    }

    /// <summary>
    /// Cross-entropy of a flat batch of rows of the kernels' vocabulary size, as PyTorch's
    /// <c>cross_entropy</c> (ignore-index, label smoothing, z-loss; per-token losses and the
    /// gradient of the mean when the options ask for them). Everything is validated before any
    /// output is written.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not fit the vocabulary size or each other.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is out of range and not the ignore index, or an option is out of range.</exception>
    public static CrossEntropyResult CrossEntropy<T, TKernels>(ReadOnlySpan<T> logits, ReadOnlySpan<int> targets, CrossEntropyOptions? options, TKernels kernels)
        where T : unmanaged
        where TKernels : struct, IRowKernels<T>
    {
        options ??= DefaultOptions;
        var vocabSize = kernels.VocabSize;
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
            var rowGradient = gradient.IsEmpty ? gradient : gradient.Slice(r * vocabSize, vocabSize);
            if (target == options.IgnoreIndex)
            {
                if (!perToken.IsEmpty)
                {
                    perToken[r] = 0;
                }
                rowGradient.Clear();
                continue;
            }

            var x = logits.Slice(r * vocabSize, vocabSize);
            var rowLoss = Evaluate(x, target, kernels);
            var loss = (1 - smoothing) * rowLoss.Nll;
            if (smoothing != 0)
            {
                // mean_j(−log p_j) = log Σ exp(x − max) − mean_j(x_j − max).
                var meanShifted = rowLoss.Row.IsNormalizable ? kernels.SumShifted(x, rowLoss.Row.Max) / vocabSize : double.NaN;
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
            if (!rowGradient.IsEmpty)
            {
                // d/dx_j = [p_j·(1 + 2w·lse) − ε/V − (1 − ε)·[j = t]] / count.
                WriteGradient(x, target, rowLoss, rowGradient, kernels,
                    probabilityScale: (1 + 2 * zLossWeight * lse) / count,
                    offset: smoothing / vocabSize / count,
                    targetWeight: (1 - smoothing) / count);
            }
        }
        return new CrossEntropyResult(sum, count);
    }

    private static readonly CrossEntropyOptions DefaultOptions = new();

    /// <summary>Passes 1 and 2: the row maximum and Σ exp(x − max); not normalizable for an empty or bad row.</summary>
    internal static SoftmaxKernels.RowNormalizer Normalize<T, TKernels>(ReadOnlySpan<T> row, TKernels kernels)
        where T : unmanaged
        where TKernels : struct, IRowKernels<T>
    {
        if (row.IsEmpty)
        {
            return new SoftmaxKernels.RowNormalizer(float.NegativeInfinity, double.NaN);
        }
        var max = kernels.Max(row);
        return float.IsFinite(max)
            ? new SoftmaxKernels.RowNormalizer(max, kernels.SumExp(row, max))
            : new SoftmaxKernels.RowNormalizer(max, double.NaN);
    }

    /// <summary>Per-row terms shared by the loss and its gradient.</summary>
    /// <param name="Row">The row maximum and Σ exp(x − max).</param>
    /// <param name="Nll">−log p[target]: +inf when the target's logit is −inf; NaN for a bad row.</param>
    private readonly record struct RowLoss(SoftmaxKernels.RowNormalizer Row, double Nll)
    {
        public double LogSumExp => Row.Max + Math.Log(Row.SumExp);
    }

    private static RowLoss Evaluate<T, TKernels>(ReadOnlySpan<T> logits, int target, TKernels kernels)
        where T : unmanaged
        where TKernels : struct, IRowKernels<T>
    {
        var row = Normalize(logits, kernels);
        if (!row.IsNormalizable)
        {
            return new RowLoss(row, double.NaN);
        }
        // log(sum) − (x[t] − max), never max + log(sum) − x[t], which loses digits when |max| is large.
        var nll = Math.Log(row.SumExp) - ((double)Elements.ToSingle(logits[target]) - row.Max);
        return new RowLoss(row, nll);
    }

    /// <summary>
    /// Pass 3: <c>gradient[j] = p_j · probabilityScale − offset</c>, then minus
    /// <paramref name="targetWeight"/> at the target; with the defaults, <c>softmax − onehot</c>.
    /// </summary>
    private static void WriteGradient<T, TKernels>(ReadOnlySpan<T> logits, int target, in RowLoss loss, Span<float> gradient, TKernels kernels,
        double probabilityScale = 1, double offset = 0, double targetWeight = 1)
        where T : unmanaged
        where TKernels : struct, IRowKernels<T>
    {
        if (!loss.Row.IsNormalizable)
        {
            gradient.Fill(float.NaN);
            return;
        }
        kernels.StoreExp(logits, loss.Row.Max, gradient);
        if (probabilityScale == 1 && offset == 0)
        {
            // Exactly softmax: one division, as in Softmax.
            RowLoops.Map(gradient, gradient, new DivideBy((float)loss.Row.SumExp));
        }
        else
        {
            RowLoops.Map(gradient, gradient, new MultiplySubtract((float)(probabilityScale / loss.Row.SumExp), (float)offset));
        }
        gradient[target] -= (float)targetWeight;
    }

    /// <summary>Whether the row has a NaN; only asked of rows whose maximum came out −inf, so a plain loop.</summary>
    private static bool ContainsNaN<T>(ReadOnlySpan<T> row)
        where T : unmanaged
    {
        foreach (var value in row)
        {
            if (float.IsNaN(Elements.ToSingle(value)))
            {
                return true;
            }
        }
        return false;
    }

    private static void ThrowIfNotVocabSize(int length, int vocabSize, string name)
    {
        if (length != vocabSize)
        {
            throw new ArgumentException($"{name}.Length {length} does not match the vocabulary size {vocabSize}.", name);
        }
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
