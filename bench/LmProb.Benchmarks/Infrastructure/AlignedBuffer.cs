using System;
using System.Runtime.InteropServices;

namespace LmProb.Benchmarks.Infrastructure;

/// <summary>
/// A native buffer aligned to 64 bytes (one cache line, one Vector512).
/// </summary>
/// <remarks>
/// A managed array starts wherever the GC puts it, so from one process to the next the row may or
/// may not straddle cache lines on every 64-byte load; that alone moves AVX-512 timings by several
/// percent and makes two runs disagree. Every implementation in a benchmark reads the same aligned
/// row, so the comparison is fair and repeatable.
/// </remarks>
internal sealed unsafe class AlignedBuffer<T> : IDisposable
    where T : unmanaged
{
    private const nuint Alignment = 64;

    private void* _pointer;

    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        var bytes = Math.Max((nuint)length * (nuint)sizeof(T), 1);
        _pointer = NativeMemory.AlignedAlloc(bytes, Alignment);
        NativeMemory.Clear(_pointer, bytes);
    }

    public int Length { get; }

    public Span<T> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer is null, this);
            return new Span<T>(_pointer, Length);
        }
    }

    public void Dispose()
    {
        if (_pointer is not null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }
}
