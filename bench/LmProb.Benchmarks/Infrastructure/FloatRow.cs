using System;

namespace LmProb.Benchmarks.Infrastructure;

/// <summary>One float row of logits from <see cref="Logits.Fill"/> and two output rows of the same length, all 64-byte aligned.</summary>
internal sealed class FloatRow : IDisposable
{
    private readonly AlignedBuffer<float> _logits;
    private readonly AlignedBuffer<float> _destination;
    private readonly AlignedBuffer<float> _scratch;

    public FloatRow(int vocabSize)
    {
        _logits = new AlignedBuffer<float>(vocabSize);
        _destination = new AlignedBuffer<float>(vocabSize);
        _scratch = new AlignedBuffer<float>(vocabSize);
        Infrastructure.Logits.Fill(_logits.Span);
        Target = Infrastructure.Logits.Target(vocabSize);
    }

    public ReadOnlySpan<float> Logits => _logits.Span;

    /// <summary>Where softmax, log-softmax and gradients are written.</summary>
    public Span<float> Destination => _destination.Span;

    /// <summary>A second output row for compositions that need a temporary.</summary>
    public Span<float> Scratch => _scratch.Span;

    public int Target { get; }

    public void Dispose()
    {
        _logits.Dispose();
        _destination.Dispose();
        _scratch.Dispose();
    }
}
