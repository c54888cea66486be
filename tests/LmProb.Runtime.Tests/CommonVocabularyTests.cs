using System;
using System.Linq;
using LmProb.Kernels;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

/// <summary>
/// The public API sends rows of the common vocabulary sizes to the generated kernels; their
/// results must be bit-identical to the generic row kernels on the same input.
/// </summary>
public class CommonVocabularyTests
{
    public static TheoryData<int> VocabSizes()
    {
        var data = new TheoryData<int>();
        foreach (var v in CommonVocabularies.VocabSizes)
        {
            data.Add(v);
        }
        return data;
    }

    private static float[] RowWithEdges(int vocabSize, int seed)
    {
        var row = Rows.Normal(vocabSize, scale: 4, seed: seed);
        row[vocabSize - 1] = float.NegativeInfinity;
        row[vocabSize / 3] = 30;
        return row;
    }

    [Theory]
    [MemberData(nameof(VocabSizes))]
    public void Float32_dispatch_is_bit_identical_to_the_generic_kernels(int vocabSize)
    {
        var x = RowWithEdges(vocabSize, vocabSize);
        var generic = new FloatRowKernels(vocabSize);
        Assert.Equal(Bits(RowKernelHost.LogSumExp(x, generic)), Bits(Probability.LogSumExp(x)));

        var expected = new float[vocabSize];
        var actual = new float[vocabSize];
        RowKernelHost.Softmax<float, FloatRowKernels>(x, expected, generic);
        Probability.Softmax(x, actual);
        Assert.Equal(expected, actual);
        RowKernelHost.LogSoftmax<float, FloatRowKernels>(x, expected, generic);
        Probability.LogSoftmax(x, actual);
        Assert.Equal(expected, actual);

        Assert.Equal(Bits(RowKernelHost.CrossEntropy(x, 17, generic)), Bits(Loss.CrossEntropy(x, 17)));
        Assert.Equal(Bits(RowKernelHost.CrossEntropy(x, 5, expected, generic)), Bits(Loss.CrossEntropy(x, 5, actual)));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(VocabSizes))]
    public void Sixteen_bit_dispatch_is_bit_identical_to_the_generic_kernels(int vocabSize)
    {
        var single = RowWithEdges(vocabSize, vocabSize + 1);
        AssertSameAsGeneric(Rows.ToHalf(single));
        AssertSameAsGeneric(Rows.ToBFloat16(single));
    }

    private static void AssertSameAsGeneric<T>(T[] x)
        where T : unmanaged
    {
        var generic = new WideningRowKernels<T>(x.Length);
        var expected = new T[x.Length];
        var actual = new T[x.Length];
        RowKernelHost.Softmax<T, WideningRowKernels<T>>(x, expected, generic);
        RowKernelHost.LogSoftmax<T, WideningRowKernels<T>>(x, actual, generic);
        var expectedLog = (T[])actual.Clone();

        if (x is Half[] half)
        {
            Assert.Equal(Bits(RowKernelHost.LogSumExp<Half, WideningRowKernels<Half>>(half, new(x.Length))), Bits(Probability.LogSumExp(half)));
            var softmax = new Half[x.Length];
            var logSoftmax = new Half[x.Length];
            Probability.Softmax(half, softmax);
            Probability.LogSoftmax(half, logSoftmax);
            Assert.Equal(expected.Cast<Half>(), softmax);
            Assert.Equal(expectedLog.Cast<Half>(), logSoftmax);
            Assert.Equal(Bits(RowKernelHost.CrossEntropy<Half, WideningRowKernels<Half>>(half, 3, new(x.Length))), Bits(Loss.CrossEntropy(half, 3)));
        }
        else if (x is BFloat16[] bf16)
        {
            Assert.Equal(Bits(RowKernelHost.LogSumExp<BFloat16, WideningRowKernels<BFloat16>>(bf16, new(x.Length))), Bits(Probability.LogSumExp(bf16)));
            var softmax = new BFloat16[x.Length];
            var logSoftmax = new BFloat16[x.Length];
            Probability.Softmax(bf16, softmax);
            Probability.LogSoftmax(bf16, logSoftmax);
            Assert.Equal(expected.Cast<BFloat16>().Select(v => v.ToBits()), softmax.Select(v => v.ToBits()));
            Assert.Equal(expectedLog.Cast<BFloat16>().Select(v => v.ToBits()), logSoftmax.Select(v => v.ToBits()));
            Assert.Equal(Bits(RowKernelHost.CrossEntropy<BFloat16, WideningRowKernels<BFloat16>>(bf16, 3, new(x.Length))), Bits(Loss.CrossEntropy(bf16, 3)));
        }
    }

    [Fact]
    public void Batched_dispatch_is_bit_identical_with_every_option()
    {
        const int vocabSize = 32000;
        var logits = Rows.Normal(vocabSize * 3, scale: 3, seed: 77);
        int[] targets = [5, -100, 31999];
        var expectedPerToken = new float[3];
        var expectedGradient = new float[logits.Length];
        var actualPerToken = new float[3];
        var actualGradient = new float[logits.Length];
        var expected = RowKernelHost.CrossEntropy(logits, targets,
            new CrossEntropyOptions { LabelSmoothing = 0.1f, ZLossWeight = 1e-4f, PerTokenLoss = expectedPerToken, Gradient = expectedGradient },
            new FloatRowKernels(vocabSize));
        var actual = Loss.CrossEntropy(logits, vocabSize, targets,
            new CrossEntropyOptions { LabelSmoothing = 0.1f, ZLossWeight = 1e-4f, PerTokenLoss = actualPerToken, Gradient = actualGradient });
        Assert.Equal(expected, actual);
        Assert.Equal(expectedPerToken, actualPerToken);
        Assert.Equal(expectedGradient, actualGradient);
    }

    private static uint Bits(float value) => BitConverter.SingleToUInt32Bits(value);
}
