using System;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using LmProb.Benchmarks.Infrastructure;

namespace LmProb.Benchmarks;

/// <summary>
/// Top-k of one float row of V = 128256 (LLaMA 3). Baseline: one <c>TensorPrimitives.Max</c> pass,
/// the floor a streaming top-k is measured against (issue 6: Decoding.TopK ≤ 2× that, and ≥ 50×
/// faster than sorting the row). The row is in random order, the common case; an ascending row,
/// where every element enters the top k, is the worst case and is not measured here.
/// </summary>
[MemoryDiagnoser]
public class TopKBenchmarks
{
    private FloatRow _row = null!;
    private int[] _indices = null!;
    private float[] _topValues = null!;
    private float[] _sortKeys = null!;
    private int[] _sortItems = null!;

    [Params(128256)]
    public int V { get; set; }

    [Params(1, 8, 50, 64)]
    public int K { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _row = new FloatRow(V);
        _indices = new int[K];
        _topValues = new float[K];
        _sortKeys = new float[V];
        _sortItems = new int[V];

        ArraySort();
        var sorted = _topValues.AsSpan().ToArray();
        DecodingTopK();
        Check.Close(sorted, _topValues, 0, "Decoding.TopK values vs Array.Sort");
        Check.Identical(TensorPrimitivesMax(), _topValues[0], "TensorPrimitives.Max vs top-1");
    }

    [GlobalCleanup]
    public void Cleanup() => _row.Dispose();

    /// <summary>Copy the row with its indices, sort it all, keep the first k.</summary>
    [Benchmark]
    public int ArraySort()
    {
        Baselines.SortTopK.Select(_row.Logits, _sortKeys, _sortItems, _indices, _topValues);
        return _indices[0];
    }

    [Benchmark]
    public int DecodingTopK() => Decoding.TopK(_row.Logits, _indices, _topValues);

    /// <summary>One streaming pass: the cheapest thing that reads the whole row.</summary>
    [Benchmark(Baseline = true)]
    public float TensorPrimitivesMax() => TensorPrimitives.Max(_row.Logits);
}
