using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LmProb.Generators.Diagnostics;
using LmProb.Generators.Emit;
using LmProb.Generators.Helpers;
using LmProb.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LmProb.Generators;

public sealed partial class KernelGenerator
{
    /// <summary>Largest vocabulary size accepted (2^24).</summary>
    internal const int MaxVocabSize = 1 << 24;

    /// <summary>
    /// Reads the declaration and its [LmKernels] attributes into a <see cref="KernelSpec"/>. Never
    /// throws: half-typed code (missing arguments, error types) is skipped, since the compiler
    /// reports it already.
    /// </summary>
    internal static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax declaration)
        {
            return ParseResult.Nothing;
        }

        // A partial class may carry attributes on several declarations; the one holding the first
        // of them speaks for all, so the class is emitted once.
        var attributes = type.GetAttributes()
            .Where(a => a.AttributeClass?.ToDisplayString() == AttributeMetadataName)
            .OrderBy(a => a.ApplicationSyntaxReference?.SyntaxTree.FilePath, StringComparer.Ordinal)
            .ThenBy(a => a.ApplicationSyntaxReference?.Span.Start ?? 0)
            .ToList();
        var first = attributes.FirstOrDefault()?.ApplicationSyntaxReference;
        if (first is null || first.SyntaxTree != declaration.SyntaxTree || !declaration.Span.Contains(first.Span))
        {
            return ParseResult.Nothing;
        }

        var diagnostics = ImmutableArray.CreateBuilder<DiagnosticInfo>();
        if (!type.IsStatic || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.ClassMustBeStaticPartial, declaration.Identifier.GetLocation(), type.Name));
            return ParseResult.Of(null, diagnostics);
        }

        var containingTypes = new List<ContainingTypeInfo>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            var outerDeclarations = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().ToList();
            if (outerDeclarations.Count == 0 || outerDeclarations.Any(d => !d.Modifiers.Any(SyntaxKind.PartialKeyword)))
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.ContainingTypeMustBePartial, declaration.Identifier.GetLocation(), outer.Name, type.Name));
                return ParseResult.Of(null, diagnostics);
            }
            containingTypes.Insert(0, new ContainingTypeInfo(Keyword(outerDeclarations[0]), Identifier(outer.Name), TypeParameterList(outer)));
        }

        cancellationToken.ThrowIfCancellationRequested();
        int? vocabSize = null;
        var elements = new List<ElementKernels>();
        foreach (var attribute in attributes)
        {
            var location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();
            if (!TryReadArguments(attribute, out var size, out var elementType, out var families))
            {
                continue;
            }
            if (size <= 0 || size > MaxVocabSize)
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.InvalidVocabSize, location, size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                continue;
            }
            if (!Enum.IsDefined(typeof(ElementType), elementType))
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.UndefinedElementType, location, elementType.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                continue;
            }
            if (vocabSize is { } declared && declared != size)
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.ConflictingVocabSizes, location, type.Name,
                    declared.ToString(System.Globalization.CultureInfo.InvariantCulture), size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                continue;
            }
            var element = (ElementType)elementType;
            if (elements.Any(e => e.ElementType == element))
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.DuplicateElementType, location, type.Name, element.ToString()));
                continue;
            }
            vocabSize = size;
            elements.Add(new ElementKernels(element, (KernelFamilies)families & KernelFamilies.All));
        }
        if (vocabSize is null)
        {
            return ParseResult.Of(null, diagnostics);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var clashes = FindClashes(type, elements);
        foreach (var clash in clashes)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.MemberNameClash, clash.Location, type.Name, clash.Name));
        }
        if (clashes.Count > 0)
        {
            return ParseResult.Of(null, diagnostics);
        }

        var spec = new KernelSpec(
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            containingTypes.ToEquatableArray(),
            Identifier(type.Name),
            TypeParameterList(type),
            HintName(type),
            vocabSize.Value,
            elements.ToEquatableArray());
        return ParseResult.Of(spec, diagnostics);
    }

    private static bool TryReadArguments(AttributeData attribute, out int vocabSize, out int elementType, out int families)
    {
        vocabSize = 0;
        elementType = 0;
        families = (int)KernelFamilies.All;
        if (attribute.ConstructorArguments.Length != 2
            || attribute.ConstructorArguments[0].Value is not int size
            || attribute.ConstructorArguments[1].Kind != TypedConstantKind.Enum
            || attribute.ConstructorArguments[1].Value is not int type)
        {
            return false;
        }
        vocabSize = size;
        elementType = type;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "Kernels" && named.Value.Value is int value)
            {
                families = value;
            }
        }
        return true;
    }

    /// <summary>User members that have the name and parameters of a member the generator would add.</summary>
    private static List<(string Name, Location? Location)> FindClashes(INamedTypeSymbol type, List<ElementKernels> elements)
    {
        var clashes = new List<(string, Location?)>();
        foreach (var member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared)
            {
                continue;
            }
            var location = member.Locations.FirstOrDefault();
            if (member.Name == "VocabSize")
            {
                clashes.Add((member.Name, location));
                continue;
            }
            if (member is INamedTypeSymbol nested && elements.Any(e => nested.Name == KernelNames.RowKernelsType(e.ElementType)))
            {
                clashes.Add((member.Name, location));
                continue;
            }
            if (member is not IMethodSymbol method)
            {
                continue;
            }
            var parameters = string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
            foreach (var element in elements)
            {
                if (KernelNames.GeneratedSignatures(element).Contains((method.Name, parameters)))
                {
                    clashes.Add((method.Name, location));
                    break;
                }
            }
        }
        return clashes;
    }

    private static string Keyword(TypeDeclarationSyntax declaration) => declaration switch
    {
        RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
        RecordDeclarationSyntax => "record",
        StructDeclarationSyntax => "struct",
        InterfaceDeclarationSyntax => "interface",
        _ => "class",
    };

    private static string TypeParameterList(INamedTypeSymbol type) =>
        type.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", type.TypeParameters.Select(p => Identifier(p.Name))) + ">";

    /// <summary>A name as it must be written in C#: <c>@class</c> for a type named <c>class</c>.</summary>
    private static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : "@" + name;

    /// <summary>The fully qualified metadata-style name, made safe for a file name: <c>Ns.Outer.Inner`1.g.cs</c>.</summary>
    private static string HintName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (ISymbol? symbol = type; symbol is INamedTypeSymbol named; symbol = named.ContainingType)
        {
            parts.Insert(0, named.MetadataName);
        }
        if (type.ContainingNamespace is { IsGlobalNamespace: false } ns)
        {
            parts.Insert(0, ns.ToDisplayString());
        }
        // No '@' (the namespace prints as @namespace when named like a keyword): AddSource rejects it.
        var name = string.Join(".", parts).Replace('`', '_').Replace("@", "");
        return name + ".LmKernels.g.cs";
    }
}
