using System;
using System.Runtime.InteropServices;

namespace LmProb;

/// <summary>
/// Sends a generic call to the generated kernels of a common vocabulary when the row length is
/// one of them. Results are bit-identical to the generic path (both follow the IRowKernels
/// contract), so this only changes speed. Each table lists the generated method of every class
/// in <see cref="VocabSizes"/> order; <c>typeof(T)</c> picks the table at JIT time.
/// </summary>
internal static unsafe partial class CommonVocabularies
{
    /// <summary>The families the runtime generates for itself (not TopK, which forwards to Decoding.TopK).</summary>
    public const KernelFamilies Families = KernelFamilies.Softmax | KernelFamilies.LogSoftmax | KernelFamilies.LogSumExp | KernelFamilies.CrossEntropy;

    /// <summary>The vocabulary sizes with generated kernels, in table order.</summary>
    public static ReadOnlySpan<int> VocabSizes => [32000, 32768, 50257, 128256, 151936, 256000];

    public static bool TryLogSumExp<T>(ReadOnlySpan<T> logits, out float result)
        where T : unmanaged
    {
        var index = IndexOf(logits.Length);
        if (index < 0)
        {
            result = default;
            return false;
        }
        result = typeof(T) == typeof(float) ? LogSumExpSingle[index](Cast<T, float>(logits))
            : typeof(T) == typeof(Half) ? LogSumExpHalf[index](Cast<T, Half>(logits))
            : LogSumExpBFloat16[index](Cast<T, BFloat16>(logits));
        return true;
    }

    public static bool TrySoftmax<T>(ReadOnlySpan<T> logits, Span<T> destination)
        where T : unmanaged
    {
        var index = IndexOf(logits.Length);
        if (index < 0)
        {
            return false;
        }
        if (typeof(T) == typeof(float))
        {
            SoftmaxSingle[index](Cast<T, float>(logits), Cast<T, float>(destination));
        }
        else if (typeof(T) == typeof(Half))
        {
            SoftmaxHalf[index](Cast<T, Half>(logits), Cast<T, Half>(destination));
        }
        else
        {
            SoftmaxBFloat16[index](Cast<T, BFloat16>(logits), Cast<T, BFloat16>(destination));
        }
        return true;
    }

    public static bool TryLogSoftmax<T>(ReadOnlySpan<T> logits, Span<T> destination)
        where T : unmanaged
    {
        var index = IndexOf(logits.Length);
        if (index < 0)
        {
            return false;
        }
        if (typeof(T) == typeof(float))
        {
            LogSoftmaxSingle[index](Cast<T, float>(logits), Cast<T, float>(destination));
        }
        else if (typeof(T) == typeof(Half))
        {
            LogSoftmaxHalf[index](Cast<T, Half>(logits), Cast<T, Half>(destination));
        }
        else
        {
            LogSoftmaxBFloat16[index](Cast<T, BFloat16>(logits), Cast<T, BFloat16>(destination));
        }
        return true;
    }

    public static bool TryCrossEntropy<T>(ReadOnlySpan<T> logits, int target, out float result)
        where T : unmanaged
    {
        var index = IndexOf(logits.Length);
        if (index < 0)
        {
            result = default;
            return false;
        }
        result = typeof(T) == typeof(float) ? CrossEntropyRowSingle[index](Cast<T, float>(logits), target)
            : typeof(T) == typeof(Half) ? CrossEntropyRowHalf[index](Cast<T, Half>(logits), target)
            : CrossEntropyRowBFloat16[index](Cast<T, BFloat16>(logits), target);
        return true;
    }

    public static bool TryCrossEntropy<T>(ReadOnlySpan<T> logits, int target, Span<float> gradient, out float result)
        where T : unmanaged
    {
        var index = IndexOf(logits.Length);
        if (index < 0)
        {
            result = default;
            return false;
        }
        result = typeof(T) == typeof(float) ? CrossEntropyGradientSingle[index](Cast<T, float>(logits), target, gradient)
            : typeof(T) == typeof(Half) ? CrossEntropyGradientHalf[index](Cast<T, Half>(logits), target, gradient)
            : CrossEntropyGradientBFloat16[index](Cast<T, BFloat16>(logits), target, gradient);
        return true;
    }

