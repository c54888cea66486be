using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;

namespace LmProb.Harness.Commands;

/// <summary>
/// <c>textbook</c>: the numbers a newcomer should see first, each next to the naive version that goes
/// wrong. The tour starts with this section; its text is written plainly (no table, no wrapping).
/// </summary>
internal static class TextbookCommand
{
    public static Command Create(HarnessConsole console)
    {
        var command = new Command("textbook", "The textbook numbers: stable softmax next to the naive NaN, cross-entropy and its gradient, masked mean, perplexity, top-k/top-p, a seeded sample.");
        command.SetAction(_ => Run(console.Plain));
        return command;
    }

    public static void Run(TextWriter output)
    {
        output.WriteLine("LmProb harness");
        output.WriteLine($"SIMD: Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, Vector128 {Vector128.IsHardwareAccelerated}");
        output.WriteLine();

        Section(output, "Softmax of [1000, 999, 997]");
        float[] logits = [1000, 999, 997];
#pragma warning disable LMP004 // Deliberate: the naive softmax, to show it overflowing to NaN.
        var naive = logits.Select(MathF.Exp).ToArray();
        var naiveSum = naive.Sum();
        output.WriteLine($"  naive exp(x)/sum:   {Show(naive.Select(e => e / naiveSum))}   (exp(1000) overflows)");
#pragma warning restore LMP004
        var p = new float[3];
        Probability.Softmax(logits, p);
        output.WriteLine($"  Probability.Softmax {Show(p)}   sum {p.Sum():R}");
        var logp = new float[3];
        Probability.LogSoftmax(logits, logp);
        output.WriteLine($"  LogSoftmax          {Show(logp)}");
        output.WriteLine($"  LogSumExp           {Probability.LogSumExp(logits):R}");
        output.WriteLine();

        Section(output, "Cross-entropy with gradient, target 1");
        var gradient = new float[3];
        var loss = Loss.CrossEntropy(logits, 1, gradient);
        output.WriteLine($"  loss {loss:R} nats  (= LogSumExp − x[1] = 1 + log(1 + e^-1 + e^-3))");
        output.WriteLine($"  gradient softmax − onehot: {Show(gradient)}   sum {gradient.Sum():E1}");
        output.WriteLine();

        Section(output, "Masked mean vs padded mean");
        // Two sequences padded to length 3: per-token losses [[1, .8, 0], [1.4, 0, 0]], mask [[1,1,0],[1,0,0]].
        float[] losses = [1f, 0.8f, 0f, 1.4f, 0f, 0f];
        bool[] mask = [true, true, false, true, false, false];
        output.WriteLine($"  padded mean (divides by 6):     {losses.Average():R}");
        output.WriteLine($"  Loss.MaskedMean (divides by 3): {Loss.MaskedMean(losses, mask):R}   (= 3.2/3)");
        output.WriteLine();

        Section(output, "Perplexity and bits per token of a mean NLL of 1.75 nats");
        output.WriteLine($"  Metrics.Perplexity   {Metrics.Perplexity(1.75):R}   (= e^1.75)");
        output.WriteLine($"  Metrics.BitsPerToken {Metrics.BitsPerToken(1.75):R}   (= 1.75 / ln 2)");
        output.WriteLine();

        Section(output, "Top-k and top-p of [.45, .25, .15, .10, .05]");
        float[] distribution = [0.45f, 0.25f, 0.15f, 0.10f, 0.05f];
        var topIndices = new int[2];
        var topValues = new float[2];
        Decoding.TopK(distribution, topIndices, topValues);
        output.WriteLine($"  TopK k=2:   indices [{string.Join(", ", topIndices)}], values {Show(topValues)}");
        var nucleus = new int[distribution.Length];
        var kept = Decoding.TopP(distribution, 0.7f, nucleus);
        output.WriteLine($"  TopP p=0.7: {kept} tokens [{string.Join(", ", nucleus[..kept])}]");
        kept = Decoding.TopP(distribution, 0.9f, nucleus);
        output.WriteLine($"  TopP p=0.9: {kept} tokens [{string.Join(", ", nucleus[..kept])}]");
        output.WriteLine();

        Section(output, "Seeded sampling (temperature 0.8, top-p 0.9, seed 42)");
        var sampler = new Sampler(new SamplerOptions { Temperature = 0.8f, TopP = 0.9f, Seed = 42 });
        float[] nextLogits = [2.0f, 1.5f, 0.3f, -1f, 0.9f];
        var tokens = Enumerable.Range(0, 20).Select(_ => sampler.Next(nextLogits)).ToArray();
        output.WriteLine($"  20 draws: [{string.Join(", ", tokens)}]   (the same on every run and machine)");
    }

    private static void Section(TextWriter output, string title) => output.WriteLine($"== {title}");

    private static string Show(IEnumerable<float> values) =>
        "[" + string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + "]";
}
