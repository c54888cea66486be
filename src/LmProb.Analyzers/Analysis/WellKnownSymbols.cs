using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace LmProb.Analyzers.Analysis;

/// <summary>
/// The types the rules look for, resolved once per compilation and shared by every analyzer.
/// Any of them may be null (TorchSharp or LmProb not referenced, an old System.Numerics.Tensors):
/// the part of a rule that needs a missing type is simply off.
/// </summary>
internal sealed class WellKnownSymbols
{
    private static readonly ConditionalWeakTable<Compilation, WellKnownSymbols> Cache = new();

    private WellKnownSymbols(Compilation compilation)
    {
        Math = compilation.GetTypeByMetadataName("System.Math");
        MathF = compilation.GetTypeByMetadataName("System.MathF");
        Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
        MemoryExtensions = compilation.GetTypeByMetadataName("System.MemoryExtensions");
        Span = compilation.GetTypeByMetadataName("System.Span`1");
        ReadOnlySpan = compilation.GetTypeByMetadataName("System.ReadOnlySpan`1");
        Half = compilation.GetTypeByMetadataName("System.Half");
        TensorPrimitives = compilation.GetTypeByMetadataName("System.Numerics.Tensors.TensorPrimitives");

        Torch = compilation.GetTypeByMetadataName("TorchSharp.torch");
        TorchTensor = compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor");
        TorchFunctional = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+functional");

        Loss = compilation.GetTypeByMetadataName("LmProb.Loss");
        Probability = compilation.GetTypeByMetadataName("LmProb.Probability");
        Metrics = compilation.GetTypeByMetadataName("LmProb.Metrics");
        CrossEntropyResult = compilation.GetTypeByMetadataName("LmProb.CrossEntropyResult");
        CrossEntropyOptions = compilation.GetTypeByMetadataName("LmProb.CrossEntropyOptions");
        PerplexityResult = compilation.GetTypeByMetadataName("LmProb.PerplexityResult");
        BFloat16 = compilation.GetTypeByMetadataName("LmProb.BFloat16");
    }

    public INamedTypeSymbol? Math { get; }
    public INamedTypeSymbol? MathF { get; }
    public INamedTypeSymbol? Enumerable { get; }
    public INamedTypeSymbol? MemoryExtensions { get; }
    public INamedTypeSymbol? Span { get; }
    public INamedTypeSymbol? ReadOnlySpan { get; }
    public INamedTypeSymbol? Half { get; }

    /// <summary><c>System.Numerics.Tensors.TensorPrimitives</c>, when the package is referenced.</summary>
    public INamedTypeSymbol? TensorPrimitives { get; }

    /// <summary><c>TorchSharp.torch</c>; every TorchSharp call the rules know is a member of it or of a type nested in it.</summary>
    public INamedTypeSymbol? Torch { get; }
    public INamedTypeSymbol? TorchTensor { get; }
    public INamedTypeSymbol? TorchFunctional { get; }

    public INamedTypeSymbol? Loss { get; }
    public INamedTypeSymbol? Probability { get; }
    public INamedTypeSymbol? Metrics { get; }
    public INamedTypeSymbol? CrossEntropyResult { get; }
    public INamedTypeSymbol? CrossEntropyOptions { get; }
    public INamedTypeSymbol? PerplexityResult { get; }
    public INamedTypeSymbol? BFloat16 { get; }

    /// <summary>The symbols of <paramref name="compilation"/>, computed on first use.</summary>
    public static WellKnownSymbols Get(Compilation compilation) =>
        Cache.GetValue(compilation, static c => new WellKnownSymbols(c));
}
