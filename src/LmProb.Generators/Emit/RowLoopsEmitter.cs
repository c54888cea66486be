using LmProb.Generators.Helpers;

namespace LmProb.Generators.Emit;

/// <summary>
/// Writes <c>FixedRow</c>: the max, sum and map loops over one row of exactly V elements, for
/// Vector512, Vector256 and Vector128 (picked at JIT time; the other branches fold away) and a
/// scalar fallback. Every trip count is a constant, and the elements after the last full vector
/// or block are handled once, by straight-line code written for this V.
/// </summary>
/// <remarks>
/// The sum keeps the order of the runtime's <c>IRowKernels</c> contract (blocks of 64 into 64
/// float partials, flushed into double every 16 blocks, a fixed reduction tree, then the tail in
/// order), so generated and runtime kernels give bit-identical results on every SIMD width.
/// </remarks>
internal static class RowLoopsEmitter
{
    private const int BlockSize = 64;
    private const int BlocksPerFlush = 16;

    /// <summary>The vector widths: lanes of float, type name, and the loader method of <c>IElements</c>.</summary>
    private static readonly (int Lanes, string Vector, string Load)[] Widths =
    [
        (16, "Vector512", "Load512"),
        (8, "Vector256", "Load256"),
        (4, "Vector128", "Load128"),
    ];

    public static void Emit(IndentedTextWriter writer, int vocabSize)
    {
        var bodyLength = vocabSize / BlockSize * BlockSize;
        writer.Line("/// <summary>");
        writer.Line($"/// The loops over one row of exactly {N(vocabSize)} elements: constant trip counts, and the elements after");
        writer.Line("/// the last full vector handled once, after the loop.");
        writer.Line("/// </summary>");
        writer.Line(KernelNames.GeneratedCodeAttribute);
        using (writer.Block("file static class FixedRow"))
        {
            writer.Line($"private const int Length = {N(vocabSize)};");
            writer.Line();
            writer.Line("// Sums run in blocks of 64 elements into 64 float partial sums, flushed into 64 double totals");
            writer.Line("// every 16 blocks (a chunk); the elements after the last full block are added in order.");
            writer.Line($"private const int BlockSize = {BlockSize};");
            writer.Line($"private const int ChunkSize = {BlockSize * BlocksPerFlush};");
            writer.Line($"private const int BodyLength = {N(bodyLength)};");
            EmitMax(writer, vocabSize);
            EmitSum(writer, vocabSize, bodyLength);
            EmitMap(writer, vocabSize);
            EmitHelpers(writer, bodyLength);
        }
    }

    private static void EmitMax(IndentedTextWriter writer, int vocabSize)
    {
        writer.Line();
        writer.Line("/// <summary>Pass over memory: the row maximum (exact without NaN; a row with NaN is caught by its exp sum).</summary>");
        using (writer.Block(
            "public static float Max<T, TElements>(global::System.ReadOnlySpan<T> row)",
            "    where T : unmanaged",
            "    where TElements : struct, IElements<T>"))
        {
            writer.Line("ref var source = ref MemoryMarshal.GetReference(row);");
            foreach (var (lanes, vector, load) in Widths)
            {
                if (vocabSize < lanes)
                {
                    continue;
                }
                var step = 4 * lanes;
                var loopEnd = vocabSize / step * step;
                // The loads after the unrolled loop: full vectors, then one overlapping the end.
                var remainder = vocabSize - loopEnd;
                var tailOffsets = new System.Collections.Generic.List<int>();
                for (var k = 0; k < remainder / lanes; k++)
                {
                    tailOffsets.Add(loopEnd + k * lanes);
                }
                if (remainder % lanes != 0)
                {
                    tailOffsets.Add(vocabSize - lanes);
                }
                using (writer.Block($"if ({vector}.IsHardwareAccelerated)"))
                {
                    int accumulators;
                    if (loopEnd > 0)
                    {
                        accumulators = 4;
                        writer.Line($"var m0 = TElements.{load}(ref source, 0);");
                        writer.Line("var m1 = m0;");
                        writer.Line("var m2 = m0;");
                        writer.Line("var m3 = m0;");
                        using (writer.Block($"for (nuint i = 0; i < {N(loopEnd)}; i += {step})"))
                        {
                            for (var k = 0; k < 4; k++)
                            {
                                var offset = k == 0 ? "i" : $"i + {k * lanes}";
                                writer.Line($"m{k} = {vector}.MaxNative(m{k}, TElements.{load}(ref source, {offset}));");
                            }
                        }
                        if (tailOffsets.Count > 0)
                        {
                            writer.Line(TailComment(remainder, lanes));
                        }
                        for (var k = 0; k < tailOffsets.Count; k++)
                        {
                            writer.Line($"m{k} = {vector}.MaxNative(m{k}, TElements.{load}(ref source, {N(tailOffsets[k])}));");
                        }
                    }
                    else
                    {
                        // Shorter than one unrolled step: each load starts its own accumulator.
                        accumulators = tailOffsets.Count;
                        writer.Line(TailComment(remainder, lanes));
                        for (var k = 0; k < tailOffsets.Count; k++)
                        {
                            writer.Line($"var m{k} = TElements.{load}(ref source, {N(tailOffsets[k])});");
                        }
                    }
                    writer.Line($"return HorizontalMax({Combine(vector, accumulators)});");
                }
            }
            writer.Line("var max = TElements.Load(ref source, 0);");
            using (writer.Block("for (nuint i = 1; i < Length; i++)"))
            {
                writer.Line("var x = TElements.Load(ref source, i);");
                writer.Line("max = x > max ? x : max;");
            }
            writer.Line("return max;");
        }
    }

