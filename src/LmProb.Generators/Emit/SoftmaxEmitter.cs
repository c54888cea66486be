using LmProb.Generators.Helpers;
using LmProb.Generators.Model;

namespace LmProb.Generators.Emit;

/// <summary>The softmax family: <c>Softmax</c>, <c>LogSoftmax</c> and <c>LogSumExp</c> of one row.</summary>
internal static class SoftmaxEmitter
{
    public static void Emit(IndentedTextWriter writer, ElementKernels element)
    {
        var t = KernelNames.TypeName(element.ElementType);
        var name = KernelNames.DisplayName(element.ElementType);
        var kernels = $"default({KernelNames.RowKernelsType(element.ElementType)})";
        if ((element.Families & KernelFamilies.Softmax) != 0)
        {
            writer.Line();
            writer.Line($"/// <summary>Writes the softmax of one row of <see cref=\"VocabSize\"/> {name} logits (three passes: max, sum of exp, normalize).</summary>");
            writer.Line("/// <remarks>A row containing NaN or +inf, or all −inf, gives NaN; <paramref name=\"destination\"/> may be <paramref name=\"logits\"/>.</remarks>");
            writer.Line("/// <exception cref=\"global::System.ArgumentException\">A length is not <see cref=\"VocabSize\"/>, or the spans partly overlap.</exception>");
            KernelFileEmitter.MemberAttributes(writer);
            writer.Line($"public static void Softmax(global::System.ReadOnlySpan<{t}> logits, global::System.Span<{t}> destination) =>");
            writer.Line($"    global::LmProb.Kernels.RowKernelHost.Softmax(logits, destination, {kernels});");
        }
        if ((element.Families & KernelFamilies.LogSoftmax) != 0)
        {
            writer.Line();
            writer.Line($"/// <summary>Writes <c>(x − max) − log Σ exp(x − max)</c> for one row of <see cref=\"VocabSize\"/> {name} logits.</summary>");
            writer.Line("/// <remarks>A row containing NaN or +inf, or all −inf, gives NaN; <paramref name=\"destination\"/> may be <paramref name=\"logits\"/>.</remarks>");
            writer.Line("/// <exception cref=\"global::System.ArgumentException\">A length is not <see cref=\"VocabSize\"/>, or the spans partly overlap.</exception>");
            KernelFileEmitter.MemberAttributes(writer);
            writer.Line($"public static void LogSoftmax(global::System.ReadOnlySpan<{t}> logits, global::System.Span<{t}> destination) =>");
            writer.Line($"    global::LmProb.Kernels.RowKernelHost.LogSoftmax(logits, destination, {kernels});");
        }
        if ((element.Families & KernelFamilies.LogSumExp) != 0)
        {
            writer.Line();
            writer.Line($"/// <summary><c>log Σ exp(x)</c> of one row of <see cref=\"VocabSize\"/> {name} logits, without overflow.</summary>");
            writer.Line("/// <returns>−inf for an all −inf row; NaN for a row containing NaN or +inf.</returns>");
            writer.Line("/// <exception cref=\"global::System.ArgumentException\"><c>logits.Length</c> is not <see cref=\"VocabSize\"/>.</exception>");
            KernelFileEmitter.MemberAttributes(writer);
            writer.Line($"public static float LogSumExp(global::System.ReadOnlySpan<{t}> logits) =>");
            writer.Line($"    global::LmProb.Kernels.RowKernelHost.LogSumExp(logits, {kernels});");
        }
    }
}
