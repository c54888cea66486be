using LmProb.Generators.Helpers;
using LmProb.Generators.Model;

namespace LmProb.Generators.Emit;

/// <summary>
/// The top-k family. The selection is a threshold filter over one streaming pass whose cost is
/// set by memory, not by the row length being known, so the generated method checks the length
/// and runs the runtime's shared partial selection.
/// </summary>
internal static class TopKEmitter
{
    public static void Emit(IndentedTextWriter writer, ElementKernels element)
    {
        if ((element.Families & KernelFamilies.TopK) == 0)
        {
            return;
        }
        var t = KernelNames.TypeName(element.ElementType);
        var name = KernelNames.DisplayName(element.ElementType);
        writer.Line();
        writer.Line($"/// <summary>The <c>k = indices.Length</c> largest of one row of <see cref=\"VocabSize\"/> {name} logits, largest first, ties to the lower index, NaN last.</summary>");
        writer.Line("/// <returns>k.</returns>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\"><c>logits.Length</c> is not <see cref=\"VocabSize\"/>, or <paramref name=\"indices\"/> and <paramref name=\"values\"/> differ in length.</exception>");
        KernelFileEmitter.MemberAttributes(writer);
        using (writer.Block($"public static int TopK(global::System.ReadOnlySpan<{t}> logits, global::System.Span<int> indices, global::System.Span<float> values)"))
        {
            using (writer.Block("if (logits.Length != VocabSize)"))
            {
                writer.Line("throw new global::System.ArgumentException($\"logits.Length {logits.Length} does not match the vocabulary size {VocabSize}.\", nameof(logits));");
            }
            writer.Line("return global::LmProb.Decoding.TopK(logits, indices, values);");
        }
    }
}
