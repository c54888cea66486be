using BenchmarkDotNet.Attributes;
using LmProb.Benchmarks.Infrastructure;
using LmProb.Kernels;

namespace LmProb.Benchmarks;

/// <summary>
/// Cross-entropy of one float row and its gradient <c>softmax − onehot(target)</c> into a
/// preallocated row. Baseline: <c>TensorPrimitives.SoftMax</c> then subtracting the one-hot target,
/// the reference of issue 6's target (LmProb ≥ 4× faster). That baseline is not stable (see
/// <see cref="Baselines.TensorPrimitivesComposed.CrossEntropySoftMaxOneHot"/>); the stable
/// composition is measured beside it.
/// </summary>
[MemoryDiagnoser]
public class CrossEntropyGradientBenchmarks
{
    private FloatRow _row = null!;

    [Params(32000, 50257, 128256, 151936)]
    public int V { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _row = new FloatRow(V);
        var expected = Reference.CrossEntropy(_row.Logits, _row.Target);
        var expectedGradient = Reference.CrossEntropyGradient(_row.Logits, _row.Target);
        Check.Close(expected, Naive(), 2e-3, "naive");
        Check.Close(expectedGradient, _row.Destination, 2e-3, "naive gradient");
        Check.Close(expected, TensorPrimitivesSoftMaxOneHot(), 1e-4, "TensorPrimitives.SoftMax one-hot");
        Check.Close(expectedGradient, _row.Destination, 1e-4, "TensorPrimitives.SoftMax one-hot gradient");
        Check.Close(expected, TensorPrimitivesComposedOneHot(), 1e-4, "TensorPrimitives composed one-hot");
        Check.Close(expectedGradient, _row.Destination, 1e-4, "TensorPrimitives composed one-hot gradient");
        var generated = LmProbGenerated();
        Check.Close(expected, generated, 1e-5, "LmProb generated");
        Check.Close(expectedGradient, _row.Destination, 1e-5, "LmProb generated gradient");
        var generatedGradient = _row.Destination.ToArray();
        Check.Identical(generated, LmProbGeneric(), "LmProb generic vs generated");
        Check.Identical<float>(generatedGradient, _row.Destination, "LmProb generic vs generated gradient");
    }

    [GlobalCleanup]
    public void Cleanup() => _row.Dispose();

    /// <summary>Scalar: max, exp(x − max) stored while summing, scale by 1/sum, subtract one at the target.</summary>
    [Benchmark]
    public float Naive() => Baselines.Naive.CrossEntropy(_row.Logits, _row.Target, _row.Destination);

    [Benchmark(Baseline = true)]
    public float TensorPrimitivesSoftMaxOneHot() => Baselines.TensorPrimitivesComposed.CrossEntropySoftMaxOneHot(_row.Logits, _row.Target, _row.Destination);

    /// <summary>Stable: Max, Subtract, Exp, Sum, Divide, then the one-hot.</summary>
    [Benchmark]
    public float TensorPrimitivesComposedOneHot() => Baselines.TensorPrimitivesComposed.CrossEntropyComposedOneHot(_row.Logits, _row.Target, _row.Destination);

    [Benchmark]
    public float LmProbGeneric() => RowKernelHost.CrossEntropy(_row.Logits, _row.Target, _row.Destination, new FloatRowKernels(V));

    /// <summary>The public API, which dispatches to the generated kernel of this vocabulary size.</summary>
    [Benchmark]
    public float LmProbGenerated() => Loss.CrossEntropy(_row.Logits, _row.Target, _row.Destination);
}
