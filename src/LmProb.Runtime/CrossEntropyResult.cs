namespace LmProb;

/// <summary>The reduction of a batched cross-entropy.</summary>
/// <param name="Sum">The sum of the per-token losses of the counted tokens, accumulated in double.</param>
/// <param name="Count">The number of tokens not ignored.</param>
public readonly record struct CrossEntropyResult(double Sum, int Count)
{
    /// <summary><c>Sum / Count</c>; NaN when no token was counted (as PyTorch).</summary>
    public double Mean => Count == 0 ? double.NaN : Sum / Count;
}
