using System;
using System.Globalization;
using System.Linq;
using LmProb.Generators.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LmProb.Generators.Tests;

/// <summary>
/// Compiles <c>[LmKernels(V, …)]</c> for all three element types with the generator in memory,
/// loads the assembly and runs every generated kernel: results must be bit-identical to the
/// runtime's generic API on the same input and within the tolerances of
/// <see cref="KernelChecker{T}"/> of a double-precision reference. Lengths cover a single
/// element, less than one vector, exactly one Vector512 of floats, a non-multiple of 64, and
/// real vocabularies (32000 is a multiple of 64; 50257 leaves a 17-element tail).
/// </summary>
public sealed class CompileAndRunTests(ITestOutputHelper output)
{
    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        foreach (var v in new[] { 1, 7, 16, 1000, 32000, 50257 })
        {
            foreach (var type in new[] { "Float32", "Float16", "BFloat16" })
            {
                data.Add(v, type);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GeneratedKernelsMatchTheRuntimeBitForBitAndTheReference(int vocabSize, string elementType)
    {
        var kernels = CompiledKernels.For(vocabSize);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compiled V={vocabSize} in {kernels.CompileTime.TotalSeconds:F2} s (cached after the first element type)"));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var seed = vocabSize * 31 + elementType.Length;
        var worst = elementType switch
        {
            "Float32" => Check(kernels.Api<float>("Float32"), new RuntimeFloat32Api(vocabSize), ElementTypes.Float32, seed),
            "Float16" => Check(kernels.Api<Half>("Float16"), new RuntimeFloat16Api(vocabSize), ElementTypes.Float16, seed),
            "BFloat16" => Check(kernels.Api<BFloat16>("BFloat16"), new RuntimeBFloat16Api(vocabSize), ElementTypes.BFloat16, seed),
            _ => throw new ArgumentOutOfRangeException(nameof(elementType), elementType, null),
        };
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"checked in {stopwatch.Elapsed.TotalSeconds:F2} s"));
        foreach (var (kernel, share) in worst.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kernel}: worst error {share:P1} of the tolerance"));
        }
    }

    [Theory]
    [InlineData("Float32")]
    [InlineData("Float16")]
    [InlineData("BFloat16")]
    public void LengthsOtherThanVocabSizeThrowNamingBothNumbers(string elementType)
    {
        const int V = 16;
        var kernels = CompiledKernels.For(V);
        switch (elementType)
        {
            case "Float32":
                CheckLengths(kernels.Api<float>(elementType));
                break;
            case "Float16":
                CheckLengths(kernels.Api<Half>(elementType));
                break;
            default:
                CheckLengths(kernels.Api<BFloat16>(elementType));
                break;
        }

        static void CheckLengths<T>(IKernelApi<T> api)
            where T : unmanaged
        {
            var shortRow = new T[V - 1];
            var row = new T[V];
            AssertNamesBoth(() => api.Softmax(shortRow, new T[V - 1]), "logits");
            AssertNamesBoth(() => api.Softmax(row, new T[V + 1]), "destination", V + 1);
            AssertNamesBoth(() => api.LogSoftmax(shortRow, new T[V - 1]), "logits");
            AssertNamesBoth(() => api.LogSumExp(shortRow), "logits");
            AssertNamesBoth(() => api.CrossEntropy(shortRow, 0), "logits");
            AssertNamesBoth(() => api.CrossEntropy(shortRow, 0, new float[V - 1]), "logits");
            AssertNamesBoth(() => api.TopK(shortRow, new int[1], new float[1]), "logits");
            var batch = Assert.ThrowsAny<ArgumentException>(() => api.CrossEntropy(new T[2 * V + 1], new int[2], null));
            Assert.Contains((2 * V + 1).ToString(CultureInfo.InvariantCulture), batch.Message, StringComparison.Ordinal);
            Assert.ThrowsAny<ArgumentOutOfRangeException>(() => api.CrossEntropy(row, V));
        }

        static void AssertNamesBoth(Action call, string parameter, int length = V - 1)
        {
            var exception = Assert.ThrowsAny<ArgumentException>(call);
            Assert.Equal(parameter, exception.ParamName);
            Assert.Contains(length.ToString(CultureInfo.InvariantCulture), exception.Message, StringComparison.Ordinal);
            Assert.Contains(V.ToString(CultureInfo.InvariantCulture), exception.Message, StringComparison.Ordinal);
        }
    }

    private static System.Collections.Generic.Dictionary<string, double> Check<T>(IKernelApi<T> generated, IKernelApi<T> runtime, ElementType<T> type, int seed)
        where T : unmanaged
    {
        var checker = new KernelChecker<T>(generated, runtime, type);
        checker.CheckAll(seed);
        return checker.WorstErrorShare;
    }
}
