using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Analysis;

/// <summary>
/// Recognizes calls by symbol: <c>Math</c>/<c>MathF</c>/<c>float</c>/<c>double</c>, LINQ,
/// <c>TensorPrimitives</c>, TorchSharp and LmProb. A type the compilation does not have never matches.
/// </summary>
internal sealed class KnownCalls
{
    public KnownCalls(WellKnownSymbols symbols) => Symbols = symbols;

    public WellKnownSymbols Symbols { get; }

    public static bool Is(ITypeSymbol? type, ITypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, expected);

    /// <summary>
    /// A scalar function of <c>Math</c>, <c>MathF</c>, <c>float</c>, <c>double</c>, <c>Half</c> or a
    /// generic-math interface (<c>T.Exp(x)</c>) with <paramref name="parameters"/> parameters.
    /// </summary>
    public bool IsScalarMath(IMethodSymbol method, string name, int parameters = 1)
    {
        if (method.Name != name || method.Parameters.Length != parameters || method.ContainingType is not { } type)
        {
            return false;
        }

        if (Is(type, Symbols.Math) || Is(type, Symbols.MathF) || Is(type, Symbols.Half)
            || type.SpecialType is SpecialType.System_Single or SpecialType.System_Double)
        {
            return true;
        }

        return type.TypeKind == TypeKind.Interface && type.ContainingNamespace?.ToDisplayString() == "System.Numerics";
    }

    public bool IsTensorPrimitives(IMethodSymbol method, string name) =>
        method.Name == name && Is(method.ContainingType, Symbols.TensorPrimitives);

    public bool IsEnumerable(IMethodSymbol method, string name) =>
        method.Name == name && Is(method.ContainingType, Symbols.Enumerable);

    public bool IsEnumerable(IMethodSymbol method) => Is(method.ContainingType, Symbols.Enumerable);

    public bool IsLoss(IMethodSymbol method, string name) => method.Name == name && Is(method.ContainingType, Symbols.Loss);

    public bool IsProbability(IMethodSymbol method, string name) =>
        method.Name == name && Is(method.ContainingType, Symbols.Probability);

    public bool IsMetrics(IMethodSymbol method, string name) => method.Name == name && Is(method.ContainingType, Symbols.Metrics);

    /// <summary>A member of <c>TorchSharp.torch</c> or of a type nested in it (<c>torch.nn.functional</c>, <c>torch.Tensor</c>, <c>torch.special</c>).</summary>
    public bool IsTorch(IMethodSymbol method, string name) => method.Name == name && IsInTorch(method.ContainingType);

    public bool IsInTorch(ITypeSymbol? type)
    {
        if (Symbols.Torch is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (Is(current, Symbols.Torch))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="type"/> is a TorchSharp tensor.</summary>
    public bool IsTensor(ITypeSymbol? type) => Is(type, Symbols.TorchTensor);

    /// <summary>A TorchSharp module class (<c>TorchSharp.Modules.CrossEntropyLoss</c>) or a class derived from it.</summary>
    public bool IsTorchModule(ITypeSymbol? type, string name)
    {
        if (Symbols.Torch is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.Name == name && current.ContainingNamespace?.ToDisplayString() == "TorchSharp.Modules")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="type"/> is <c>Span&lt;T&gt;</c> (a destination a call may write).</summary>
    public bool IsSpan(ITypeSymbol? type) => Is(type, Symbols.Span);

    /// <summary>The element type of an array, span, list or other <c>IEnumerable&lt;T&gt;</c>; null for anything else.</summary>
    public static ITypeSymbol? ElementType(ITypeSymbol? type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return array.ElementType;
            case INamedTypeSymbol { IsGenericType: true } named when named.TypeArguments.Length == 1:
                return named.TypeArguments[0];
            default:
                return null;
        }
    }

    /// <summary>
    /// A call whose result aliases its receiver's storage (<c>AsSpan</c>, <c>Slice</c>): writes to
    /// the result are writes to the receiver.
    /// </summary>
    public bool IsAliasingView(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        switch (method.Name)
        {
            case "AsSpan":
            case "AsMemory":
                return Is(method.ContainingType, Symbols.MemoryExtensions);
            case "Slice":
                return Is(method.ContainingType, Symbols.Span) || Is(method.ContainingType, Symbols.ReadOnlySpan);
            default:
                return false;
        }
    }

    /// <summary>
    /// A call whose result holds (a subset of) the receiver's values in the receiver's order: views,
    /// copies, LINQ filters, TorchSharp reshapes and dtype conversions.
    /// </summary>
    public bool IsPassThrough(IInvocationOperation invocation)
    {
        if (IsAliasingView(invocation))
        {
            return true;
        }

        var method = invocation.TargetMethod;
        if (IsEnumerable(method))
        {
            switch (method.Name)
            {
                case "ToArray":
                case "ToList":
                case "AsEnumerable":
                case "Where":
                case "Take":
                case "Skip":
                case "TakeLast":
                case "SkipLast":
                case "Reverse":
                case "Distinct":
                case "OrderBy":
                case "OrderByDescending":
                case "Append":
                case "Prepend":
                case "Concat":
                    return true;
                default:
                    return false;
            }
        }

        if (method.Name == "ToArray" && (Is(method.ContainingType, Symbols.Span) || Is(method.ContainingType, Symbols.ReadOnlySpan)))
        {
            return true;
        }

        if (method.ContainingType?.Name == "List" && method.ContainingType.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic")
        {
            return method.Name is "ToArray" or "AsReadOnly";
        }

        if (invocation.Instance is not null && IsTensor(invocation.Instance.Type) && IsTensor(method.ReturnType))
        {
            switch (method.Name)
            {
                case "view":
                case "reshape":
                case "flatten":
                case "contiguous":
                case "clone":
                case "detach":
                case "cpu":
                case "cuda":
                case "to":
                case "to_type":
                case "float":
                case "double":
                case "half":
                case "bfloat16":
                case "long":
                case "squeeze":
                case "unsqueeze":
                case "view_as":
                case "reshape_as":
                case "type_as":
                case "narrow":
                case "slice":
                case "index":
                case "transpose":
                case "permute":
                    return true;
            }
        }

        return false;
    }
}
