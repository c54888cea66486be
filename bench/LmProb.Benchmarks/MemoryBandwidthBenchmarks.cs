using System;
using System.Numerics.Tensors;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using LmProb.Benchmarks.Infrastructure;

namespace LmProb.Benchmarks;

/// <summary>
/// The memory-bandwidth reference: a plain vectorized sum (<c>TensorPrimitives.Sum</c>) over
/// <c>Rows × V</c> floats, on one thread and on all cores, beside the batched cross-entropy over the
/// same rows. Rows = 4 (512 KB) stays in L2; Rows = 4096 (B·T = 4096 × 32000, 524 MB) is larger
/// than the 300 MB L3 and streams from DRAM, issue 6's memory-bound case. Baseline: the one-thread sum.
/// </summary>
/// <remarks>
/// <see cref="SumAllCores"/> uses <see cref="Parallel.For(int, int, Action{int})"/>, whose own
/// bookkeeping allocates a little on each call; the other two methods allocate nothing.
/// </remarks>
[MemoryDiagnoser]
[BytesPerSecond]
public class MemoryBandwidthBenchmarks
{
    private AlignedBuffer<float> _logits = null!;
    private int[] _targets = null!;
    private float[] _partials = null!;
    private Action<int> _sumPart = null!;

    [Params(32000)]
    public int V { get; set; }

    [Params(4, 4096)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _logits = new AlignedBuffer<float>(checked(V * Rows));
        var row = new float[V];
        Logits.Fill(row);
        for (var r = 0; r < Rows; r++)
        {
            row.CopyTo(_logits.Span.Slice(r * V, V));
        }
        _targets = new int[Rows];
        for (var r = 0; r < Rows; r++)
        {
            _targets[r] = (r * 7919) % V;
        }
        _partials = new float[Environment.ProcessorCount];
        _sumPart = part => _partials[part] = TensorPrimitives.Sum(Part(part));
        // The rows sum to little against Σ|x| (N(0, 4²) logits cancel), so the float sums are
        // checked against a double sum with an error relative to Σ|x|.
        double exact = 0, magnitude = 0;
        foreach (var value in _logits.Span)
        {
            exact += value;
            magnitude += Math.Abs(value);
        }
        Check.Close(exact + magnitude, Sum() + magnitude, 1e-5, "sum");
        Check.Close(exact + magnitude, SumAllCores() + magnitude, 1e-5, "sum on all cores");
    }

    [GlobalCleanup]
    public void Cleanup() => _logits.Dispose();

    [Benchmark(Baseline = true)]
    public float Sum() => TensorPrimitives.Sum(_logits.Span);

    /// <summary>One contiguous part per core, summed in parallel, then the parts added in order.</summary>
    [Benchmark]
    public float SumAllCores()
    {
        Parallel.For(0, _partials.Length, _sumPart);
        var sum = 0f;
        foreach (var partial in _partials)
        {
            sum += partial;
        }
        return sum;
    }

    /// <summary>The public batched API (mean-reduction loss, no gradient); the generated kernel for V = 32000.</summary>
    [Benchmark]
    public double BatchedCrossEntropy() => Loss.CrossEntropy(_logits.Span, V, _targets).Sum;

    private ReadOnlySpan<float> Part(int part)
    {
        var all = _logits.Span;
        var length = all.Length / _partials.Length;
        var start = part * length;
        return part == _partials.Length - 1 ? all[start..] : all.Slice(start, length);
    }
}
