namespace LmProb;

/// <summary>
/// How a <see cref="Sampler"/> turns logits into a token. The defaults sample from the plain
/// softmax (temperature 1, no filter) with a random seed. Values are checked when the
/// <see cref="Sampler"/> is constructed.
/// </summary>
/// <remarks>
/// The filters apply in this order, as in Hugging Face <c>transformers</c>: temperature, then top-k,
/// then top-p, then min-p, then the draw.
/// </remarks>
public sealed record SamplerOptions
{
    /// <summary>
    /// Divides the logits before the softmax: below 1 sharpens, above 1 flattens. 0 means greedy
    /// (the most likely token, no randomness). Must be 0 or positive and finite. Default 1.
    /// </summary>
    public float Temperature { get; init; } = 1;

    /// <summary>Keep only the <c>TopK</c> most likely tokens; 0 (the default) turns the filter off. Must not be negative.</summary>
    public int TopK { get; init; }

    /// <summary>
    /// Keep only the smallest set of most likely tokens whose probability (after temperature and
    /// top-k) sums to at least <c>TopP</c>; 1 (the default) turns the filter off. Must be in (0, 1].
    /// </summary>
    public float TopP { get; init; } = 1;

    /// <summary>
    /// Keep only tokens whose probability is at least <c>MinP</c> times the largest probability;
    /// 0 (the default) turns the filter off. Must be in [0, 1].
    /// </summary>
    public float MinP { get; init; }

    /// <summary>
    /// The seed of the sampler's pseudo-random generator: the same seed, options and logits give the
    /// same tokens on every machine. Null (the default) takes a seed from the operating system's
    /// cryptographic random source.
    /// </summary>
    public ulong? Seed { get; init; }
}
