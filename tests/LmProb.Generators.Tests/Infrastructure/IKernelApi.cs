using System;

namespace LmProb.Generators.Tests.Infrastructure;

/// <summary>
/// The kernels one element type gets from <c>[LmKernels]</c>, as an interface, so that the
/// generated kernels (behind a small adapter compiled with them) and the runtime's generic API
/// can be called by the same test code. Public because the in-memory compilation implements it.
/// </summary>
/// <typeparam name="T"><see cref="float"/>, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
public interface IKernelApi<T>
    where T : unmanaged
{
    /// <summary>The row length.</summary>
    int VocabSize { get; }

    /// <summary>Softmax of one row.</summary>
    void Softmax(ReadOnlySpan<T> logits, Span<T> destination);

    /// <summary>Log-softmax of one row.</summary>
    void LogSoftmax(ReadOnlySpan<T> logits, Span<T> destination);

    /// <summary>Log-sum-exp of one row.</summary>
    float LogSumExp(ReadOnlySpan<T> logits);

    /// <summary>Cross-entropy of one row.</summary>
    float CrossEntropy(ReadOnlySpan<T> logits, int target);

    /// <summary>Cross-entropy of one row and its gradient.</summary>
    float CrossEntropy(ReadOnlySpan<T> logits, int target, Span<float> gradient);

    /// <summary>Batched cross-entropy over rows of <see cref="VocabSize"/>.</summary>
    CrossEntropyResult CrossEntropy(ReadOnlySpan<T> logits, ReadOnlySpan<int> targets, CrossEntropyOptions? options);

    /// <summary>Top-k of one row.</summary>
    int TopK(ReadOnlySpan<T> logits, Span<int> indices, Span<float> values);
}

/// <summary>The runtime's generic API (any row length) for float rows.</summary>
internal sealed class RuntimeFloat32Api(int vocabSize) : IKernelApi<float>
{
    public int VocabSize => vocabSize;

    public void Softmax(ReadOnlySpan<float> logits, Span<float> destination) => Probability.Softmax(logits, destination);

    public void LogSoftmax(ReadOnlySpan<float> logits, Span<float> destination) => Probability.LogSoftmax(logits, destination);

    public float LogSumExp(ReadOnlySpan<float> logits) => Probability.LogSumExp(logits);

    public float CrossEntropy(ReadOnlySpan<float> logits, int target) => Loss.CrossEntropy(logits, target);

    public float CrossEntropy(ReadOnlySpan<float> logits, int target, Span<float> gradient) => Loss.CrossEntropy(logits, target, gradient);

    public CrossEntropyResult CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, CrossEntropyOptions? options) =>
        Loss.CrossEntropy(logits, vocabSize, targets, options);

    public int TopK(ReadOnlySpan<float> logits, Span<int> indices, Span<float> values) => Decoding.TopK(logits, indices, values);
}

/// <summary>The runtime's generic API for Half rows.</summary>
internal sealed class RuntimeFloat16Api(int vocabSize) : IKernelApi<Half>
{
    public int VocabSize => vocabSize;

    public void Softmax(ReadOnlySpan<Half> logits, Span<Half> destination) => Probability.Softmax(logits, destination);

    public void LogSoftmax(ReadOnlySpan<Half> logits, Span<Half> destination) => Probability.LogSoftmax(logits, destination);

    public float LogSumExp(ReadOnlySpan<Half> logits) => Probability.LogSumExp(logits);

    public float CrossEntropy(ReadOnlySpan<Half> logits, int target) => Loss.CrossEntropy(logits, target);

    public float CrossEntropy(ReadOnlySpan<Half> logits, int target, Span<float> gradient) => Loss.CrossEntropy(logits, target, gradient);

    public CrossEntropyResult CrossEntropy(ReadOnlySpan<Half> logits, ReadOnlySpan<int> targets, CrossEntropyOptions? options) =>
        Loss.CrossEntropy(logits, vocabSize, targets, options);

    public int TopK(ReadOnlySpan<Half> logits, Span<int> indices, Span<float> values) => Decoding.TopK(logits, indices, values);
}

/// <summary>The runtime's generic API for bfloat16 rows.</summary>
internal sealed class RuntimeBFloat16Api(int vocabSize) : IKernelApi<BFloat16>
{
    public int VocabSize => vocabSize;

    public void Softmax(ReadOnlySpan<BFloat16> logits, Span<BFloat16> destination) => Probability.Softmax(logits, destination);

    public void LogSoftmax(ReadOnlySpan<BFloat16> logits, Span<BFloat16> destination) => Probability.LogSoftmax(logits, destination);

    public float LogSumExp(ReadOnlySpan<BFloat16> logits) => Probability.LogSumExp(logits);

    public float CrossEntropy(ReadOnlySpan<BFloat16> logits, int target) => Loss.CrossEntropy(logits, target);

    public float CrossEntropy(ReadOnlySpan<BFloat16> logits, int target, Span<float> gradient) => Loss.CrossEntropy(logits, target, gradient);

    public CrossEntropyResult CrossEntropy(ReadOnlySpan<BFloat16> logits, ReadOnlySpan<int> targets, CrossEntropyOptions? options) =>
        Loss.CrossEntropy(logits, vocabSize, targets, options);

    public int TopK(ReadOnlySpan<BFloat16> logits, Span<int> indices, Span<float> values) => Decoding.TopK(logits, indices, values);
}