    public static bool TryCrossEntropy<T>(ReadOnlySpan<T> logits, int vocabSize, ReadOnlySpan<int> targets, CrossEntropyOptions? options, out CrossEntropyResult result)
        where T : unmanaged
    {
        var index = IndexOf(vocabSize);
        if (index < 0)
        {
            result = default;
            return false;
        }
        result = typeof(T) == typeof(float) ? CrossEntropyBatchSingle[index](Cast<T, float>(logits), targets, options)
            : typeof(T) == typeof(Half) ? CrossEntropyBatchHalf[index](Cast<T, Half>(logits), targets, options)
            : CrossEntropyBatchBFloat16[index](Cast<T, BFloat16>(logits), targets, options);
        return true;
    }

    /// <summary>The table index of a vocabulary size, or -1.</summary>
    private static int IndexOf(int vocabSize) => vocabSize switch
    {
        32000 => 0,
        32768 => 1,
        50257 => 2,
        128256 => 3,
        151936 => 4,
        256000 => 5,
        _ => -1,
    };

    private static ReadOnlySpan<TTo> Cast<T, TTo>(ReadOnlySpan<T> span)
        where T : unmanaged
        where TTo : unmanaged => MemoryMarshal.Cast<T, TTo>(span);

    private static Span<TTo> Cast<T, TTo>(Span<T> span)
        where T : unmanaged
        where TTo : unmanaged => MemoryMarshal.Cast<T, TTo>(span);

    private static readonly delegate*<ReadOnlySpan<float>, float>[] LogSumExpSingle =
        [&Vocabulary32000.LogSumExp, &Vocabulary32768.LogSumExp, &Vocabulary50257.LogSumExp, &Vocabulary128256.LogSumExp, &Vocabulary151936.LogSumExp, &Vocabulary256000.LogSumExp];

    private static readonly delegate*<ReadOnlySpan<Half>, float>[] LogSumExpHalf =
        [&Vocabulary32000.LogSumExp, &Vocabulary32768.LogSumExp, &Vocabulary50257.LogSumExp, &Vocabulary128256.LogSumExp, &Vocabulary151936.LogSumExp, &Vocabulary256000.LogSumExp];

    private static readonly delegate*<ReadOnlySpan<BFloat16>, float>[] LogSumExpBFloat16 =
        [&Vocabulary32000.LogSumExp, &Vocabulary32768.LogSumExp, &Vocabulary50257.LogSumExp, &Vocabulary128256.LogSumExp, &Vocabulary151936.LogSumExp, &Vocabulary256000.LogSumExp];

    private static readonly delegate*<ReadOnlySpan<float>, Span<float>, void>[] SoftmaxSingle =
        [&Vocabulary32000.Softmax, &Vocabulary32768.Softmax, &Vocabulary50257.Softmax, &Vocabulary128256.Softmax, &Vocabulary151936.Softmax, &Vocabulary256000.Softmax];

    private static readonly delegate*<ReadOnlySpan<Half>, Span<Half>, void>[] SoftmaxHalf =
        [&Vocabulary32000.Softmax, &Vocabulary32768.Softmax, &Vocabulary50257.Softmax, &Vocabulary128256.Softmax, &Vocabulary151936.Softmax, &Vocabulary256000.Softmax];

    private static readonly delegate*<ReadOnlySpan<BFloat16>, Span<BFloat16>, void>[] SoftmaxBFloat16 =
        [&Vocabulary32000.Softmax, &Vocabulary32768.Softmax, &Vocabulary50257.Softmax, &Vocabulary128256.Softmax, &Vocabulary151936.Softmax, &Vocabulary256000.Softmax];

    private static readonly delegate*<ReadOnlySpan<float>, Span<float>, void>[] LogSoftmaxSingle =
        [&Vocabulary32000.LogSoftmax, &Vocabulary32768.LogSoftmax, &Vocabulary50257.LogSoftmax, &Vocabulary128256.LogSoftmax, &Vocabulary151936.LogSoftmax, &Vocabulary256000.LogSoftmax];

    private static readonly delegate*<ReadOnlySpan<Half>, Span<Half>, void>[] LogSoftmaxHalf =
        [&Vocabulary32000.LogSoftmax, &Vocabulary32768.LogSoftmax, &Vocabulary50257.LogSoftmax, &Vocabulary128256.LogSoftmax, &Vocabulary151936.LogSoftmax, &Vocabulary256000.LogSoftmax];

