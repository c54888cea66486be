using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using LmProb.Benchmarks.Infrastructure;
using LmProb.Kernels;

namespace LmProb.Benchmarks;

/// <summary>
/// The passes over memory the generic float kernels are made of, one at a time, to see where a
/// kernel's time goes (cross-entropy = max + sum of exp; softmax = max + store exp + divide).
/// Baseline: the max pass. TensorPrimitives' Exp and Sum are beside them for scale.
/// </summary>
[MemoryDiagnoser]
public class RowPassBenchmarks
{
    private FloatRow _row = null!;
    private float _max;

    [Params(32000, 128256)]
    public int V { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _row = new FloatRow(V);
        _max = Max();
    }

    [GlobalCleanup]
    public void Cleanup() => _row.Dispose();

    /// <summary>Pass 1 of every kernel (the runtime uses TensorPrimitives.Max).</summary>
    [Benchmark(Baseline = true)]
    public float Max() => new FloatRowKernels(V).Max(_row.Logits);

    /// <summary>Pass 2 of log-sum-exp and cross-entropy: Σ exp(x − max), read only.</summary>
    [Benchmark]
    public double SumExp() => new FloatRowKernels(V).SumExp(_row.Logits, _max);

    /// <summary>Pass 2 of softmax: exp(x − max) stored and summed.</summary>
    [Benchmark]
    public double StoreExp() => new FloatRowKernels(V).StoreExp(_row.Logits, _max, _row.Destination);

    /// <summary>Pass 3 of softmax: divide by the sum in place.</summary>
    [Benchmark]
    public void Divide() => RowLoops.Map(_row.Destination, _row.Destination, new DivideBy(3f));

    [Benchmark]
    public void TensorPrimitivesExp() => TensorPrimitives.Exp(_row.Logits, _row.Destination);

    [Benchmark]
    public float TensorPrimitivesSum() => TensorPrimitives.Sum(_row.Logits);
}
