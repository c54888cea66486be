using System.Globalization;
using LmProb.Generators.Helpers;
using LmProb.Kernels;

namespace LmProb.Generators.Emit;

/// <summary>
/// Writes the elementwise operators of the row passes and <c>Exp</c>, the same exp as the runtime's
/// (its constants are the runtime's <see cref="ExpPolynomial"/>, compiled into the generator).
/// </summary>
internal static class ExpEmitter
{
    public static void Emit(IndentedTextWriter writer)
    {
        writer.Lines("""
            /// <summary>An elementwise function of a float, at every vector width.</summary>
            file interface IOperator
            {
                float Invoke(float x);

                Vector128<float> Invoke(Vector128<float> x);

                Vector256<float> Invoke(Vector256<float> x);

                Vector512<float> Invoke(Vector512<float> x);
            }
            """);
        Operator(writer, "ShiftedExp", "float max", "<c>exp(x − max)</c>: the numerator of softmax.",
            "Exp.Evaluate(x - max)",
            v => $"Exp.Evaluate(x - {v}.Create(max))");
        Operator(writer, "Shifted", "float max", "<c>x − max</c>.",
            "x - max",
            v => $"x - {v}.Create(max)");
        Operator(writer, "ShiftedExpDivide", "float max, float sum", "<c>exp(x − max) / sum</c>: softmax once the sum is known.",
            "Exp.Evaluate(x - max) / sum",
            v => $"Exp.Evaluate(x - {v}.Create(max)) / {v}.Create(sum)");
        Operator(writer, "ShiftedLog", "float max, float logSum", "<c>(x − max) − logSum</c>: log-softmax, never <c>x − lse</c>.",
            "(x - max) - logSum",
            v => $"(x - {v}.Create(max)) - {v}.Create(logSum)");

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// <c>exp(x)</c> for <c>x ≤ 0</c>, with the same operations at every width as the LmProb runtime: <c>x = n·ln2 + r</c>");
        writer.Line("/// with ln 2 in two parts (Cody–Waite), a degree-7 polynomial for <c>exp(r)</c> on <c>|r| ≤ ln2/2</c>, then");
        writer.Line("/// <c>·2^n</c> as two exact power-of-two factors so subnormal results are right and anything below 2^-150 is 0.");
        writer.Line("/// </summary>");
        writer.Line(KernelNames.GeneratedCodeAttribute);
        using (writer.Block("file static class Exp"))
        {
            writer.Lines($"""
                private const float Log2E = {F(ExpPolynomial.Log2E)};
                private const float Ln2High = {F(ExpPolynomial.Ln2High)};
                private const float Ln2Low = {F(ExpPolynomial.Ln2Low)};
                private const float MinArgument = {F(ExpPolynomial.MinArgument)};
                private const float C2 = {F(ExpPolynomial.C2)};
                private const float C3 = {F(ExpPolynomial.C3)};
                private const float C4 = {F(ExpPolynomial.C4)};
                private const float C5 = {F(ExpPolynomial.C5)};
                private const float C6 = {F(ExpPolynomial.C6)};
                private const float C7 = {F(ExpPolynomial.C7)};
                private const int ExponentBias = 127;
                private const int MantissaBits = 23;

                [MethodImpl(MethodImplOptions.AggressiveInlining)]
                public static float Evaluate(float x)
                """);
            writer.Lines("""
                {
                    x = global::System.MathF.Max(x, MinArgument);
                    var n = global::System.MathF.Round(x * Log2E);
                    var r = global::System.MathF.FusedMultiplyAdd(n, -Ln2High, x);
                    r = global::System.MathF.FusedMultiplyAdd(n, -Ln2Low, r);
                    var p = global::System.MathF.FusedMultiplyAdd(C7, r, C6);
                    p = global::System.MathF.FusedMultiplyAdd(p, r, C5);
                    p = global::System.MathF.FusedMultiplyAdd(p, r, C4);
                    p = global::System.MathF.FusedMultiplyAdd(p, r, C3);
                    p = global::System.MathF.FusedMultiplyAdd(p, r, C2);
                    p = global::System.MathF.FusedMultiplyAdd(p, r * r, r) + 1f;
                    if (float.IsNaN(n))
                    {
                        return n;
                    }
                    var k = (int)n;
                    var k1 = k >> 1;
                    var k2 = k - k1;
                    return p * global::System.BitConverter.Int32BitsToSingle((k1 + ExponentBias) << MantissaBits)
                             * global::System.BitConverter.Int32BitsToSingle((k2 + ExponentBias) << MantissaBits);
                }
                """);
            foreach (var v in new[] { "Vector128", "Vector256", "Vector512" })
            {
                writer.Line();
                writer.Lines($$"""
                    [MethodImpl(MethodImplOptions.AggressiveInlining)]
                    public static {{v}}<float> Evaluate({{v}}<float> x)
                    {
                        // MaxNative (one instruction) may drop a NaN lane here; the final select puts NaN back.
                        var clamped = {{v}}.MaxNative(x, {{v}}.Create(MinArgument));
                        var n = {{v}}.Round(clamped * {{v}}.Create(Log2E));
                        var r = {{v}}.FusedMultiplyAdd(n, {{v}}.Create(-Ln2High), clamped);
                        r = {{v}}.FusedMultiplyAdd(n, {{v}}.Create(-Ln2Low), r);
                        var p = {{v}}.FusedMultiplyAdd({{v}}.Create(C7), r, {{v}}.Create(C6));
                        p = {{v}}.FusedMultiplyAdd(p, r, {{v}}.Create(C5));
                        p = {{v}}.FusedMultiplyAdd(p, r, {{v}}.Create(C4));
                        p = {{v}}.FusedMultiplyAdd(p, r, {{v}}.Create(C3));
                        p = {{v}}.FusedMultiplyAdd(p, r, {{v}}.Create(C2));
                        p = {{v}}.FusedMultiplyAdd(p, r * r, r) + {{v}}<float>.One;
                        var k = {{v}}.ConvertToInt32(n);
                        var k1 = {{v}}.ShiftRightArithmetic(k, 1);
                        var k2 = k - k1;
                        var scale1 = {{v}}.ShiftLeft(k1 + {{v}}.Create(ExponentBias), MantissaBits).AsSingle();
                        var scale2 = {{v}}.ShiftLeft(k2 + {{v}}.Create(ExponentBias), MantissaBits).AsSingle();
                        return {{v}}.ConditionalSelect({{v}}.IsNaN(x), x, p * scale1 * scale2);
                    }
                    """);
            }
        }
    }

    private static void Operator(IndentedTextWriter writer, string name, string parameters, string summary, string scalar, System.Func<string, string> vector)
    {
        writer.Line();
        writer.Line($"/// <summary>{summary}</summary>");
        writer.Line(KernelNames.GeneratedCodeAttribute);
        using (writer.Block($"file readonly struct {name}({parameters}) : IOperator"))
        {
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            writer.Line($"public float Invoke(float x) => {scalar};");
            foreach (var v in new[] { "Vector128", "Vector256", "Vector512" })
            {
                writer.Line();
                writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                writer.Line($"public {v}<float> Invoke({v}<float> x) => {vector(v)};");
            }
        }
    }

    /// <summary>A float literal that round-trips exactly, printed the same on every compiler host.</summary>
    private static string F(float value) => value.ToString("G9", CultureInfo.InvariantCulture) + "f";
}
