using BenchmarkDotNet.Attributes;
using LmProb.Benchmarks.Infrastructure;
using LmProb.Kernels;

namespace LmProb.Benchmarks;

/// <summary>
/// <c>log Σ exp(x)</c> of one float row. Baseline: TensorPrimitives composed (Max, Subtract, Exp,
/// Sum, Log), the reference of issue 6's target (LmProb ≥ 5× faster).
/// </summary>
[MemoryDiagnoser]
public class LogSumExpBenchmarks
{
    private FloatRow _row = null!;

    [Params(32000, 50257, 128256, 151936)]
    public int V { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _row = new FloatRow(V);
        var expected = Reference.LogSumExp(_row.Logits);
        Check.Close(expected, Naive(), 2e-3, "naive");
        Check.Close(expected, TensorPrimitivesComposed(), 1e-5, "TensorPrimitives composed");
        Check.Close(expected, LmProbGenerated(), 1e-6, "LmProb generated");
        Check.Identical(LmProbGenerated(), LmProbGeneric(), "LmProb generic vs generated");
    }

    [GlobalCleanup]
    public void Cleanup() => _row.Dispose();

    /// <summary>Scalar: max, then Σ MathF.Exp(x − max) in float, then log.</summary>
    [Benchmark]
    public float Naive() => Baselines.Naive.LogSumExp(_row.Logits);

    [Benchmark(Baseline = true)]
    public float TensorPrimitivesComposed() => Baselines.TensorPrimitivesComposed.LogSumExp(_row.Logits, _row.Scratch);

    /// <summary>The runtime's kernel for any row length.</summary>
    [Benchmark]
    public float LmProbGeneric() => RowKernelHost.LogSumExp(_row.Logits, new FloatRowKernels(V));

    /// <summary>The public API, which dispatches to the generated kernel of this vocabulary size.</summary>
    [Benchmark]
    public float LmProbGenerated() => Probability.LogSumExp(_row.Logits);
}