    private static readonly delegate*<ReadOnlySpan<BFloat16>, Span<BFloat16>, void>[] LogSoftmaxBFloat16 =
        [&Vocabulary32000.LogSoftmax, &Vocabulary32768.LogSoftmax, &Vocabulary50257.LogSoftmax, &Vocabulary128256.LogSoftmax, &Vocabulary151936.LogSoftmax, &Vocabulary256000.LogSoftmax];

    private static readonly delegate*<ReadOnlySpan<float>, int, float>[] CrossEntropyRowSingle =
        [&Vocabulary32000.CrossEntropy, &Vocabulary32768.CrossEntropy, &Vocabulary50257.CrossEntropy, &Vocabulary128256.CrossEntropy, &Vocabulary151936.CrossEntropy, &Vocabulary256000.CrossEntropy];

    private static readonly delegate*<ReadOnlySpan<Half>, int, float>[] CrossEntropyRowHalf =
        [&Vocabulary32000.CrossEntropy, &Vocabulary32768.CrossEntropy, &Vocabulary50257.CrossEntropy, &Vocabulary128256.CrossEntropy, &Vocabulary151936.CrossEntropy, &Vocabulary256000.CrossEntropy];

    private static readonly delegate*<ReadOnlySpan<BFloat16>, int, float>[] CrossEntropyRowBFloat16 =
        [&Vocabulary32000.CrossEntropy, &Vocabulary32768.CrossEntropy, &Vocabulary50257.CrossEntropy, &Vocabulary128256.CrossEntropy, &Vocabulary151936.CrossEntropy, &Vocabulary256000.CrossEntropy];

    private static readonly delegate*<ReadOnlySpan<float>, int, Span<float>, float>[] CrossEntropyGradientSingle =
        [&Vocabulary32000.CrossEntropy, &Vocabulary32768.CrossEntropy, &Vocabulary50257.CrossEntropy, &Vocabulary128256.CrossEntropy, &Vocabulary151936.CrossEntropy, &Vocabulary256000.CrossEntropy];

    private static readonly delegate*<ReadOnlySpan<Half>, int, Span<float>, float>[] CrossEntropyGradientHalf =
        [&Vocabulary32000.CrossEntropy, &Vocabulary32768.CrossEntropy, &Vocabulary50257.CrossEntropy, &Vocabulary128256.CrossEntropy, &Vocabulary151936.CrossEntropy, &Vocabulary256000.CrossEntropy];

    private static readonly delegate*<ReadOnlySpan<BFloat16>, int, Span<float>, float>[] CrossEntropyGradientBFloat16 =
        [&Vocabulary32000.CrossEntropy, &Vocabulary32768.CrossEntropy, &Vocabulary50257.CrossEntropy, &Vocabulary128256.CrossEntropy, &Vocabulary151936.CrossEntropy, &Vocabulary256000.CrossEntropy];

    private static readonly delegate*<ReadOnlySpan<float>, ReadOnlySpan<int>, CrossEntropyOptions?, CrossEntropyResult>[] CrossEntropyBatchSingle =
        [&Vocabulary32000.CrossEntropy, &Vocabulary32768.CrossEntropy, &Vocabulary50257.CrossEntropy, &Vocabulary128256.CrossEntropy, &Vocabulary151936.CrossEntropy, &Vocabulary256000.CrossEntropy];

    private static readonly delegate*<ReadOnlySpan<Half>, ReadOnlySpan<int>, CrossEntropyOptions?, CrossEntropyResult>[] CrossEntropyBatchHalf =
        [&Vocabulary32000.CrossEntropy, &Vocabulary32768.CrossEntropy, &Vocabulary50257.CrossEntropy, &Vocabulary128256.CrossEntropy, &Vocabulary151936.CrossEntropy, &Vocabulary256000.CrossEntropy];

    private static readonly delegate*<ReadOnlySpan<BFloat16>, ReadOnlySpan<int>, CrossEntropyOptions?, CrossEntropyResult>[] CrossEntropyBatchBFloat16 =
        [&Vocabulary32000.CrossEntropy, &Vocabulary32768.CrossEntropy, &Vocabulary50257.CrossEntropy, &Vocabulary128256.CrossEntropy, &Vocabulary151936.CrossEntropy, &Vocabulary256000.CrossEntropy];
}
