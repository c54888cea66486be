using BenchmarkDotNet.Attributes;
using LmProb.Benchmarks.Infrastructure;
using LmProb.Kernels;

namespace LmProb.Benchmarks;

/// <summary>
/// Cross-entropy forward of one float row against one target. Baseline: TensorPrimitives composed
/// (Max, Subtract, Exp, Sum, Log), the reference of issue 6's target (LmProb ≥ 6× faster and
/// ≥ 10 G elements/s).
/// </summary>
[MemoryDiagnoser]
public class CrossEntropyBenchmarks
{
    private FloatRow _row = null!;

    [Params(32000, 50257, 128256, 151936)]
    public int V { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _row = new FloatRow(V);
        var expected = Reference.CrossEntropy(_row.Logits, _row.Target);
        Check.Close(expected, Naive(), 2e-3, "naive");
        Check.Close(expected, TensorPrimitivesComposed(), 1e-4, "TensorPrimitives composed");
        Check.Close(expected, LmProbGenerated(), 1e-5, "LmProb generated");
        Check.Identical(LmProbGenerated(), LmProbGeneric(), "LmProb generic vs generated");
    }

    [GlobalCleanup]
    public void Cleanup() => _row.Dispose();

    /// <summary>Scalar: max, Σ MathF.Exp(x − max), then log(sum) − (x[t] − max).</summary>
    [Benchmark]
    public float Naive() => Baselines.Naive.CrossEntropy(_row.Logits, _row.Target);

    [Benchmark(Baseline = true)]
    public float TensorPrimitivesComposed() => Baselines.TensorPrimitivesComposed.CrossEntropy(_row.Logits, _row.Target, _row.Scratch);

    [Benchmark]
    public float LmProbGeneric() => RowKernelHost.CrossEntropy(_row.Logits, _row.Target, new FloatRowKernels(V));

    /// <summary>The public API, which dispatches to the generated kernel of this vocabulary size.</summary>
    [Benchmark]
    public float LmProbGenerated() => Loss.CrossEntropy(_row.Logits, _row.Target);
}
