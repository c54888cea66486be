using LmProb.Generators.Helpers;
using LmProb.Generators.Model;

namespace LmProb.Generators.Emit;

/// <summary>The cross-entropy family: one row, one row with its gradient, and a batch of rows with options.</summary>
internal static class CrossEntropyEmitter
{
    public static void Emit(IndentedTextWriter writer, ElementKernels element)
    {
        if ((element.Families & KernelFamilies.CrossEntropy) == 0)
        {
            return;
        }
        var t = KernelNames.TypeName(element.ElementType);
        var name = KernelNames.DisplayName(element.ElementType);
        var kernels = $"default({KernelNames.RowKernelsType(element.ElementType)})";

        writer.Line();
        writer.Line($"/// <summary>Cross-entropy of one row of <see cref=\"VocabSize\"/> {name} logits: <c>LogSumExp(logits) − logits[target]</c>.</summary>");
        writer.Line("/// <returns>The loss in nats; +inf when the target's logit is −inf; NaN for a row containing NaN or +inf, or all −inf.</returns>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\"><c>logits.Length</c> is not <see cref=\"VocabSize\"/>.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"target\"/> is outside the row.</exception>");
        KernelFileEmitter.MemberAttributes(writer);
        writer.Line($"public static float CrossEntropy(global::System.ReadOnlySpan<{t}> logits, int target) =>");
        writer.Line($"    global::LmProb.Kernels.RowKernelHost.CrossEntropy(logits, target, {kernels});");

        writer.Line();
        writer.Line($"/// <summary>Cross-entropy of one row of <see cref=\"VocabSize\"/> {name} logits and its gradient <c>softmax(logits) − onehot(target)</c>.</summary>");
        writer.Line("/// <returns>The loss in nats; a bad row also gets a NaN gradient.</returns>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">A length is not <see cref=\"VocabSize\"/>.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"target\"/> is outside the row.</exception>");
        KernelFileEmitter.MemberAttributes(writer);
        writer.Line($"public static float CrossEntropy(global::System.ReadOnlySpan<{t}> logits, int target, global::System.Span<float> gradient) =>");
        writer.Line($"    global::LmProb.Kernels.RowKernelHost.CrossEntropy(logits, target, gradient, {kernels});");

        writer.Line();
        writer.Line($"/// <summary>");
        writer.Line($"/// Cross-entropy of a flat batch of rows of <see cref=\"VocabSize\"/> {name} logits, one target per row, as");
        writer.Line("/// PyTorch's <c>cross_entropy</c>: ignore-index, label smoothing, z-loss, per-token losses and the gradient of the mean from <paramref name=\"options\"/>.");
        writer.Line("/// </summary>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The lengths do not fit <see cref=\"VocabSize\"/> or each other.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A target is out of range and not the ignore index, or an option is out of range.</exception>");
        KernelFileEmitter.MemberAttributes(writer);
        writer.Line($"public static global::LmProb.CrossEntropyResult CrossEntropy(global::System.ReadOnlySpan<{t}> logits, global::System.ReadOnlySpan<int> targets, global::LmProb.CrossEntropyOptions? options = null) =>");
        writer.Line($"    global::LmProb.Kernels.RowKernelHost.CrossEntropy(logits, targets, options, {kernels});");
    }
}
