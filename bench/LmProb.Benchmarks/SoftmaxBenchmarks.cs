using BenchmarkDotNet.Attributes;
using LmProb.Benchmarks.Infrastructure;
using LmProb.Kernels;

namespace LmProb.Benchmarks;

/// <summary>
/// Softmax of one float row into a preallocated row. Baseline: <c>TensorPrimitives.SoftMax</c>, the
/// reference of issue 6's target (LmProb ≥ 3× faster).
/// </summary>
/// <remarks>
/// <c>TensorPrimitives.SoftMax</c> does not subtract the row maximum: it returns NaN for rows such
/// as <c>[1000, 999, 997]</c> (and <c>[89, 88, 0]</c>), where exp overflows. It is measured here
/// because it is what .NET ships, on N(0, 4²) rows where it happens to be right; the stable
/// composition (Max, Subtract, Exp, Sum, Divide) is measured beside it.
/// </remarks>
[MemoryDiagnoser]
public class SoftmaxBenchmarks
{
    private FloatRow _row = null!;

    [Params(32000, 50257, 128256, 151936)]
    public int V { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _row = new FloatRow(V);
        var expected = Reference.Softmax(_row.Logits);
        Naive();
        Check.Close(expected, _row.Destination, 2e-3, "naive");
        TensorPrimitivesSoftMax();
        Check.Close(expected, _row.Destination, 1e-4, "TensorPrimitives.SoftMax");
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

    /// <summary>Scalar: max, then exp(x − max) stored while summing, then a scale by 1/sum.</summary>
    [Benchmark]
    public void Naive() => Baselines.Naive.Softmax(_row.Logits, _row.Destination);

    /// <summary>.NET's own; NaN on rows like [1000, 999, 997] (no max subtraction), see the class remarks.</summary>
    [Benchmark(Baseline = true)]
    public void TensorPrimitivesSoftMax() => System.Numerics.Tensors.TensorPrimitives.SoftMax(_row.Logits, _row.Destination);

    /// <summary>Stable: Max, Subtract, Exp, Sum, Divide.</summary>
    [Benchmark]
    public void TensorPrimitivesComposed() => Baselines.TensorPrimitivesComposed.Softmax(_row.Logits, _row.Destination);

    [Benchmark]
    public void LmProbGeneric() => RowKernelHost.Softmax(_row.Logits, _row.Destination, new FloatRowKernels(V));

    /// <summary>The public API, which dispatches to the generated kernel of this vocabulary size.</summary>
    [Benchmark]
    public void LmProbGenerated() => Probability.Softmax(_row.Logits, _row.Destination);
}
