using System;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LmProb.Benchmarks.Infrastructure;
using LmProb.Kernels;

namespace LmProb.Benchmarks;

/// <summary>
/// Issue 4's table: for each of the six vocabulary sizes the runtime generates kernels for, and each
/// element type, the generated kernel (reached through the public API, which dispatches on the row
/// length) against the runtime's generic kernel for any length, on the same row. Baseline: generic,
/// so a Ratio below 1 means the generated kernel is faster. The two give bit-identical results
/// (checked in setup).
/// </summary>
/// <remarks>
/// Generic float runs <see cref="FloatRowKernels"/>; generic Half and BFloat16 run
/// <see cref="WideningRowKernels{T}"/>, which widens the row into a pooled float row on every pass,
/// where the generated kernels widen in registers. The element type is a parameter and each method
/// switches on it, the same switch on both sides.
/// </remarks>
[MemoryDiagnoser]
[BytesPerSecond]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GeneratedVsGenericBenchmarks
{
    private const string LogSumExp = "LogSumExp";
    private const string Softmax = "Softmax";
    private const string CrossEntropy = "CrossEntropy";

    private AlignedBuffer<float> _single = null!;
    private AlignedBuffer<Half> _half = null!;
    private AlignedBuffer<BFloat16> _bfloat16 = null!;
    private AlignedBuffer<float> _singleDestination = null!;
    private AlignedBuffer<Half> _halfDestination = null!;
    private AlignedBuffer<BFloat16> _bfloat16Destination = null!;
    private int _target;

    [Params(32000, 32768, 50257, 128256, 151936, 256000)]
    public int V { get; set; }

    [Params(KernelElementType.Float32, KernelElementType.Float16, KernelElementType.BFloat16)]
    public KernelElementType DType { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _single = new AlignedBuffer<float>(V);
        _half = new AlignedBuffer<Half>(V);
        _bfloat16 = new AlignedBuffer<BFloat16>(V);
        _singleDestination = new AlignedBuffer<float>(V);
        _halfDestination = new AlignedBuffer<Half>(V);
        _bfloat16Destination = new AlignedBuffer<BFloat16>(V);
        Logits.Fill(_single.Span);
        Logits.ToHalf(_single.Span, _half.Span);
        Logits.ToBFloat16(_single.Span, _bfloat16.Span);
        _target = Logits.Target(V);

        Check.Identical(LogSumExpGeneric(), LogSumExpGenerated(), $"LogSumExp {DType}");
        Check.Identical(CrossEntropyGeneric(), CrossEntropyGenerated(), $"CrossEntropy {DType}");
        SoftmaxGeneric();
        var generic = DestinationBytes().ToArray();
        SoftmaxGenerated();
        Check.Identical<byte>(generic, DestinationBytes(), $"Softmax {DType}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _single.Dispose();
        _half.Dispose();
        _bfloat16.Dispose();
        _singleDestination.Dispose();
        _halfDestination.Dispose();
        _bfloat16Destination.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(LogSumExp)]
    public float LogSumExpGeneric() => DType switch
    {
        KernelElementType.Float32 => RowKernelHost.LogSumExp(_single.Span, new FloatRowKernels(V)),
        KernelElementType.Float16 => RowKernelHost.LogSumExp(_half.Span, new WideningRowKernels<Half>(V)),
        _ => RowKernelHost.LogSumExp(_bfloat16.Span, new WideningRowKernels<BFloat16>(V)),
    };

    [Benchmark, BenchmarkCategory(LogSumExp)]
    public float LogSumExpGenerated() => DType switch
    {
        KernelElementType.Float32 => Probability.LogSumExp(_single.Span),
        KernelElementType.Float16 => Probability.LogSumExp(_half.Span),
        _ => Probability.LogSumExp(_bfloat16.Span),
    };

    [Benchmark(Baseline = true), BenchmarkCategory(Softmax)]
    public void SoftmaxGeneric()
    {
        switch (DType)
        {
            case KernelElementType.Float32:
                RowKernelHost.Softmax(_single.Span, _singleDestination.Span, new FloatRowKernels(V));
                break;
            case KernelElementType.Float16:
                RowKernelHost.Softmax(_half.Span, _halfDestination.Span, new WideningRowKernels<Half>(V));
                break;
            default:
                RowKernelHost.Softmax(_bfloat16.Span, _bfloat16Destination.Span, new WideningRowKernels<BFloat16>(V));
                break;
        }
    }

    [Benchmark, BenchmarkCategory(Softmax)]
    public void SoftmaxGenerated()
    {
        switch (DType)
        {
            case KernelElementType.Float32:
                Probability.Softmax(_single.Span, _singleDestination.Span);
                break;
            case KernelElementType.Float16:
                Probability.Softmax(_half.Span, _halfDestination.Span);
                break;
            default:
                Probability.Softmax(_bfloat16.Span, _bfloat16Destination.Span);
                break;
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory(CrossEntropy)]
    public float CrossEntropyGeneric() => DType switch
    {
        KernelElementType.Float32 => RowKernelHost.CrossEntropy(_single.Span, _target, new FloatRowKernels(V)),
        KernelElementType.Float16 => RowKernelHost.CrossEntropy(_half.Span, _target, new WideningRowKernels<Half>(V)),
        _ => RowKernelHost.CrossEntropy(_bfloat16.Span, _target, new WideningRowKernels<BFloat16>(V)),
    };

    [Benchmark, BenchmarkCategory(CrossEntropy)]
    public float CrossEntropyGenerated() => DType switch
    {
        KernelElementType.Float32 => Loss.CrossEntropy(_single.Span, _target),
        KernelElementType.Float16 => Loss.CrossEntropy(_half.Span, _target),
        _ => Loss.CrossEntropy(_bfloat16.Span, _target),
    };

    private ReadOnlySpan<byte> DestinationBytes() => DType switch
    {
        KernelElementType.Float32 => MemoryMarshal.AsBytes(_singleDestination.Span),
        KernelElementType.Float16 => MemoryMarshal.AsBytes(_halfDestination.Span),
        _ => MemoryMarshal.AsBytes(_bfloat16Destination.Span),
    };
}
