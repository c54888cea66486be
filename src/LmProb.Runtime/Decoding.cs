using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using LmProb.Internal;
using LmProb.Kernels;

namespace LmProb;

/// <summary>
/// Building blocks of token decoding: temperature and logit bias, greedy choice, top-k selection,
/// nucleus (top-p) and min-p sets, and top-k / top-p filters of a probability row. For sampling
/// with all of these in one call, see <see cref="Sampler"/>; for beam search, <see cref="BeamSearch"/>.
/// </summary>
/// <remarks>
/// <para>
/// One order is used for every index result: larger values first, ties to the lower index, NaN after
/// every number (so NaN is never chosen before a number), −inf a number below every finite value.
/// Selection is partial (top-k keeps a heap of k elements and skips, a vector at a time, the
/// elements that cannot enter): a row is never fully sorted unless the whole row is the answer.
/// </para>
/// <para>
/// Every method takes <see cref="float"/>, <see cref="Half"/> and <see cref="BFloat16"/> rows.
/// 16-bit rows are widened to float exactly; index results are the same as for the widened row.
/// </para>
/// <para>
/// Probability rows (<c>TopP</c>, <c>MinP</c>, <c>FilterTopK</c>, <c>FilterTopP</c>) must not contain
/// negative values (<see cref="ArgumentException"/> naming the first one). A row that contains NaN
/// or +inf is a bad row: <c>TopP</c> and <c>MinP</c> return <see cref="Greedy(ReadOnlySpan{float})"/>'s
/// choice (one token, or none when the row is all NaN), and the filters write NaN.
/// </para>
/// </remarks>
public static partial class Decoding
{
    /// <summary>
    /// Divides every logit by <paramref name="temperature"/>, in place. A temperature below 1
    /// sharpens the distribution, above 1 flattens it.
    /// </summary>
    /// <remarks>
    /// This writes the scaled logits themselves, so a logit whose quotient is beyond the float range
    /// (|x| &gt; T·3.4e38, possible only for T &lt; 1) becomes ±inf. To get probabilities, prefer
    /// <see cref="Probability.Softmax(ReadOnlySpan{float}, Span{float}, float)"/>, which computes
    /// <c>(x − max) / T</c> and cannot overflow. For 16-bit rows the quotient is computed in float and
    /// rounded once to the element type.
    /// </remarks>
    /// <param name="logits">The logits to scale, in place.</param>
    /// <param name="temperature">A positive, finite temperature.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="temperature"/> is zero, negative, NaN or +inf.</exception>
    public static void ApplyTemperature(Span<float> logits, float temperature) => ApplyTemperatureCore(logits, temperature);

    /// <inheritdoc cref="ApplyTemperature(Span{float}, float)"/>
    public static void ApplyTemperature(Span<Half> logits, float temperature) => ApplyTemperatureCore(logits, temperature);

    /// <inheritdoc cref="ApplyTemperature(Span{float}, float)"/>
    public static void ApplyTemperature(Span<BFloat16> logits, float temperature) => ApplyTemperatureCore(logits, temperature);

    /// <summary>
    /// Adds <c>bias[token]</c> to <c>logits[token]</c> for every entry of <paramref name="bias"/>, in
    /// place. A bias of −inf bans the token: its logit becomes −inf whatever it was (even +inf).
    /// </summary>
    /// <remarks>
    /// All token ids and biases are checked before anything is written, so on an exception the
    /// logits are unchanged. A bias of +inf makes the logit +inf, which <see cref="Greedy(ReadOnlySpan{float})"/>
    /// and <see cref="Sampler"/> then choose (a row with +inf is a bad row, decided greedily).
    /// For 16-bit rows the sum is computed in float and rounded once to the element type.
    /// </remarks>
    /// <param name="logits">The logits to shift, in place.</param>
    /// <param name="bias">Token id to the value added to its logit.</param>
    /// <exception cref="ArgumentNullException"><paramref name="bias"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside <c>[0, logits.Length)</c>.</exception>
    /// <exception cref="ArgumentException">A bias is NaN.</exception>
    public static void ApplyLogitBias(Span<float> logits, IReadOnlyDictionary<int, float> bias) => ApplyLogitBiasCore(logits, bias);

