using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit.Sdk;

namespace LmProb.Generators.Tests.Infrastructure;

/// <summary>
/// Runs every generated kernel of one element type and one vocabulary size on the rows of
/// <see cref="Rows"/>, and checks each result (a) bit for bit against the runtime's generic API
/// on the same input and (b) against <see cref="Reference"/> within a stated tolerance. Inputs and
/// outputs sit between guard elements, so a read past either end of the row shows up as a NaN in
/// the result and a write past it as a changed guard.
/// </summary>
internal sealed class KernelChecker<T>(IKernelApi<T> generated, IKernelApi<T> runtime, ElementType<T> type)
    where T : unmanaged
{
    private const int Guard = 64;

    /// <summary>
    /// Error of the float computation, relative to the value (before any rounding to T): exp is
    /// within 2 ulps, x − max rounds once (|x − max| ≤ 104 after the clamp gives ≤ 104·2^-24 of
    /// absolute error in the exponent), the sum runs in float partials of 16 terms.
    /// </summary>
    private const double FloatRelative = 1e-5;

    /// <summary>Absolute error of float results in the log domain (log Σ exp rounded to float, x − max rounded).</summary>
    private const double LogAbsolute = 8e-6;

    private readonly int _length = generated.VocabSize;

    /// <summary>Per kernel, the largest error seen as a fraction of the allowed error.</summary>
    public Dictionary<string, double> WorstErrorShare { get; } = [];

    /// <summary>Probabilities rounded to T: one rounding of T on top of the float error; below T's range, rounding to zero.</summary>
    private Tolerance ProbabilityTolerance => new(FloatRelative + type.UnitRoundoff, type.UnderflowStep + 1e-44);

    /// <summary>Log-probabilities rounded to T.</summary>
    private Tolerance LogProbabilityTolerance => new(1e-6 + type.UnitRoundoff, LogAbsolute);

    /// <summary>Float results in the log domain: LogSumExp, cross-entropy.</summary>
    private static Tolerance LogTolerance => new(4e-7, LogAbsolute);

    /// <summary>Float gradients: probabilities in float, minus the one-hot.</summary>
    private static Tolerance GradientTolerance => new(FloatRelative, 2e-7);

    public void CheckAll(int seed)
    {
        Assert.Equal(runtime.VocabSize, _length);
        foreach (var row in Rows.All(type, _length, seed))
        {
            CheckRow(row);
        }
        CheckBatch(seed);
    }

    private void CheckRow(Row<T> row)
    {
        var x = type.Widen(row.Logits);
        var input = Guarded(row.Logits, type.FromSingle(float.NaN));
        var logits = input.AsSpan(Guard, _length);
        var what = $"{type.Name} V={_length} row '{row.Name}'";

        // Softmax and log-softmax: out of place into a guarded buffer, then in place.
        CheckNormalization("Softmax", logits, (l, d) => generated.Softmax(l, d), (l, d) => runtime.Softmax(l, d),
            Reference.Softmax(x), ProbabilityTolerance, what);
        CheckNormalization("LogSoftmax", logits, (l, d) => generated.LogSoftmax(l, d), (l, d) => runtime.LogSoftmax(l, d),
            Reference.LogSoftmax(x), LogProbabilityTolerance, what);

        var lse = generated.LogSumExp(logits);
        Numerics.BitIdentical(runtime.LogSumExp(logits), lse, $"LogSumExp, {what}");
        Close("LogSumExp", Reference.LogSumExp(x), lse, LogTolerance, $"LogSumExp, {what}");

        var loss = generated.CrossEntropy(logits, row.Target);
        Numerics.BitIdentical(runtime.CrossEntropy(logits, row.Target), loss, $"CrossEntropy, {what}");
        Close("CrossEntropy", Reference.CrossEntropy(x, row.Target), loss, LogTolerance, $"CrossEntropy, {what}");

        var gradientBuffer = Guarded(new float[_length], 12345f);
        var gradient = gradientBuffer.AsSpan(Guard, _length);
        var expectedGradient = new float[_length];
        var lossWithGradient = generated.CrossEntropy(logits, row.Target, gradient);
        Numerics.BitIdentical(runtime.CrossEntropy(logits, row.Target, expectedGradient), lossWithGradient, $"CrossEntropy with gradient (loss), {what}");
        Numerics.BitIdentical<float>(expectedGradient, gradient, $"CrossEntropy with gradient (gradient), {what}", v => v);
        Numerics.BitIdentical(loss, lossWithGradient, $"CrossEntropy with and without gradient, {what}");
        CheckGuards(gradientBuffer, 12345f, $"CrossEntropy gradient, {what}");
        AllClose("CrossEntropy gradient", Reference.CrossEntropyGradient(x, row.Target), gradient, v => v, GradientTolerance, $"CrossEntropy gradient, {what}");

        foreach (var k in new[] { 0, 1, Math.Min(5, _length), _length <= 16 ? _length : 16 }.Distinct())
        {
            CheckTopK(logits, x, k, what);
        }
        CheckGuards(input, type.FromSingle(float.NaN), $"input, {what}");
    }

    private void CheckNormalization(string kernel, Span<T> logits, SpanAction generatedKernel, SpanAction runtimeKernel, double[] reference, Tolerance tolerance, string what)
    {
        what = $"{kernel}, {what}";
        var sentinel = type.FromSingle(12345f);
        var buffer = Guarded(new T[_length], sentinel);
        var destination = buffer.AsSpan(Guard, _length);
        var expected = new T[_length];
        generatedKernel(logits, destination);
        runtimeKernel(logits, expected);
        Numerics.BitIdentical<T>(expected, destination, what, type.ToSingle);
        CheckGuards(buffer, sentinel, what);
        AllClose(kernel, reference.Select(RoundIfOverflowing).ToArray(), destination, type.ToSingle, tolerance, what);

        var inPlace = logits.ToArray();
        generatedKernel(inPlace, inPlace);
        Numerics.BitIdentical<T>(expected, inPlace, $"{what} (in place)", type.ToSingle);
    }

    private void CheckTopK(Span<T> logits, double[] x, int k, string what)
    {
        what = $"TopK k={k}, {what}";
        var indices = new int[k];
        var values = new float[k];
        var expectedIndices = new int[k];
        var expectedValues = new float[k];
        Assert.Equal(k, generated.TopK(logits, indices, values));
        Assert.Equal(k, runtime.TopK(logits, expectedIndices, expectedValues));
        Numerics.BitIdentical<int>(expectedIndices, indices, $"{what} (indices)", i => i);
        Numerics.BitIdentical<float>(expectedValues, values, $"{what} (values)", v => v);
        // Exact against the reference: same indices, values widened exactly.
        var reference = Reference.TopK(x, k);
        for (var i = 0; i < k; i++)
        {
            Assert.True(reference[i] == indices[i], $"{what}: [{i}] is index {indices[i]} ({x[indices[i]]:R}), expected {reference[i]} ({x[reference[i]]:R}).");
            Numerics.BitIdentical(type.ToSingle(logits[indices[i]]), values[i], $"{what} value [{i}]");
        }
    }

    /// <summary>
    /// Two batches: one with ignore-index, label smoothing, z-loss, per-token losses and the
    /// gradient; one with default options and bad rows (NaN, all −inf) among good ones.
    /// </summary>
    private void CheckBatch(int seed)
    {
        var rows = Rows.All(type, _length, seed + 1);
        var byName = rows.ToDictionary(r => r.Name);
        const int IgnoreIndex = -7;
        var options = new CrossEntropyOptions { IgnoreIndex = IgnoreIndex, LabelSmoothing = 0.1f, ZLossWeight = 1e-4f };
        CheckBatch([byName["normal σ=4"], byName["uniform [-90, 10]"], byName["constant"], byName["-inf entries"]], [false, true, false, false], options, "smoothing + z-loss + ignore");

        var bad = rows.Where(r => r.Name is "one NaN" or "all -inf").ToList();
        CheckBatch([byName["normal σ=4"], bad[0], byName["-inf entries"], bad[1]], [false, false, false, false], new CrossEntropyOptions(), "bad rows");

        // Null options: the loss only.
        var logits = rows.Take(3).SelectMany(r => r.Logits).ToArray();
        var targets = rows.Take(3).Select(r => r.Target).ToArray();
        var result = generated.CrossEntropy(logits, targets, null);
        var expected = runtime.CrossEntropy(logits, targets, null);
        Numerics.BitIdentical(expected.Sum, result.Sum, $"{type.Name} V={_length} batched, null options (sum)");
        Assert.Equal(expected.Count, result.Count);
    }

    private void CheckBatch(Row<T>[] rows, bool[] ignored, CrossEntropyOptions options, string name)
    {
        var what = $"{type.Name} V={_length} batched ({name})";
        var logits = rows.SelectMany(r => r.Logits).ToArray();
        var targets = rows.Select((r, i) => ignored[i] ? options.IgnoreIndex : r.Target).ToArray();
        var mine = options with { PerTokenLoss = new float[rows.Length], Gradient = new float[logits.Length] };
        var theirs = options with { PerTokenLoss = new float[rows.Length], Gradient = new float[logits.Length] };

        var result = generated.CrossEntropy(logits, targets, mine);
        var expected = runtime.CrossEntropy(logits, targets, theirs);
        Numerics.BitIdentical(expected.Sum, result.Sum, $"{what} (sum)");
        Assert.Equal(expected.Count, result.Count);
        Numerics.BitIdentical<float>(theirs.PerTokenLoss!, mine.PerTokenLoss!, $"{what} (per-token loss)", v => v);
        Numerics.BitIdentical<float>(theirs.Gradient!, mine.Gradient!, $"{what} (gradient)", v => v);

        var count = ignored.Count(i => !i);
        Assert.Equal(count, result.Count);
        double sum = 0;
        for (var r = 0; r < rows.Length; r++)
        {
            var rowGradient = mine.Gradient!.AsSpan(r * _length, _length);
            if (ignored[r])
            {
                Assert.Equal(0f, mine.PerTokenLoss![r]);
                Assert.True(rowGradient.IndexOfAnyExcept(0f) < 0, $"{what}: the ignored row {r} has a nonzero gradient.");
                continue;
            }
            var (loss, gradient) = Reference.SmoothedCrossEntropy(type.Widen(rows[r].Logits), rows[r].Target, options.LabelSmoothing, options.ZLossWeight, count);
            sum += loss;
            Close("Batched per-token loss", loss, mine.PerTokenLoss![r], LogTolerance, $"{what} per-token loss [{r}] '{rows[r].Name}'");
            AllClose("Batched gradient", gradient, rowGradient, v => v, new Tolerance(FloatRelative, 2e-7 / count), $"{what} gradient row {r} '{rows[r].Name}'");
        }
        Close("Batched sum", sum, result.Sum, new Tolerance(LogTolerance.Relative, LogTolerance.Absolute * rows.Length), $"{what} (sum)");
    }

    private void Close(string kernel, double expected, double actual, Tolerance tolerance, string what)
    {
        Record(kernel, expected, actual, tolerance);
        Numerics.Close(expected, actual, tolerance, what);
    }

    private void AllClose<TValue>(string kernel, double[] expected, ReadOnlySpan<TValue> actual, Func<TValue, float> toSingle, Tolerance tolerance, string what)
        where TValue : unmanaged
    {
        for (var i = 0; i < expected.Length && i < actual.Length; i++)
        {
            Record(kernel, expected[i], toSingle(actual[i]), tolerance);
        }
        Numerics.AllClose(expected, actual, toSingle, tolerance, what);
    }

    private void Record(string kernel, double expected, double actual, Tolerance tolerance)
    {
        if (!double.IsFinite(expected) || !double.IsFinite(actual))
        {
            return;
        }
        var share = Math.Abs(actual - expected) / (tolerance.Relative * Math.Abs(expected) + tolerance.Absolute);
        WorstErrorShare[kernel] = Math.Max(WorstErrorShare.GetValueOrDefault(kernel), share);
    }

    private TValue[] Guarded<TValue>(TValue[] values, TValue guard)
    {
        var buffer = new TValue[values.Length + 2 * Guard];
        buffer.AsSpan().Fill(guard);
        values.CopyTo(buffer.AsSpan(Guard));
        return buffer;
    }

    /// <summary>
    /// A reference value beyond T's range (a log-probability below −65504 in Half) is rounded to
    /// the infinity T gives it: API.md asks for the exact result only where it is representable.
    /// </summary>
    private double RoundIfOverflowing(double value)
    {
        var rounded = type.ToSingle(type.FromSingle((float)value));
        return float.IsInfinity(rounded) ? rounded : value;
    }

    /// <summary>Fails if an element outside the row no longer holds the guard's bits.</summary>
    private void CheckGuards<TValue>(TValue[] buffer, TValue guard, string what)
        where TValue : unmanaged
    {
        var expected = new TValue[Guard];
        expected.AsSpan().Fill(guard);
        var guardBytes = MemoryMarshal.AsBytes(expected.AsSpan());
        if (!MemoryMarshal.AsBytes(buffer.AsSpan(0, Guard)).SequenceEqual(guardBytes))
        {
            throw new XunitException($"{what}: wrote before the start of the row.");
        }
        if (!MemoryMarshal.AsBytes(buffer.AsSpan(Guard + _length)).SequenceEqual(guardBytes))
        {
            throw new XunitException($"{what}: wrote past the end of the row.");
        }
    }

    private delegate void SpanAction(ReadOnlySpan<T> logits, Span<T> destination);
}
