using LmProb.Generators.Helpers;
using LmProb.Generators.Model;

namespace LmProb.Generators.Emit;

/// <summary>
/// Writes the <c>IElements&lt;T&gt;</c> interface (once) and its implementation for one element type:
/// loads widen to float in registers, stores round once to nearest even.
/// </summary>
internal static class ElementsEmitter
{
    public static void EmitInterface(IndentedTextWriter writer) => writer.Lines("""
        /// <summary>Loads elements of one type as float (vectors), widening 16-bit types in registers, and stores floats back rounded once.</summary>
        file interface IElements<T>
            where T : unmanaged
        {
            static abstract float Load(ref T source, nuint index);

            static abstract Vector128<float> Load128(ref T source, nuint index);

            static abstract Vector256<float> Load256(ref T source, nuint index);

            static abstract Vector512<float> Load512(ref T source, nuint index);

            static abstract void Store(float value, ref T destination, nuint index);

            static abstract void Store(Vector128<float> value, ref T destination, nuint index);

            static abstract void Store(Vector256<float> value, ref T destination, nuint index);

            static abstract void Store(Vector512<float> value, ref T destination, nuint index);
        }
        """);

    public static void Emit(IndentedTextWriter writer, ElementType elementType)
    {
        switch (elementType)
        {
            case ElementType.Float16:
                EmitHalf(writer);
                break;
            case ElementType.BFloat16:
                EmitBFloat16(writer);
                break;
            default:
                EmitSingle(writer);
                break;
        }
    }

    private static void EmitSingle(IndentedTextWriter writer) => writer.Lines($$"""
        /// <summary>float rows: loads and stores as they are.</summary>
        {{KernelNames.GeneratedCodeAttribute}}
        file readonly struct Float32Elements : IElements<float>
        {
            public static float Load(ref float source, nuint index) => Unsafe.Add(ref source, index);

            public static Vector128<float> Load128(ref float source, nuint index) => Vector128.LoadUnsafe(ref source, index);

            public static Vector256<float> Load256(ref float source, nuint index) => Vector256.LoadUnsafe(ref source, index);

            public static Vector512<float> Load512(ref float source, nuint index) => Vector512.LoadUnsafe(ref source, index);

            public static void Store(float value, ref float destination, nuint index) => Unsafe.Add(ref destination, index) = value;

            public static void Store(Vector128<float> value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);

            public static void Store(Vector256<float> value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);

            public static void Store(Vector512<float> value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);
        }
        """);

    private static void EmitBFloat16(IndentedTextWriter writer) => writer.Lines($$"""
        /// <summary>
        /// bfloat16 rows: a bfloat16 is the upper half of a float, so widening is a 16-bit left shift;
        /// narrowing adds 0x7FFF plus the lowest kept bit (round to nearest even) and keeps NaN quiet.
        /// </summary>
        {{KernelNames.GeneratedCodeAttribute}}
        file readonly struct BFloat16Elements : IElements<global::LmProb.BFloat16>
        {
            private const uint RoundingBias = 0x7FFF;
            private const uint QuietNaNBit = 0x0040_0000;

            public static float Load(ref global::LmProb.BFloat16 source, nuint index) => (float)Unsafe.Add(ref source, index);

            public static Vector128<float> Load128(ref global::LmProb.BFloat16 source, nuint index) =>
                Vector128.ShiftLeft(Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<global::LmProb.BFloat16, byte>(ref Unsafe.Add(ref source, index)))).AsUInt16()), 16).AsSingle();

            public static Vector256<float> Load256(ref global::LmProb.BFloat16 source, nuint index) =>
                Vector256.ShiftLeft(Vector256.WidenLower(Vector128.LoadUnsafe(ref Bits(ref source), index).ToVector256Unsafe()), 16).AsSingle();

            public static Vector512<float> Load512(ref global::LmProb.BFloat16 source, nuint index) =>
                Vector512.ShiftLeft(Vector512.WidenLower(Vector256.LoadUnsafe(ref Bits(ref source), index).ToVector512Unsafe()), 16).AsSingle();

            public static void Store(float value, ref global::LmProb.BFloat16 destination, nuint index) =>
                Unsafe.Add(ref destination, index) = (global::LmProb.BFloat16)value;

            public static void Store(Vector128<float> value, ref global::LmProb.BFloat16 destination, nuint index)
            {
                var upper = Round(value.AsUInt32(), Vector128.IsNaN(value).AsUInt32());
                Unsafe.WriteUnaligned(ref Unsafe.As<global::LmProb.BFloat16, byte>(ref Unsafe.Add(ref destination, index)), Vector128.Narrow(upper, upper).AsUInt64().ToScalar());
            }

            public static void Store(Vector256<float> value, ref global::LmProb.BFloat16 destination, nuint index)
            {
                var upper = Round(value.AsUInt32(), Vector256.IsNaN(value).AsUInt32());
                Vector256.Narrow(upper, upper).GetLower().StoreUnsafe(ref Bits(ref destination), index);
            }

            public static void Store(Vector512<float> value, ref global::LmProb.BFloat16 destination, nuint index)
            {
                var upper = Round(value.AsUInt32(), Vector512.IsNaN(value).AsUInt32());
                Vector512.Narrow(upper, upper).GetLower().StoreUnsafe(ref Bits(ref destination), index);
            }

            private static ref ushort Bits(ref global::LmProb.BFloat16 value) => ref Unsafe.As<global::LmProb.BFloat16, ushort>(ref value);

            private static Vector128<uint> Round(Vector128<uint> bits, Vector128<uint> isNaN) =>
                Vector128.ConditionalSelect(isNaN, bits | Vector128.Create(QuietNaNBit), bits + Vector128.Create(RoundingBias) + ((bits >> 16) & Vector128<uint>.One)) >> 16;

            private static Vector256<uint> Round(Vector256<uint> bits, Vector256<uint> isNaN) =>
                Vector256.ConditionalSelect(isNaN, bits | Vector256.Create(QuietNaNBit), bits + Vector256.Create(RoundingBias) + ((bits >> 16) & Vector256<uint>.One)) >> 16;

            private static Vector512<uint> Round(Vector512<uint> bits, Vector512<uint> isNaN) =>
                Vector512.ConditionalSelect(isNaN, bits | Vector512.Create(QuietNaNBit), bits + Vector512.Create(RoundingBias) + ((bits >> 16) & Vector512<uint>.One)) >> 16;
        }
        """);

