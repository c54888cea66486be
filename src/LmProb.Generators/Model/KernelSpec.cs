using LmProb.Generators.Helpers;

namespace LmProb.Generators.Model;

/// <summary>
/// Everything the emitters need to write the kernels of one class: plain values only (no symbols,
/// syntax or compilation), so equal declarations give equal specs and the pipeline caches.
/// </summary>
/// <param name="Namespace">The class's namespace, or null for the global namespace.</param>
/// <param name="ContainingTypes">The types the class is nested in, outermost first.</param>
/// <param name="ClassName">The class's name.</param>
/// <param name="TypeParameters">The class's type parameter list (<c>&lt;T&gt;</c>), or empty.</param>
/// <param name="HintName">A file name unique in the compilation.</param>
/// <param name="VocabSize">The row length every kernel is specialized for.</param>
/// <param name="Elements">One entry per element type, in declaration order.</param>
internal sealed record KernelSpec(
    string? Namespace,
    EquatableArray<ContainingTypeInfo> ContainingTypes,
    string ClassName,
    string TypeParameters,
    string HintName,
    int VocabSize,
    EquatableArray<ElementKernels> Elements);

/// <summary>A type a kernel class is nested in: its keyword (<c>class</c>, <c>record struct</c>, …), name and type parameters.</summary>
internal sealed record ContainingTypeInfo(string Keyword, string Name, string TypeParameters);

/// <summary>The kernel families requested for one element type.</summary>
/// <param name="ElementType">The <c>KernelElementType</c> value (0 Float32, 1 Float16, 2 BFloat16).</param>
/// <param name="Families">The <c>KernelFamilies</c> flags.</param>
internal readonly record struct ElementKernels(ElementType ElementType, KernelFamilies Families);

/// <summary>Mirrors <c>LmProb.KernelElementType</c>.</summary>
internal enum ElementType
{
    Float32 = 0,
    Float16 = 1,
    BFloat16 = 2,
}

/// <summary>Mirrors <c>LmProb.KernelFamilies</c>.</summary>
[System.Flags]
internal enum KernelFamilies
{
    None = 0,
    Softmax = 1,
    LogSoftmax = 2,
    LogSumExp = 4,
    CrossEntropy = 8,
    TopK = 16,
    All = Softmax | LogSoftmax | LogSumExp | CrossEntropy | TopK,
}
