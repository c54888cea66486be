using System;

namespace LmProb;

/// <summary>
/// Asks the LmProb source generator to add kernels specialized for one vocabulary size and one
/// element type to a <c>static partial class</c>. Apply it once per element type; every use on a
/// class must name the same vocabulary size.
/// </summary>
/// <example>
/// <code>
/// [LmKernels(32000, KernelElementType.BFloat16)]
/// [LmKernels(32000, KernelElementType.Float32)]
/// public static partial class Llama2Kernels;
///
/// float loss = Llama2Kernels.CrossEntropy(bf16Logits, target);
/// </code>
/// </example>
/// <param name="vocabSize">The row length every generated kernel works on, in [1, 2^24].</param>
/// <param name="elementType">The element type of the logits the kernels take.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LmKernelsAttribute(int vocabSize, KernelElementType elementType) : Attribute
{
    /// <summary>The row length every generated kernel works on.</summary>
    public int VocabSize { get; } = vocabSize;

    /// <summary>The element type of the logits the generated kernels take.</summary>
    public KernelElementType ElementType { get; } = elementType;

    /// <summary>Which kernel families to generate; all of them by default.</summary>
    public KernelFamilies Kernels { get; set; } = KernelFamilies.All;
}

/// <summary>The element types <see cref="LmKernelsAttribute"/> can specialize for.</summary>
public enum KernelElementType
{
    /// <summary><see cref="float"/> (IEEE binary32).</summary>
    Float32 = 0,

    /// <summary><see cref="System.Half"/> (IEEE binary16).</summary>
    Float16 = 1,

    /// <summary><see cref="LmProb.BFloat16"/>.</summary>
    BFloat16 = 2,
}

/// <summary>The kernel families <see cref="LmKernelsAttribute"/> can generate.</summary>
[Flags]
public enum KernelFamilies
{
    /// <summary>No kernels (only <c>VocabSize</c>).</summary>
    None = 0,

    /// <summary><c>Softmax(logits, destination)</c>.</summary>
    Softmax = 1,

    /// <summary><c>LogSoftmax(logits, destination)</c>.</summary>
    LogSoftmax = 2,

    /// <summary><c>LogSumExp(logits)</c>.</summary>
    LogSumExp = 4,

    /// <summary><c>CrossEntropy</c>: one row, one row with gradient, and batched rows with options.</summary>
    CrossEntropy = 8,

    /// <summary><c>TopK(logits, indices, values)</c>.</summary>
    TopK = 16,

    /// <summary>Every family.</summary>
    All = Softmax | LogSoftmax | LogSumExp | CrossEntropy | TopK,
}
