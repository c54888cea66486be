using BenchmarkDotNet.Attributes;
using LmProb.Benchmarks.Infrastructure;
using LmProb.Kernels;

namespace LmProb.Benchmarks;

/// <summary>
/// Log-softmax of one float row. Baseline: TensorPrimitives composed (Max, Subtract, Exp into a
/// scratch row, Sum, Log, Subtract), the reference of issue 6's target (LmProb ≥ 3× faster);
/// TensorPrimitives has no log-softmax of its own.
/// </summary>
[MemoryDiagnoser]
public class LogSoftmaxBenchmarks
{
    private FloatRow _row = null!;

    [Params(32000, 50257, 128256, 151936)]
    public int V { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _row = new FloatRow(V);
        var expected = Reference.LogSoftmax(_row.Logits);
        Naive();
        Check.Close(expected, _row.Destination, 2e-3, "naive");
        TensorPrimitivesComposed();
        Check.Close(expected, _row.Destination, 1e-4, "TensorPrimitives composed");
        LmProbGenerated();
        Check.Close(expected, _row.Destination, 1e-5, "LmProb generated");
        var generated = _row.Destination.ToArray();
        LmProbGeneric();
        Check.Identical<float>(generated, _row.Destination, "LmProb generic vs generated");
    }

    [GlobalCleanup]
    public void Cleanup() => _row.Dispose();

    /// <summary>Scalar: max, Σ MathF.Exp(x − max), then (x − max) − log(sum).</summary>
    [Benchmark]
    public void Naive() => Baselines.Naive.LogSoftmax(_row.Logits, _row.Destination);

    [Benchmark(Baseline = true)]
    public void TensorPrimitivesComposed() => Baselines.TensorPrimitivesComposed.LogSoftmax(_row.Logits, _row.Destination, _row.Scratch);

    [Benchmark]
    public void LmProbGeneric() => RowKernelHost.LogSoftmax(_row.Logits, _row.Destination, new FloatRowKernels(V));

    /// <summary>The public API, which dispatches to the generated kernel of this vocabulary size.</summary>
    [Benchmark]
    public void LmProbGenerated() => Probability.LogSoftmax(_row.Logits, _row.Destination);
}
