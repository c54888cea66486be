using System;
using System.CommandLine;
using System.Linq;
using LmProb.Harness.Display;
using LmProb.Harness.Kernels;
using Spectre.Console;

namespace LmProb.Harness.Commands;

/// <summary>
/// <c>kernels</c>: the kernels generated for <see cref="Gpt2Kernels"/> (<c>[LmKernels(50257, …)]</c> in
/// this project) in action: the same bits as the generic API, their vocabulary size, their timings, and
/// the error a row of the wrong length gets.
/// </summary>
internal static class KernelsCommand
{
    public static Command Create(HarnessConsole console)
    {
        var milliseconds = new Option<int>("--ms") { Description = "Time budget per row's timings, in milliseconds.", DefaultValueFactory = _ => 200 };
        var command = new Command("kernels", "Generated kernels for [LmKernels(50257, BFloat16/Float32)] next to the generic API: same numbers, VocabSize, timings.");
        command.Options.Add(milliseconds);
        command.SetAction(result => Run(console, TimeSpan.FromMilliseconds(result.GetValue(milliseconds))));
        return command;
    }

    public static void Run(HarnessConsole console, TimeSpan budget)
    {
        const int vocab = Gpt2Kernels.VocabSize;
        console.Heading($"kernels: [LmKernels({vocab}, BFloat16)] and [LmKernels({vocab}, Float32)] on Gpt2Kernels (Kernels/Gpt2Kernels.cs)");
        var random = new Random(2019);
        var row = Enumerable.Range(0, vocab).Select(_ => (float)((random.NextDouble() * 20) - 10)).ToArray();
        var bf16 = row.Select(v => (BFloat16)v).ToArray();
        const int target = 464; // GPT-2's "The"
        var batch = Enumerable.Range(0, 4 * vocab).Select(_ => (BFloat16)(float)((random.NextDouble() * 20) - 10)).ToArray();
        int[] targets = [464, 3290, 318, 257];

        var table = Tables.Create("kernel", "logits", "Gpt2Kernels (generated)", "generic API", "bits", "generated µs", "generic µs").RightAlign(2, 3, 5, 6);
        var f = new float[vocab];
        var g = new float[vocab];
        var fb = new BFloat16[vocab];
        var gb = new BFloat16[vocab];
        var indices = new int[5];
        var values = new float[5];
        var indices2 = new int[5];
        var values2 = new float[5];

        Row(table, "LogSumExp", "float32", budget,
            () => Gpt2Kernels.LogSumExp(row), () => Probability.LogSumExp(row));
        Row(table, "LogSumExp", "bfloat16", budget,
            () => Gpt2Kernels.LogSumExp(bf16), () => Probability.LogSumExp(bf16));
        Row(table, "CrossEntropy(row, target)", "bfloat16", budget,
            () => Gpt2Kernels.CrossEntropy(bf16, target), () => Loss.CrossEntropy(bf16, target));
        RowArrays(table, "CrossEntropy + gradient", "bfloat16", budget,
            () => Gpt2Kernels.CrossEntropy(bf16, target, f), () => Loss.CrossEntropy(bf16, target, g), () => Same(f, g));
        RowArrays(table, "Softmax", "float32", budget,
            () => Gpt2Kernels.Softmax(row, f), () => Probability.Softmax(row, g), () => Same(f, g));
        RowArrays(table, "LogSoftmax", "bfloat16", budget,
            () => Gpt2Kernels.LogSoftmax(bf16, fb), () => Probability.LogSoftmax(bf16, gb), () => fb.AsSpan().SequenceEqual(gb));
        RowArrays(table, "TopK, k = 5", "bfloat16", budget,
            () => Gpt2Kernels.TopK(bf16, indices, values), () => Decoding.TopK(bf16, indices2, values2),
            () => indices.AsSpan().SequenceEqual(indices2) && Same(values, values2));
        Row(table, "CrossEntropy(batch of 4)", "bfloat16", budget,
            () => Gpt2Kernels.CrossEntropy(batch, targets).Mean, () => Loss.CrossEntropy(batch, vocab, targets).Mean);
        console.Ansi.Write(table);

        Gpt2Kernels.TopK(bf16, indices, values);
        console.Line($"Gpt2Kernels.VocabSize = {Gpt2Kernels.VocabSize}; TopK of the bf16 row: [{string.Join(", ", indices)}]");
        try
        {
            Gpt2Kernels.LogSumExp(new float[50000]);
        }
        catch (ArgumentException e)
        {
            console.Line($"Gpt2Kernels.LogSumExp(new float[50000]) throws {e.GetType().Name}: {e.Message}");
        }
        console.Note($"The generic API dispatches rows of {vocab} (and 32000, 32768, 128256, 151936, 256000) to the runtime's own generated kernels, " +
                     "so the two columns are the same code path and should time alike; the point of [LmKernels] is any other vocabulary size.");
    }

    /// <summary>A kernel with a scalar result (float, or the batch's double mean), compared bit for bit.</summary>
    private static void Row(Table table, string name, string dtype, TimeSpan budget, Func<double> generated, Func<double> generic)
    {
        var a = generated();
        var b = generic();
        var bits = BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b) ? "identical" : "DIFFERENT";
        table.AddTextRow([name, dtype, $"{a:G9}", $"{b:G9}", bits, .. Timings(() => generated(), () => generic(), budget)]);
    }

    private static void RowArrays(Table table, string name, string dtype, TimeSpan budget, Action generated, Action generic, Func<bool> same)
    {
        generated();
        generic();
        table.AddTextRow([name, dtype, "(array)", "(array)", same() ? "identical" : "DIFFERENT", .. Timings(generated, generic, budget)]);
    }

    private static string[] Timings(Action generated, Action generic, TimeSpan budget)
    {
        var (a, b) = QuickTimer.Compare(generated, generic, budget);
        return [$"{a:F1}", $"{b:F1}"];
    }

    private static bool Same(float[] a, float[] b) =>
        a.Length == b.Length && a.Select(BitConverter.SingleToUInt32Bits).SequenceEqual(b.Select(BitConverter.SingleToUInt32Bits));
}
