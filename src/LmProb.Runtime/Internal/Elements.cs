using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LmProb.Internal;

/// <summary>
/// Conversions between the element types LmProb accepts (<see cref="float"/>, <see cref="Half"/>,
/// <see cref="BFloat16"/>) and <see cref="float"/>, where all arithmetic happens.
/// The <c>typeof(T)</c> tests are JIT-time constants, so each instantiation keeps one branch.
/// </summary>
internal static class Elements
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle<T>(T value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Unsafe.As<T, float>(ref value);
        }
        if (typeof(T) == typeof(Half))
        {
            return (float)Unsafe.As<T, Half>(ref value);
        }
        if (typeof(T) == typeof(BFloat16))
        {
            return (float)Unsafe.As<T, BFloat16>(ref value);
        }
        throw Unsupported<T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromSingle<T>(float value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Unsafe.As<float, T>(ref value);
        }
        if (typeof(T) == typeof(Half))
        {
            var half = (Half)value;
            return Unsafe.As<Half, T>(ref half);
        }
        if (typeof(T) == typeof(BFloat16))
        {
            var bf16 = (BFloat16)value;
            return Unsafe.As<BFloat16, T>(ref bf16);
        }
        throw Unsupported<T>();
    }

    /// <summary>Widens <paramref name="source"/> into <paramref name="destination"/> (same length), exactly.</summary>
    public static void Widen<T>(ReadOnlySpan<T> source, Span<float> destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            MemoryMarshal.Cast<T, float>(source).CopyTo(destination);
        }
        else if (typeof(T) == typeof(Half))
        {
            TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<T, Half>(source), destination);
        }
        else if (typeof(T) == typeof(BFloat16))
        {
            WidenBFloat16(MemoryMarshal.Cast<T, ushort>(source), destination);
        }
        else
        {
            throw Unsupported<T>();
        }
    }

    /// <summary>Rounds <paramref name="source"/> into <paramref name="destination"/> (same length), to nearest even.</summary>
    public static void Narrow<T>(ReadOnlySpan<float> source, Span<T> destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            source.CopyTo(MemoryMarshal.Cast<T, float>(destination));
        }
        else if (typeof(T) == typeof(Half))
        {
            TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<T, Half>(destination));
        }
        else if (typeof(T) == typeof(BFloat16))
        {
            NarrowToBFloat16(source, MemoryMarshal.Cast<T, ushort>(destination));
        }
        else
        {
            throw Unsupported<T>();
        }
    }

    /// <summary>bfloat16 to float is a 16-bit left shift of the raw bits.</summary>
    private static void WidenBFloat16(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        var output = MemoryMarshal.Cast<float, uint>(destination);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                Vector.Widen(new Vector<ushort>(source[i..]), out var low, out var high);
                (low << 16).CopyTo(output[i..]);
                (high << 16).CopyTo(output[(i + Vector<uint>.Count)..]);
            }
        }
        for (; i < source.Length; i++)
        {
            output[i] = (uint)source[i] << 16;
        }
    }

    /// <summary>float to bfloat16 with round-to-nearest-even; NaN stays a quiet NaN.</summary>
    private static void NarrowToBFloat16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        var input = MemoryMarshal.Cast<float, uint>(source);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var absMask = new Vector<uint>(0x7FFF_FFFFu);
            var infinityBits = new Vector<uint>(0x7F80_0000u);
            var quietBit = new Vector<uint>(0x0040_0000u);
            var halfUlpMinusOne = new Vector<uint>(0x7FFFu);
            var one = Vector<uint>.One;
            for (; i <= input.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                var low = Round(new Vector<uint>(input[i..]));
                var high = Round(new Vector<uint>(input[(i + Vector<uint>.Count)..]));
                Vector.Narrow(low >> 16, high >> 16).CopyTo(destination[i..]);
            }

            Vector<uint> Round(Vector<uint> bits)
            {
                var isNaN = Vector.GreaterThan(bits & absMask, infinityBits);
                var rounded = bits + halfUlpMinusOne + ((bits >> 16) & one);
                return Vector.ConditionalSelect(isNaN, bits | quietBit, rounded);
            }
        }
        for (; i < input.Length; i++)
        {
            destination[i] = BFloat16.RoundToBFloat16Bits(input[i]);
        }
    }

    private static NotSupportedException Unsupported<T>() =>
        new($"Element type {typeof(T)} is not supported; use float, Half or BFloat16.");
}
