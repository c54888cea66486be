using System;
using LmProb.Internal;

namespace LmProb;

public static partial class Loss
{
    /// <summary>
    /// The mean Huber loss (PyTorch's <c>HuberLoss</c>): per element, with <c>r = prediction − target</c>,
    /// <c>½·r²</c> where <c>|r| ≤ δ</c> and <c>δ·(|r| − ½·δ)</c> beyond. Differences and sums are in
    /// <see cref="double"/>, so no difference of floats overflows.
    /// </summary>
    /// <remarks>
    /// Like every regression loss here, the mean of an empty input throws rather than returning
    /// PyTorch's NaN; NaN in either span gives NaN, and an infinite difference gives +inf (NaN for
    /// <c>inf − inf</c>). <c>δ = +inf</c> is allowed and gives half the mean squared error.
    /// </remarks>
    /// <param name="prediction">The predictions.</param>
    /// <param name="target">The targets, same length.</param>
    /// <param name="delta">δ, where the loss turns from quadratic to linear; positive (default 1).</param>
    /// <returns>The mean loss.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or the spans are empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not positive (or is NaN).</exception>
    public static float Huber(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, float delta = 1)
    {
        ValidateRegression(prediction.Length, target.Length);
        ThrowHelper.ThrowIfNotPositive(delta, nameof(delta));
        double d = delta;
        double sum = 0;
        for (var i = 0; i < prediction.Length; i++)
        {
            var r = Math.Abs((double)prediction[i] - target[i]);
            sum += r <= d ? 0.5 * r * r : d * (r - (0.5 * d));
        }
        return (float)(sum / prediction.Length);
    }

    /// <inheritdoc cref="Huber(ReadOnlySpan{float}, ReadOnlySpan{float}, float)"/>
    public static float Huber(ReadOnlySpan<Half> prediction, ReadOnlySpan<Half> target, float delta = 1) =>
        HuberWidened(prediction, target, delta);

    /// <inheritdoc cref="Huber(ReadOnlySpan{float}, ReadOnlySpan{float}, float)"/>
    public static float Huber(ReadOnlySpan<BFloat16> prediction, ReadOnlySpan<BFloat16> target, float delta = 1) =>
        HuberWidened(prediction, target, delta);

    /// <summary>
    /// The mean squared error <c>Σ (prediction − target)² / n</c>, in <see cref="double"/> (a squared
    /// float difference cannot overflow there; a mean above float's range is +inf).
    /// </summary>
    /// <remarks>An empty input throws (PyTorch returns NaN); NaN gives NaN; an infinite difference gives +inf.</remarks>
    /// <param name="prediction">The predictions.</param>
    /// <param name="target">The targets, same length.</param>
    /// <returns>The mean squared error.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or the spans are empty.</exception>
    public static float MeanSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target)
    {
        ValidateRegression(prediction.Length, target.Length);
        double sum = 0;
        for (var i = 0; i < prediction.Length; i++)
        {
            var r = (double)prediction[i] - target[i];
            sum += r * r;
        }
        return (float)(sum / prediction.Length);
    }

    /// <inheritdoc cref="MeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static float MeanSquaredError(ReadOnlySpan<Half> prediction, ReadOnlySpan<Half> target) =>
        MeanSquaredErrorWidened(prediction, target);

    /// <inheritdoc cref="MeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static float MeanSquaredError(ReadOnlySpan<BFloat16> prediction, ReadOnlySpan<BFloat16> target) =>
        MeanSquaredErrorWidened(prediction, target);

    /// <summary>The mean absolute error <c>Σ |prediction − target| / n</c>, in <see cref="double"/>.</summary>
    /// <remarks>An empty input throws (PyTorch returns NaN); NaN gives NaN; an infinite difference gives +inf.</remarks>
    /// <param name="prediction">The predictions.</param>
    /// <param name="target">The targets, same length.</param>
    /// <returns>The mean absolute error.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or the spans are empty.</exception>
    public static float MeanAbsoluteError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target)
    {
        ValidateRegression(prediction.Length, target.Length);
        double sum = 0;
        for (var i = 0; i < prediction.Length; i++)
        {
            sum += Math.Abs((double)prediction[i] - target[i]);
        }
        return (float)(sum / prediction.Length);
    }

    /// <inheritdoc cref="MeanAbsoluteError(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static float MeanAbsoluteError(ReadOnlySpan<Half> prediction, ReadOnlySpan<Half> target) =>
        MeanAbsoluteErrorWidened(prediction, target);

    /// <inheritdoc cref="MeanAbsoluteError(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static float MeanAbsoluteError(ReadOnlySpan<BFloat16> prediction, ReadOnlySpan<BFloat16> target) =>
        MeanAbsoluteErrorWidened(prediction, target);

    private static void ValidateRegression(int predictionLength, int targetLength)
    {
        ThrowHelper.ThrowIfLengthMismatch(targetLength, predictionLength, "target", "prediction");
        ThrowHelper.ThrowIfEmptyInput(predictionLength, "prediction");
    }

    private static float HuberWidened<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target, float delta)
        where T : unmanaged
    {
        using var predictionWidened = WidenedSpan.Create(prediction);
        using var targetWidened = WidenedSpan.Create(target);
        return Huber(predictionWidened.Span, targetWidened.Span, delta);
    }

    private static float MeanSquaredErrorWidened<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target)
        where T : unmanaged
    {
        using var predictionWidened = WidenedSpan.Create(prediction);
        using var targetWidened = WidenedSpan.Create(target);
        return MeanSquaredError(predictionWidened.Span, targetWidened.Span);
    }

    private static float MeanAbsoluteErrorWidened<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target)
        where T : unmanaged
    {
        using var predictionWidened = WidenedSpan.Create(prediction);
        using var targetWidened = WidenedSpan.Create(target);
        return MeanAbsoluteError(predictionWidened.Span, targetWidened.Span);
    }
}
