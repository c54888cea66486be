// Shared by the runtime (ExpKernel) and the source generator (which emits these values into the
// kernels it writes), so there is one set of constants. Keep this file free of anything newer
// than netstandard2.0.
namespace LmProb.Kernels;

/// <summary>
/// Constants of <c>exp(x)</c> for <c>x ≤ 0</c>: range reduction <c>x = n·ln2 + r</c> with ln 2 split
/// in two (Cody–Waite), a degree-7 polynomial for <c>exp(r)</c> on <c>|r| ≤ ln2/2</c> (minimax
/// coefficients from Cephes <c>expf</c>, within 1–2 ulp), and a clamp below which the result is 0.
/// </summary>
internal static class ExpPolynomial
{
    /// <summary>log2(e).</summary>
    public const float Log2E = 1.44269504f;

    /// <summary>High part of ln 2 (few mantissa bits, so <c>n · Ln2High</c> is exact).</summary>
    public const float Ln2High = 0.693359375f;

    /// <summary>Low part of ln 2: <c>ln 2 − Ln2High</c>.</summary>
    public const float Ln2Low = -2.12194440e-4f;

    /// <summary>Below ln(2^-150) ≈ -103.97 the result rounds to 0; clamping here keeps <c>n ≥ -150</c>.</summary>
    public const float MinArgument = -104f;

    /// <summary>Coefficient of r² in exp(r) ≈ 1 + r + r²·(C2 + r·(C3 + r·(C4 + r·(C5 + r·(C6 + r·C7))))).</summary>
    public const float C2 = 5.0000001201e-1f;

    /// <summary>Coefficient of r³.</summary>
    public const float C3 = 1.6666665459e-1f;

    /// <summary>Coefficient of r⁴.</summary>
    public const float C4 = 4.1665795894e-2f;

    /// <summary>Coefficient of r⁵.</summary>
    public const float C5 = 8.3334519073e-3f;

    /// <summary>Coefficient of r⁶.</summary>
    public const float C6 = 1.3981999507e-3f;

    /// <summary>Coefficient of r⁷.</summary>
    public const float C7 = 1.9875691500e-4f;
}