    private static void EmitHalf(IndentedTextWriter writer) => writer.Lines($$"""
        /// <summary>
        /// Half rows, converted in registers with integer operations. Widening: the exponent and mantissa
        /// shifted into float position and scaled by 2^112 (exact, subnormals included); infinity and NaN
        /// get the float exponent. Narrowing rounds to nearest even, to subnormals, to infinity past 65520.
        /// </summary>
        {{KernelNames.GeneratedCodeAttribute}}
        file readonly struct Float16Elements : IElements<global::System.Half>
        {
            private const float TwoPow112 = 5.192297e33f;
            private const uint HalfExponentMask = 0x7C00;
            private const uint SingleExponentMask = 0x7F80_0000;
            private const uint OverflowThreshold = 0x4780_0000;
            private const uint SubnormalThreshold = 0x3880_0000;
            private const uint SubnormalMagic = 0x3F00_0000;
            private const uint RebiasAndRound = 0xC800_0FFF;

            public static float Load(ref global::System.Half source, nuint index) => (float)Unsafe.Add(ref source, index);

            public static Vector128<float> Load128(ref global::System.Half source, nuint index) =>
                Widen(Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<global::System.Half, byte>(ref Unsafe.Add(ref source, index)))).AsUInt16()));

            public static Vector256<float> Load256(ref global::System.Half source, nuint index) =>
                Widen(Vector256.WidenLower(Vector128.LoadUnsafe(ref Bits(ref source), index).ToVector256Unsafe()));

            public static Vector512<float> Load512(ref global::System.Half source, nuint index) =>
                Widen(Vector512.WidenLower(Vector256.LoadUnsafe(ref Bits(ref source), index).ToVector512Unsafe()));

            public static void Store(float value, ref global::System.Half destination, nuint index) =>
                Unsafe.Add(ref destination, index) = (global::System.Half)value;

            public static void Store(Vector128<float> value, ref global::System.Half destination, nuint index)
            {
                var half = Narrow(value.AsUInt32());
                Unsafe.WriteUnaligned(ref Unsafe.As<global::System.Half, byte>(ref Unsafe.Add(ref destination, index)), Vector128.Narrow(half, half).AsUInt64().ToScalar());
            }

            public static void Store(Vector256<float> value, ref global::System.Half destination, nuint index)
            {
                var half = Narrow(value.AsUInt32());
                Vector256.Narrow(half, half).GetLower().StoreUnsafe(ref Bits(ref destination), index);
            }

            public static void Store(Vector512<float> value, ref global::System.Half destination, nuint index)
            {
                var half = Narrow(value.AsUInt32());
                Vector512.Narrow(half, half).GetLower().StoreUnsafe(ref Bits(ref destination), index);
            }

            private static ref ushort Bits(ref global::System.Half value) => ref Unsafe.As<global::System.Half, ushort>(ref value);

            private static Vector128<float> Widen(Vector128<uint> half)
            {
                var magnitude = half & Vector128.Create(0x7FFFu);
                var shifted = magnitude << 13;
                var finite = (shifted.AsSingle() * Vector128.Create(TwoPow112)).AsUInt32();
                var special = shifted | Vector128.Create(SingleExponentMask);
                var isSpecial = Vector128.GreaterThanOrEqual(magnitude, Vector128.Create(HalfExponentMask));
                return (Vector128.ConditionalSelect(isSpecial, special, finite) | ((half & Vector128.Create(0x8000u)) << 16)).AsSingle();
            }

            private static Vector256<float> Widen(Vector256<uint> half)
            {
                var magnitude = half & Vector256.Create(0x7FFFu);
                var shifted = magnitude << 13;
                var finite = (shifted.AsSingle() * Vector256.Create(TwoPow112)).AsUInt32();
                var special = shifted | Vector256.Create(SingleExponentMask);
                var isSpecial = Vector256.GreaterThanOrEqual(magnitude, Vector256.Create(HalfExponentMask));
                return (Vector256.ConditionalSelect(isSpecial, special, finite) | ((half & Vector256.Create(0x8000u)) << 16)).AsSingle();
            }

            private static Vector512<float> Widen(Vector512<uint> half)
            {
                var magnitude = half & Vector512.Create(0x7FFFu);
                var shifted = magnitude << 13;
                var finite = (shifted.AsSingle() * Vector512.Create(TwoPow112)).AsUInt32();
                var special = shifted | Vector512.Create(SingleExponentMask);
                var isSpecial = Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(HalfExponentMask));
                return (Vector512.ConditionalSelect(isSpecial, special, finite) | ((half & Vector512.Create(0x8000u)) << 16)).AsSingle();
            }

            private static Vector128<uint> Narrow(Vector128<uint> bits)
            {
                var sign = bits & Vector128.Create(0x8000_0000u);
                var magnitude = bits ^ sign;
                var special = Vector128.ConditionalSelect(Vector128.GreaterThan(magnitude, Vector128.Create(SingleExponentMask)), Vector128.Create(0x7E00u), Vector128.Create(0x7C00u));
                var subnormal = (magnitude.AsSingle() + Vector128.Create(SubnormalMagic).AsSingle()).AsUInt32() - Vector128.Create(SubnormalMagic);
                var normal = (magnitude + Vector128.Create(RebiasAndRound) + ((magnitude >> 13) & Vector128<uint>.One)) >> 13;
                var finite = Vector128.ConditionalSelect(Vector128.LessThan(magnitude, Vector128.Create(SubnormalThreshold)), subnormal, normal);
                return Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(magnitude, Vector128.Create(OverflowThreshold)), special, finite) | (sign >> 16);
            }

            private static Vector256<uint> Narrow(Vector256<uint> bits)
            {
                var sign = bits & Vector256.Create(0x8000_0000u);
                var magnitude = bits ^ sign;
                var special = Vector256.ConditionalSelect(Vector256.GreaterThan(magnitude, Vector256.Create(SingleExponentMask)), Vector256.Create(0x7E00u), Vector256.Create(0x7C00u));
                var subnormal = (magnitude.AsSingle() + Vector256.Create(SubnormalMagic).AsSingle()).AsUInt32() - Vector256.Create(SubnormalMagic);
                var normal = (magnitude + Vector256.Create(RebiasAndRound) + ((magnitude >> 13) & Vector256<uint>.One)) >> 13;
                var finite = Vector256.ConditionalSelect(Vector256.LessThan(magnitude, Vector256.Create(SubnormalThreshold)), subnormal, normal);
                return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(magnitude, Vector256.Create(OverflowThreshold)), special, finite) | (sign >> 16);
            }

            private static Vector512<uint> Narrow(Vector512<uint> bits)
            {
                var sign = bits & Vector512.Create(0x8000_0000u);
                var magnitude = bits ^ sign;
                var special = Vector512.ConditionalSelect(Vector512.GreaterThan(magnitude, Vector512.Create(SingleExponentMask)), Vector512.Create(0x7E00u), Vector512.Create(0x7C00u));
                var subnormal = (magnitude.AsSingle() + Vector512.Create(SubnormalMagic).AsSingle()).AsUInt32() - Vector512.Create(SubnormalMagic);
                var normal = (magnitude + Vector512.Create(RebiasAndRound) + ((magnitude >> 13) & Vector512<uint>.One)) >> 13;
                var finite = Vector512.ConditionalSelect(Vector512.LessThan(magnitude, Vector512.Create(SubnormalThreshold)), subnormal, normal);
                return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(OverflowThreshold)), special, finite) | (sign >> 16);
            }
        }
        """);
}
