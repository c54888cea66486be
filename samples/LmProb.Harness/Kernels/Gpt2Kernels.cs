using LmProb;

namespace LmProb.Harness.Kernels;

/// <summary>
/// Kernels the LmProb source generator writes for GPT-2's vocabulary, as a user would declare them: the
/// generator adds <c>VocabSize</c> and, per element type, Softmax, LogSoftmax, LogSumExp, CrossEntropy
/// (row, row with gradient, batch) and TopK with 50257 as a constant.
/// </summary>
[LmKernels(50257, KernelElementType.BFloat16)]
[LmKernels(50257, KernelElementType.Float32)]
internal static partial class Gpt2Kernels;
