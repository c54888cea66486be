using System;
using System.Buffers;
using System.Runtime.InteropServices;

namespace LmProb.Internal;

/// <summary>
/// A read-only <see cref="float"/> view of a span of any element type: the span itself when it is
/// already <see cref="float"/>, otherwise a widened copy in a pooled array (returned on dispose).
/// </summary>
internal ref struct WidenedSpan
{
    private float[]? _rented;

    public ReadOnlySpan<float> Span { get; private set; }

    public static WidenedSpan Create<T>(ReadOnlySpan<T> source)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return new WidenedSpan { Span = MemoryMarshal.Cast<T, float>(source) };
        }
        var rented = ArrayPool<float>.Shared.Rent(source.Length);
        var span = rented.AsSpan(0, source.Length);
        Elements.Widen(source, span);
        return new WidenedSpan { _rented = rented, Span = span };
    }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<float>.Shared.Return(_rented);
            _rented = null;
        }
    }
}

/// <summary>
/// A writable <see cref="float"/> stand-in for a destination of any element type: the destination
/// itself when it is <see cref="float"/>, otherwise a pooled array that <see cref="Commit"/> rounds
/// into the destination.
/// </summary>
internal ref struct DestinationBuffer<T>
    where T : unmanaged
{
    private Span<T> _destination;
    private float[]? _rented;

    public Span<float> Span { get; private set; }

    public static DestinationBuffer<T> Create(Span<T> destination)
    {
        if (typeof(T) == typeof(float))
        {
            return new DestinationBuffer<T> { Span = MemoryMarshal.Cast<T, float>(destination) };
        }
        var rented = ArrayPool<float>.Shared.Rent(destination.Length);
        return new DestinationBuffer<T>
        {
            _destination = destination,
            _rented = rented,
            Span = rented.AsSpan(0, destination.Length),
        };
    }

    /// <summary>Writes the float results into the destination (a no-op when it is float).</summary>
    public readonly void Commit()
    {
        if (_rented is not null)
        {
            Elements.Narrow(Span, _destination);
        }
    }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<float>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
