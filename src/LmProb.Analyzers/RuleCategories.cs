namespace LmProb.Analyzers;

/// <summary>The diagnostic categories (the <c>Category</c> column of AnalyzerReleases.*.md).</summary>
internal static class RuleCategories
{
    /// <summary>
    /// The result is wrong for every input, not only for extreme ones: misaligned labels, wrong
    /// denominators, wrong axes, wrong reductions (LMP001, LMP003, LMP005, LMP008, LMP011, LMP012).
    /// </summary>
    public const string Correctness = "Correctness";

    /// <summary>
    /// Right in exact arithmetic, wrong in floating point: overflow, underflow to 0 then log,
    /// cancellation (LMP002, LMP004, LMP006, LMP007, LMP010).
    /// </summary>
    public const string NumericalStability = "NumericalStability";

    /// <summary>An input the code does not guard against gives NaN, infinity or a silent wrong answer (LMP009).</summary>
    public const string Reliability = "Reliability";
}