    /// <inheritdoc cref="ApplyLogitBias(Span{float}, IReadOnlyDictionary{int, float})"/>
    public static void ApplyLogitBias(Span<Half> logits, IReadOnlyDictionary<int, float> bias) => ApplyLogitBiasCore(logits, bias);

    /// <inheritdoc cref="ApplyLogitBias(Span{float}, IReadOnlyDictionary{int, float})"/>
    public static void ApplyLogitBias(Span<BFloat16> logits, IReadOnlyDictionary<int, float> bias) => ApplyLogitBiasCore(logits, bias);

    /// <summary>
    /// The index of the largest logit: the lowest such index on ties, never a NaN entry (NaN ranks
    /// after every number), +inf wins over every finite value. −1 for an empty or all-NaN row.
    /// </summary>
    /// <param name="logits">The row (logits, or probabilities: the order is the same).</param>
    /// <returns>The chosen index, or −1.</returns>
    public static int Greedy(ReadOnlySpan<float> logits) => TopKSelection.ArgMax(logits);

    /// <inheritdoc cref="Greedy(ReadOnlySpan{float})"/>
    public static int Greedy(ReadOnlySpan<Half> logits) => GreedyCore(logits);

    /// <inheritdoc cref="Greedy(ReadOnlySpan{float})"/>
    public static int Greedy(ReadOnlySpan<BFloat16> logits) => GreedyCore(logits);

    private static void ApplyTemperatureCore<T>(Span<T> logits, float temperature)
        where T : unmanaged
    {
        ThrowHelper.ThrowIfInvalidTemperature(temperature);
        using var row = DestinationBuffer<T>.Create(logits);
        Elements.Widen<T>(logits, row.Span);
        RowLoops.Map(row.Span, row.Span, new DivideBy(temperature));
        row.Commit();
    }

    private static void ApplyLogitBiasCore<T>(Span<T> logits, IReadOnlyDictionary<int, float> bias)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(bias);
        foreach (var (token, value) in bias)
        {
            ThrowHelper.ThrowIfTokenOutOfRange(token, logits.Length, nameof(bias), nameof(logits));
            if (float.IsNaN(value))
            {
                ThrowHelper.NaNBias(nameof(bias), token);
            }
        }
        foreach (var (token, value) in bias)
        {
            var biased = float.IsNegativeInfinity(value)
                ? float.NegativeInfinity
                : Elements.ToSingle(logits[token]) + value;
            logits[token] = Elements.FromSingle<T>(biased);
        }
    }

    private static int GreedyCore<T>(ReadOnlySpan<T> logits)
        where T : unmanaged
    {
        using var row = WidenedSpan.Create(logits);
        return TopKSelection.ArgMax(row.Span);
    }

    /// <summary>
    /// Checks a probability row: throws on the first negative entry (−inf included); returns false
    /// for a bad row (one that contains NaN or +inf), true otherwise.
    /// </summary>
    private static bool CheckProbabilities(ReadOnlySpan<float> probabilities, string name)
    {
        if (probabilities.IsEmpty)
        {
            return true;
        }
        // Two vectorized passes answer the common case; NaN makes both return NaN, then look closer.
        var min = TensorPrimitives.Min(probabilities);
        var max = TensorPrimitives.Max(probabilities);
        if (min >= 0 && float.IsFinite(max))
        {
            return true;
        }
        var good = true;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = probabilities[i];
            if (p < 0)
            {
                ThrowHelper.NegativeProbability(name, i, p);
            }
            good &= float.IsFinite(p);
        }
        return good;
    }
}
