using System;
using LmProb.Internal;
using LmProb.Kernels;

namespace LmProb;

public static partial class Loss
{
    /// <summary>
    /// InfoNCE (the contrastive loss of CPC, SimCLR and CLIP's one direction) over an <c>n × n</c>
    /// similarity matrix whose positives are on the diagonal: row <c>i</c> is a cross-entropy over
    /// <c>s_i / τ</c> with target <c>i</c>, <c>log Σ_j exp(s_ij / τ) − s_ii / τ</c>. Returns the mean over rows.
    /// </summary>
    /// <remarks>
    /// Each row is computed in <see cref="double"/> as <c>log Σ_j exp((s_ij − max) / τ) − (s_ii − max) / τ</c>:
    /// the row maximum is subtracted before dividing by τ, so no similarity or temperature overflows,
    /// the row loss is never negative, and the log-sum is <c>log1p</c> of the terms other than the
    /// maximum's, so a confident row keeps its small loss. A row with NaN or +inf, or all −inf, has loss NaN (and so does the mean); a
    /// positive of −inf beside a finite similarity has loss +inf. Rows are independent.
    /// </remarks>
    /// <param name="similarities">The <c>n × n</c> matrix, row-major: <c>similarities[i·n + j]</c> is the
    /// similarity of query <c>i</c> and key <c>j</c>.</param>
    /// <param name="n">The number of pairs (rows), positive.</param>
    /// <param name="temperature">τ, positive and finite.</param>
    /// <param name="perRowLoss">Empty, or <paramref name="n"/> slots that receive each row's loss. It
    /// must not overlap <paramref name="similarities"/>.</param>
    /// <returns>The mean of the row losses, averaged in <see cref="double"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="n"/> is not positive, or <paramref name="temperature"/> is not positive and finite.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// <c>similarities.Length</c> is not <c>n·n</c>, <paramref name="perRowLoss"/> is neither empty nor of
    /// length <paramref name="n"/>, or it overlaps <paramref name="similarities"/>.
    /// </exception>
    public static float InfoNce(ReadOnlySpan<float> similarities, int n, float temperature, Span<float> perRowLoss = default)
    {
        ThrowHelper.ThrowIfNotSquare(similarities.Length, n, nameof(similarities));
        ThrowHelper.ThrowIfInvalidTemperature(temperature, nameof(temperature));
        ThrowHelper.ThrowIfOptionalLengthMismatch(perRowLoss.Length, n, nameof(perRowLoss), nameof(n));
        ThrowHelper.ThrowIfOverlapping(similarities, perRowLoss, nameof(perRowLoss), nameof(similarities));
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            var rowLoss = InfoNceRow(similarities.Slice(i * n, n), i, temperature);
            if (!perRowLoss.IsEmpty)
            {
                perRowLoss[i] = (float)rowLoss;
            }
            sum += rowLoss;
        }
        return (float)(sum / n);
    }

    /// <inheritdoc cref="InfoNce(ReadOnlySpan{float}, int, float, Span{float})"/>
    public static float InfoNce(ReadOnlySpan<Half> similarities, int n, float temperature, Span<float> perRowLoss = default) =>
        InfoNceWidened(similarities, n, temperature, perRowLoss);

    /// <inheritdoc cref="InfoNce(ReadOnlySpan{float}, int, float, Span{float})"/>
    public static float InfoNce(ReadOnlySpan<BFloat16> similarities, int n, float temperature, Span<float> perRowLoss = default) =>
        InfoNceWidened(similarities, n, temperature, perRowLoss);

    /// <summary>
    /// The triplet margin loss <c>max(0, ‖a − p‖ − ‖a − n‖ + margin)</c> with plain (not squared)
    /// Euclidean distances.
    /// </summary>
    /// <remarks>
    /// The distances are accumulated in <see cref="double"/>, where the square of any float difference
    /// neither overflows nor underflows, so coordinates from subnormal to ±3e38 give the right distances.
    /// Unlike PyTorch's <c>TripletMarginLoss</c>, no ε is added to the differences. NaN in any
    /// coordinate gives NaN; an infinite coordinate gives an infinite distance (and NaN if both
    /// distances are infinite).
    /// </remarks>
    /// <param name="anchor">The anchor embedding <c>a</c>.</param>
    /// <param name="positive">The positive embedding <c>p</c>, same length.</param>
    /// <param name="negative">The negative embedding <c>n</c>, same length.</param>
    /// <param name="margin">The margin, any finite value.</param>
    /// <returns>The loss, ≥ 0.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or the embeddings are empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="margin"/> is infinite or NaN.</exception>
    public static float Triplet(ReadOnlySpan<float> anchor, ReadOnlySpan<float> positive, ReadOnlySpan<float> negative, float margin)
    {
        ThrowHelper.ThrowIfLengthMismatch(positive.Length, anchor.Length, nameof(positive), nameof(anchor));
        ThrowHelper.ThrowIfLengthMismatch(negative.Length, anchor.Length, nameof(negative), nameof(anchor));
        ThrowHelper.ThrowIfEmptyInput(anchor.Length, nameof(anchor));
        ThrowHelper.ThrowIfNotFinite(margin, nameof(margin));
        var loss = EuclideanDistance(anchor, positive) - EuclideanDistance(anchor, negative) + margin;
        // Math.Max keeps NaN.
        return (float)Math.Max(loss, 0.0);
    }

    /// <inheritdoc cref="Triplet(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, float)"/>
    public static float Triplet(ReadOnlySpan<Half> anchor, ReadOnlySpan<Half> positive, ReadOnlySpan<Half> negative, float margin) =>
        TripletWidened(anchor, positive, negative, margin);

    /// <inheritdoc cref="Triplet(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, float)"/>
    public static float Triplet(ReadOnlySpan<BFloat16> anchor, ReadOnlySpan<BFloat16> positive, ReadOnlySpan<BFloat16> negative, float margin) =>
        TripletWidened(anchor, positive, negative, margin);

    /// <summary>
    /// One row's InfoNCE loss, <c>log1p(Σ_{j ≠ argmax} exp((s_j − max) / τ)) − (s_i − max) / τ</c> in
    /// double, NaN for a bad row. The log1p form keeps a confident row's small loss (a positive
    /// 30/τ above the rest has loss ≈ e^−30, not 0).
    /// </summary>
    private static double InfoNceRow(ReadOnlySpan<float> row, int positive, float temperature)
    {
        var max = SoftmaxKernels.Max(row);
        if (!float.IsFinite(max))
        {
            return double.NaN;
        }
        var rest = ShiftedExpSums.TemperedRest(row, max, temperature);
        return Logistic.Log1P(rest) - (((double)row[positive] - max) / temperature);
    }

    /// <summary><c>‖x − y‖</c> in double: a float difference squared is within [1e-90, 5e77], well inside double's range.</summary>
    private static double EuclideanDistance(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double sum = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var difference = (double)x[i] - y[i];
            sum += difference * difference;
        }
        return Math.Sqrt(sum);
    }

    private static float InfoNceWidened<T>(ReadOnlySpan<T> similarities, int n, float temperature, Span<float> perRowLoss)
        where T : unmanaged
    {
        using var widened = WidenedSpan.Create(similarities);
        return InfoNce(widened.Span, n, temperature, perRowLoss);
    }

    private static float TripletWidened<T>(ReadOnlySpan<T> anchor, ReadOnlySpan<T> positive, ReadOnlySpan<T> negative, float margin)
        where T : unmanaged
    {
        using var anchorWidened = WidenedSpan.Create(anchor);
        using var positiveWidened = WidenedSpan.Create(positive);
        using var negativeWidened = WidenedSpan.Create(negative);
        return Triplet(anchorWidened.Span, positiveWidened.Span, negativeWidened.Span, margin);
    }
}
