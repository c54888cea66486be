namespace LmProb;

/// <summary>Options of the batched cross-entropy and of <see cref="Loss.NextTokenLoss(System.ReadOnlySpan{float}, int, System.ReadOnlySpan{int}, System.ReadOnlySpan{bool}, CrossEntropyOptions?)"/>.</summary>
/// <remarks>
/// The defaults match PyTorch's <c>cross_entropy</c> with <c>reduction="mean"</c>. The output
/// arrays are filled when they are non-null, so one call gives the loss, the per-token losses and
/// the gradient.
/// </remarks>
public sealed record class CrossEntropyOptions
{
    /// <summary>Targets equal to this value are ignored: per-token loss 0, gradient row 0, not counted. Default -100.</summary>
    public int IgnoreIndex { get; init; } = -100;

    /// <summary>
    /// Label smoothing ε in [0, 1], PyTorch's definition: the target distribution is
    /// <c>(1 − ε)·onehot + ε/V</c>, so the loss is <c>(1 − ε)·nll + ε·mean_j(−log p_j)</c>.
    /// With ε &gt; 0 a −inf logit anywhere in the row makes the loss +inf, as in PyTorch.
    /// </summary>
    public float LabelSmoothing { get; init; }

    /// <summary>Weight w ≥ 0 of the z-loss <c>w · LSE²</c> added per counted token (PaLM uses 1e-4). Default 0.</summary>
    public float ZLossWeight { get; init; }

    /// <summary>When non-null (length = number of rows), receives each row's loss; ignored rows get 0.</summary>
    public float[]? PerTokenLoss { get; init; }

    /// <summary>
    /// When non-null (length = logits length), receives the gradient of the <em>mean</em> loss with
    /// respect to the logits; ignored rows get 0.
    /// </summary>
    public float[]? Gradient { get; init; }
}
