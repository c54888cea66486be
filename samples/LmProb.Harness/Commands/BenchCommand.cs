using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Linq;
using System.Numerics.Tensors;
using LmProb.Harness.Display;
using Spectre.Console;

namespace LmProb.Harness.Commands;

/// <summary>
/// <c>bench</c>: quick Stopwatch ratios of LmProb against <see cref="TensorPrimitives"/> on one row of
/// 32000 and of 128256 logits. A rough look on whatever else the machine is doing; the BenchmarkDotNet
/// suite is the real measurement.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(HarnessConsole console)
    {
        var milliseconds = new Option<int>("--ms") { Description = "Time budget per measurement, in milliseconds.", DefaultValueFactory = _ => 250 };
        var command = new Command("bench", "Quick Stopwatch ratios vs TensorPrimitives: LogSumExp, Softmax and CrossEntropy on a 32000 and a 128256 row.");
        command.Options.Add(milliseconds);
        command.SetAction(result => Run(console, TimeSpan.FromMilliseconds(result.GetValue(milliseconds))));
        return command;
    }

    public static void Run(HarnessConsole console, TimeSpan budget)
    {
        console.Heading($"bench: quick Stopwatch ratios vs TensorPrimitives ({budget.TotalMilliseconds:F0} ms per measurement, one thread)");
        int[] sizes = [32000, 128256];
        var cases = sizes.SelectMany(Cases).ToArray();
        var results = console.WithProgress("timing", progress =>
        {
            WarmUp(cases);
            var list = new List<(Case Case, double LmProb, double Peer)>();
            foreach (var c in cases)
            {
                var (lmProb, peer) = QuickTimer.Compare(c.LmProb, c.Peer, budget);
                list.Add((c, lmProb, peer));
                progress(list.Count / (double)cases.Length);
            }
            return list;
        });

        var table = Tables.Create("operation", "V", "LmProb µs", "TensorPrimitives µs", "TensorPrimitives / LmProb", "LmProb G elements/s", "peer on [1000, 999, 997]")
            .RightAlign(1, 2, 3, 4, 5);
        foreach (var (c, lmProb, peer) in results)
        {
            table.AddTextRow(c.Name, $"{c.Size}", $"{lmProb:F1}", $"{peer:F1}", $"{peer / lmProb:F2}×", $"{c.Size / lmProb / 1000:F2}", c.PeerOnBigLogits());
        }
        console.Ansi.Write(table);
        console.Note("Median of 5 alternating rounds after a 250 ms warm-up; a ratio above 1 means LmProb is faster. These are quick Stopwatch figures on a shared machine: " +
                     "the BenchmarkDotNet suite (bench/) is the real measurement.");
        console.Note("TensorPrimitives has no LogSumExp or cross-entropy; the peer is composed from Max, Subtract, Exp, Sum (the stable recipe). Its SoftMax does not subtract the max.");
    }

    private sealed record Case(string Name, int Size, Action LmProb, Action Peer, Func<string> PeerOnBigLogits);

    private static IEnumerable<Case> Cases(int size)
    {
        var random = new Random(size);
        var row = Enumerable.Range(0, size).Select(_ => (float)((random.NextDouble() * 20) - 10)).ToArray();
        var destination = new float[size];
        var scratch = new float[size];
        var target = size / 2;
        float sink = 0;

        yield return new Case("LogSumExp", size,
            () => sink += Probability.LogSumExp(row),
            () => sink += ComposedLogSumExp(row, scratch),
            () => Show(ComposedLogSumExp([1000f, 999f, 997f], new float[3])));
        yield return new Case("Softmax", size,
            () => Probability.Softmax(row, destination),
            () => TensorPrimitives.SoftMax(row, destination),
            () =>
            {
                var p = new float[3];
#pragma warning disable LMP004 // Deliberate: shows that TensorPrimitives.SoftMax returns NaN here.
                TensorPrimitives.SoftMax([1000f, 999f, 997f], p);
#pragma warning restore LMP004
                return "[" + string.Join(", ", p.Select(Show)) + "]";
            });
        yield return new Case("CrossEntropy", size,
            () => sink += Loss.CrossEntropy(row, target),
            () => sink += ComposedLogSumExp(row, scratch) - row[target],
            () => Show(ComposedLogSumExp([1000f, 999f, 997f], new float[3]) - 999f));
    }

    /// <summary>log Σ e^x = max + log Σ e^(x − max), from TensorPrimitives' pieces.</summary>
    private static float ComposedLogSumExp(ReadOnlySpan<float> x, Span<float> scratch)
    {
        var max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, scratch);
        TensorPrimitives.Exp(scratch, scratch);
        return max + MathF.Log(TensorPrimitives.Sum(scratch));
    }

    private static string Show(float value) => value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Runs everything for a while first: the JIT compiles a hot method again with full optimization
    /// only after it has been called a few times and ~100 ms have passed (tiered compilation).
    /// </summary>
    private static void WarmUp(Case[] cases)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.ElapsedMilliseconds < 250)
        {
            foreach (var c in cases)
            {
                c.LmProb();
                c.Peer();
            }
        }
    }
}
