using System;

namespace LmProb.Generators.Tests.Infrastructure;

/// <summary>What the tests need to know about one element type: conversions and how finely it rounds.</summary>
/// <param name="Name">The <c>KernelElementType</c> member name.</param>
/// <param name="FromSingle">Rounds a float to the element type (to nearest even).</param>
/// <param name="ToSingle">Widens exactly to float.</param>
/// <param name="UnitRoundoff">The largest relative error of one rounding to this type (2^-p for p significant bits).</param>
/// <param name="UnderflowStep">Half the smallest subnormal: the largest absolute error of rounding a tiny value.</param>
/// <param name="LargeScale">A spread of logits near the top of the type's range (±1e30 rows).</param>
/// <param name="TinyScale">A spread of logits in the type's subnormal range.</param>
internal sealed record ElementType<T>(
    string Name,
    Func<float, T> FromSingle,
    Func<T, float> ToSingle,
    double UnitRoundoff,
    double UnderflowStep,
    float LargeScale,
    float TinyScale)
    where T : unmanaged;

internal static class ElementTypes
{
    public static readonly ElementType<float> Float32 = new(
        "Float32", x => x, x => x, Math.Pow(2, -24), Math.Pow(2, -150), 1e30f, 1e-40f);

    public static readonly ElementType<Half> Float16 = new(
        "Float16", x => (Half)x, x => (float)x, Math.Pow(2, -11), Math.Pow(2, -25), 1e4f, 1e-6f);

    public static readonly ElementType<BFloat16> BFloat16 = new(
        "BFloat16", x => (BFloat16)x, x => (float)x, Math.Pow(2, -8), Math.Pow(2, -134), 1e30f, 1e-39f);
}
