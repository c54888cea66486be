using System;
using LmProb.Internal;

namespace LmProb;

public static partial class Loss
{
    /// <summary>
    /// The mean of the values the mask selects: <c>Σ values[i] over mask[i] / count(mask)</c>, summed
    /// in <see cref="double"/>. This is the right mean for a padded batch of per-token losses; dividing
    /// by the padded length instead understates the loss by the padding fraction.
    /// </summary>
    /// <remarks>
    /// Unselected values are never read into the sum, so NaN or infinities in padding do not matter.
    /// A selected NaN gives NaN; a selected ±inf gives ±inf (NaN if both signs are selected).
    /// </remarks>
    /// <param name="values">Per-element values, e.g. per-token losses.</param>
    /// <param name="mask">Which values count; same length as <paramref name="values"/>.</param>
    /// <returns>The masked mean.</returns>
    /// <exception cref="ArgumentException">
    /// The lengths differ, or the mask selects nothing (the mean of no elements is undefined;
    /// this includes empty spans).
    /// </exception>
    public static float MaskedMean(ReadOnlySpan<float> values, ReadOnlySpan<bool> mask)
    {
        ThrowHelper.ThrowIfLengthMismatch(mask.Length, values.Length, nameof(mask), nameof(values));
        double sum = 0;
        var count = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (mask[i])
            {
                sum += values[i];
                count++;
            }
        }
        if (count == 0)
        {
            ThrowHelper.MaskSelectsNothing(nameof(mask), mask.Length);
        }
        return (float)(sum / count);
    }

    /// <inheritdoc cref="MaskedMean(ReadOnlySpan{float}, ReadOnlySpan{bool})"/>
    public static float MaskedMean(ReadOnlySpan<Half> values, ReadOnlySpan<bool> mask) => MaskedMeanWidened(values, mask);

    /// <inheritdoc cref="MaskedMean(ReadOnlySpan{float}, ReadOnlySpan{bool})"/>
    public static float MaskedMean(ReadOnlySpan<BFloat16> values, ReadOnlySpan<bool> mask) => MaskedMeanWidened(values, mask);

    private static float MaskedMeanWidened<T>(ReadOnlySpan<T> values, ReadOnlySpan<bool> mask)
        where T : unmanaged
    {
        using var widened = WidenedSpan.Create(values);
        return MaskedMean(widened.Span, mask);
    }
}
