namespace LmProb;

/// <summary>
/// Losses for language models and their relatives: cross-entropy (one row, with gradient, batched
/// with ignore-index, label smoothing and z-loss), next-token loss with the shift done for you,
/// masked means, binary cross-entropy with logits, focal, InfoNCE, triplet, DPO and regression losses.
/// </summary>
/// <remarks>Natural logarithms (nats) throughout. Every formula is written in its overflow-free form.</remarks>
public static partial class Loss
{
}
