using LmProb.Generators.Helpers;
using LmProb.Generators.Model;

namespace LmProb.Generators.Emit;

/// <summary>The nested struct that gives <c>RowKernelHost</c> the fixed-length passes for one element type.</summary>
internal static class RowKernelsEmitter
{
    public static void Emit(IndentedTextWriter writer, ElementType elementType, int vocabSize)
    {
        var t = KernelNames.TypeName(elementType);
        var elements = $"global::{KernelNames.HelperNamespace}.{KernelNames.ElementsType(elementType)}";
        var loops = $"global::{KernelNames.HelperNamespace}.FixedRow";
        var ops = $"global::{KernelNames.HelperNamespace}";
        writer.Line();
        writer.Line($"/// <summary>The passes over one row of <see cref=\"VocabSize\"/> {KernelNames.DisplayName(elementType)} logits{(elementType == ElementType.Float32 ? "" : ", widened to float in registers")}.</summary>");
        writer.Line(KernelNames.GeneratedCodeAttribute);
        using (writer.Block($"private readonly struct {KernelNames.RowKernelsType(elementType)} : global::LmProb.Kernels.IRowKernels<{t}>"))
        {
            writer.Lines($$"""
                public int VocabSize => {{KernelFileEmitter.Number(vocabSize)}};

                public float Max(global::System.ReadOnlySpan<{{t}}> row) =>
                    {{loops}}.Max<{{t}}, {{elements}}>(row);

                public double SumExp(global::System.ReadOnlySpan<{{t}}> row, float max) =>
                    {{loops}}.Sum<{{t}}, {{elements}}, {{ops}}.ShiftedExp>(row, new {{ops}}.ShiftedExp(max), default);

                public double SumShifted(global::System.ReadOnlySpan<{{t}}> row, float max) =>
                    {{loops}}.Sum<{{t}}, {{elements}}, {{ops}}.Shifted>(row, new {{ops}}.Shifted(max), default);

                public double StoreExp(global::System.ReadOnlySpan<{{t}}> row, float max, global::System.Span<float> destination) =>
                    {{loops}}.Sum<{{t}}, {{elements}}, {{ops}}.ShiftedExp>(row, new {{ops}}.ShiftedExp(max), destination);

                public void StoreSoftmax(global::System.ReadOnlySpan<{{t}}> row, float max, float sum, global::System.Span<{{t}}> destination) =>
                    {{loops}}.Map<{{t}}, {{elements}}, {{ops}}.ShiftedExpDivide>(row, new {{ops}}.ShiftedExpDivide(max, sum), destination);

                public void StoreLogSoftmax(global::System.ReadOnlySpan<{{t}}> row, float max, float logSum, global::System.Span<{{t}}> destination) =>
                    {{loops}}.Map<{{t}}, {{elements}}, {{ops}}.ShiftedLog>(row, new {{ops}}.ShiftedLog(max, logSum), destination);
                """);
        }
    }
}