    private static void EmitSum(IndentedTextWriter writer, int vocabSize, int bodyLength)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Pass over memory: <c>Σ op(x)</c> in the order of the IRowKernels contract, also storing every");
        writer.Line("/// <c>op(x)</c> to <paramref name=\"destination\"/> unless it is empty.");
        writer.Line("/// </summary>");
        using (writer.Block(
            "public static double Sum<T, TElements, TOperator>(global::System.ReadOnlySpan<T> row, TOperator op, global::System.Span<float> destination)",
            "    where T : unmanaged",
            "    where TElements : struct, IElements<T>",
            "    where TOperator : struct, IOperator"))
        {
            writer.Line("ref var source = ref MemoryMarshal.GetReference(row);");
            writer.Line("ref var target = ref MemoryMarshal.GetReference(destination);");
            writer.Line("var store = !destination.IsEmpty;");
            if (bodyLength == 0)
            {
                writer.Line("var sum = 0.0;");
            }
            else
            {
                writer.Line("global::System.Span<double> totals = stackalloc double[BlockSize];");
                writer.Line("totals.Clear();");
                using (writer.Block("if (Vector512.IsHardwareAccelerated)"))
                {
                    writer.Line("ref var total = ref MemoryMarshal.GetReference(totals);");
                    using (writer.Block("for (nuint chunk = 0; chunk < BodyLength; chunk += ChunkSize)"))
                    {
                        writer.Line("var end = global::System.Math.Min(chunk + ChunkSize, BodyLength);");
                        writer.Line("var s0 = Vector512<float>.Zero;");
                        writer.Line("var s1 = s0;");
                        writer.Line("var s2 = s0;");
                        writer.Line("var s3 = s0;");
                        using (writer.Block("for (var i = chunk; i < end; i += BlockSize)"))
                        {
                            writer.Lines("""
                                var e0 = op.Invoke(TElements.Load512(ref source, i));
                                var e1 = op.Invoke(TElements.Load512(ref source, i + 16));
                                var e2 = op.Invoke(TElements.Load512(ref source, i + 32));
                                var e3 = op.Invoke(TElements.Load512(ref source, i + 48));
                                if (store)
                                {
                                    e0.StoreUnsafe(ref target, i);
                                    e1.StoreUnsafe(ref target, i + 16);
                                    e2.StoreUnsafe(ref target, i + 32);
                                    e3.StoreUnsafe(ref target, i + 48);
                                }
                                s0 += e0;
                                s1 += e1;
                                s2 += e2;
                                s3 += e3;
                                """);
                        }
                        writer.Line("Flush(s0, ref total, 0);");
                        writer.Line("Flush(s1, ref total, 16);");
                        writer.Line("Flush(s2, ref total, 32);");
                        writer.Line("Flush(s3, ref total, 48);");
                    }
                }
                foreach (var (lanes, vector, load) in new[] { (8, "Vector256", "Load256"), (4, "Vector128", "Load128") })
                {
                    using (writer.Block($"else if ({vector}.IsHardwareAccelerated)"))
                    {
                        writer.Line("global::System.Span<float> partials = stackalloc float[BlockSize];");
                        writer.Line($"var sums = MemoryMarshal.Cast<float, {vector}<float>>(partials);");
                        using (writer.Block("for (nuint chunk = 0; chunk < BodyLength; chunk += ChunkSize)"))
                        {
                            writer.Line("var end = global::System.Math.Min(chunk + ChunkSize, BodyLength);");
                            writer.Line("sums.Clear();");
                            using (writer.Block("for (var i = chunk; i < end; i += BlockSize)"))
                            {
                                using (writer.Block($"for (var j = 0; j < {BlockSize / lanes}; j++)"))
                                {
                                    writer.Lines($$"""
                                        var offset = i + (nuint)({{lanes}} * j);
                                        var e = op.Invoke(TElements.{{load}}(ref source, offset));
                                        if (store)
                                        {
                                            e.StoreUnsafe(ref target, offset);
                                        }
                                        sums[j] += e;
                                        """);
                                }
                            }
                            writer.Line("AddPartials(partials, totals);");
                        }
                    }
                }
                using (writer.Block("else"))
                {
                    writer.Line("global::System.Span<float> partials = stackalloc float[BlockSize];");
                    using (writer.Block("for (nuint chunk = 0; chunk < BodyLength; chunk += ChunkSize)"))
                    {
                        writer.Line("var end = global::System.Math.Min(chunk + ChunkSize, BodyLength);");
                        writer.Line("partials.Clear();");
                        using (writer.Block("for (var i = chunk; i < end; i += BlockSize)"))
                        {
                            using (writer.Block("for (var j = 0; j < BlockSize; j++)"))
                            {
                                writer.Lines("""
                                    var offset = i + (nuint)j;
                                    var e = op.Invoke(TElements.Load(ref source, offset));
                                    if (store)
                                    {
                                        Unsafe.Add(ref target, offset) = e;
                                    }
                                    partials[j] += e;
                                    """);
                            }
                        }
                        writer.Line("AddPartials(partials, totals);");
                    }
                }
                writer.Line("var sum = Reduce(totals);");
            }
            var tail = vocabSize - bodyLength;
            if (tail > 0)
            {
                writer.Line($"// The last {tail} element{(tail == 1 ? "" : "s")}, in order (one loop for each case, no test per element).");
                using (writer.Block("if (store)"))
                {
                    using (writer.Block("for (nuint i = BodyLength; i < Length; i++)"))
                    {
                        writer.Line("var e = op.Invoke(TElements.Load(ref source, i));");
                        writer.Line("Unsafe.Add(ref target, i) = e;");
                        writer.Line("sum += e;");
                    }
                }
                using (writer.Block("else"))
                {
                    using (writer.Block("for (nuint i = BodyLength; i < Length; i++)"))
                    {
                        writer.Line("sum += op.Invoke(TElements.Load(ref source, i));");
                    }
                }
            }
            writer.Line("return sum;");
        }
    }

    private static void EmitMap(IndentedTextWriter writer, int vocabSize)
    {
        writer.Line();
        writer.Line("/// <summary>Pass over memory: <c>destination[i] = op(x[i])</c>, rounded once to <typeparamref name=\"T\"/>; in place is allowed.</summary>");
        using (writer.Block(
            "public static void Map<T, TElements, TOperator>(global::System.ReadOnlySpan<T> row, TOperator op, global::System.Span<T> destination)",
            "    where T : unmanaged",
            "    where TElements : struct, IElements<T>",
            "    where TOperator : struct, IOperator"))
        {
            writer.Line("ref var source = ref MemoryMarshal.GetReference(row);");
            writer.Line("ref var target = ref MemoryMarshal.GetReference(destination);");
            foreach (var (lanes, vector, load) in Widths)
            {
                if (vocabSize < lanes)
                {
                    continue;
                }
                var loopEnd = vocabSize / lanes * lanes;
                var overlap = vocabSize % lanes != 0;
                using (writer.Block($"if ({vector}.IsHardwareAccelerated)"))
                {
                    if (overlap)
                    {
                        writer.Line($"// The last vector overlaps the end; it is computed before anything is written, so in place works.");
                        writer.Line($"var last = op.Invoke(TElements.{load}(ref source, {N(vocabSize - lanes)}));");
                    }
                    // Four vectors per iteration, then the remaining full vectors one by one.
                    var step = 4 * lanes;
                    var unrolledEnd = vocabSize / step * step;
                    if (unrolledEnd > 0)
                    {
                        using (writer.Block($"for (nuint i = 0; i < {N(unrolledEnd)}; i += {step})"))
                        {
                            for (var k = 0; k < 4; k++)
                            {
                                var offset = k == 0 ? "i" : $"i + {k * lanes}";
                                writer.Line($"TElements.Store(op.Invoke(TElements.{load}(ref source, {offset})), ref target, {offset});");
                            }
                        }
                    }
                    for (var offset = unrolledEnd; offset < loopEnd; offset += lanes)
                    {
                        writer.Line($"TElements.Store(op.Invoke(TElements.{load}(ref source, {N(offset)})), ref target, {N(offset)});");
                    }
                    if (overlap)
                    {
                        writer.Line($"TElements.Store(last, ref target, {N(vocabSize - lanes)});");
                    }
                    writer.Line("return;");
                }
            }
            using (writer.Block("for (nuint i = 0; i < Length; i++)"))
            {
                writer.Line("TElements.Store(op.Invoke(TElements.Load(ref source, i)), ref target, i);");
            }
        }
    }

    private static void EmitHelpers(IndentedTextWriter writer, int bodyLength)
    {
        writer.Line();
        writer.Lines("""
            private static float HorizontalMax(Vector512<float> m) => HorizontalMax(Vector256.MaxNative(m.GetLower(), m.GetUpper()));

            private static float HorizontalMax(Vector256<float> m) => HorizontalMax(Vector128.MaxNative(m.GetLower(), m.GetUpper()));

            private static float HorizontalMax(Vector128<float> m)
            {
                var max = float.NegativeInfinity;
                for (var lane = 0; lane < Vector128<float>.Count; lane++)
                {
                    var x = m.GetElement(lane);
                    max = x > max ? x : max;
                }
                return max;
            }
            """);
        if (bodyLength == 0)
        {
            return;
        }
        writer.Line();
        writer.Lines("""
            /// <summary>Adds 16 float partial sums into the 16 double totals at <paramref name="offset"/>.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static void Flush(Vector512<float> sum, ref double totals, nuint offset)
            {
                var (low, high) = Vector512.Widen(sum);
                (Vector512.LoadUnsafe(ref totals, offset) + low).StoreUnsafe(ref totals, offset);
                (Vector512.LoadUnsafe(ref totals, offset + 8) + high).StoreUnsafe(ref totals, offset + 8);
            }

            private static void AddPartials(global::System.Span<float> partials, global::System.Span<double> totals)
            {
                for (var j = 0; j < BlockSize; j++)
                {
                    totals[j] += partials[j];
                }
            }

            /// <summary>The contract's reduction tree: (g0 + g1) + (g2 + g3) over the four 16-lane groups, then lane halving.</summary>
            private static double Reduce(global::System.Span<double> totals)
            {
                global::System.Span<double> lanes = stackalloc double[16];
                for (var l = 0; l < 16; l++)
                {
                    lanes[l] = (totals[l] + totals[16 + l]) + (totals[32 + l] + totals[48 + l]);
                }
                for (var width = 8; width >= 1; width /= 2)
                {
                    for (var l = 0; l < width; l++)
                    {
                        lanes[l] += lanes[l + width];
                    }
                }
                return lanes[0];
            }
            """);
    }

    private static string N(int value) => KernelFileEmitter.Number(value);

    private static string TailComment(int remainder, int lanes)
    {
        var full = remainder / lanes;
        var vectors = full == 1 ? "1 vector" : $"{full} vectors";
        return remainder % lanes == 0
            ? $"// The last {remainder} elements: {vectors}."
            : full > 0
                ? $"// The last {remainder} elements: {vectors} and one overlapping the end (max is idempotent)."
                : $"// The last {remainder} elements: one vector overlapping the end (max is idempotent).";
    }

    /// <summary>The pairwise <c>MaxNative</c> of accumulators m0 … m(count − 1).</summary>
    private static string Combine(string vector, int count) => count switch
    {
        1 => "m0",
        2 => $"{vector}.MaxNative(m0, m1)",
        3 => $"{vector}.MaxNative({vector}.MaxNative(m0, m1), m2)",
        _ => $"{vector}.MaxNative({vector}.MaxNative(m0, m1), {vector}.MaxNative(m2, m3))",
    };
}
