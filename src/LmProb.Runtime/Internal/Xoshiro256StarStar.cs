using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace LmProb.Internal;

/// <summary>
/// xoshiro256** 1.0 (Blackman and Vigna, 2018): a small, fast generator with a 256-bit state and a
/// fully specified output stream, so a seed gives the same numbers on every machine and runtime
/// (unlike <see cref="Random"/>, whose algorithm is an implementation detail).
/// </summary>
/// <remarks>
/// The state is seeded from a 64-bit seed with four outputs of SplitMix64, as the authors recommend
/// (it never yields the all-zero state in practice and decorrelates nearby seeds). A mutable struct:
/// keep it in a field and call it through that field, never through a copy.
/// </remarks>
internal struct Xoshiro256StarStar
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Seeds the state with SplitMix64(<paramref name="seed"/>).</summary>
    public Xoshiro256StarStar(ulong seed)
    {
        var splitMix = seed;
        _s0 = SplitMix64(ref splitMix);
        _s1 = SplitMix64(ref splitMix);
        _s2 = SplitMix64(ref splitMix);
        _s3 = SplitMix64(ref splitMix);
    }

    /// <summary>Sets the raw state (for the reference test vectors); it must not be all zero.</summary>
    public Xoshiro256StarStar(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
    }

    /// <summary>A seed from the operating system's cryptographic random source.</summary>
    public static ulong RandomSeed()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes);
    }

    /// <summary>The next output of SplitMix64 (Steele, Lea and Flood, 2014), advancing <paramref name="state"/>.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1): the top 53 bits of <see cref="NextUInt64"/> times 2^-53 (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
