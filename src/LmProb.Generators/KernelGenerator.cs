using System.Collections.Immutable;
using LmProb.Generators.Diagnostics;
using LmProb.Generators.Emit;
using LmProb.Generators.Helpers;
using LmProb.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LmProb.Generators;

/// <summary>
/// Adds kernels specialized for one vocabulary size and a set of element types to every
/// <c>static partial class</c> marked with <c>[LmKernels(vocabSize, elementType)]</c>.
/// </summary>
/// <remarks>
/// Pipeline: <c>ForAttributeWithMetadataName</c> (syntax-only predicate) → <see cref="Parse"/>
/// turns the symbol into a value-equatable <see cref="KernelSpec"/> plus diagnostics → the spec
/// goes to the emitters and the diagnostics to their own output, so a change that only affects
/// diagnostics does not re-emit code.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed partial class KernelGenerator : IIncrementalGenerator
{
    /// <summary>The attribute the generator looks for.</summary>
    public const string AttributeMetadataName = "LmProb.LmKernelsAttribute";

    /// <summary>Names of the pipeline steps, for incrementality tests.</summary>
    public static class TrackingNames
    {
        /// <summary>The parse of each attributed class.</summary>
        public const string Parse = "LmKernels.Parse";

        /// <summary>The specs that have kernels to emit.</summary>
        public const string Specs = "LmKernels.Specs";

        /// <summary>The diagnostics of each class.</summary>
        public const string Diagnostics = "LmKernels.Diagnostics";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeMetadataName,
                predicate: static (node, _) => node is ClassDeclarationSyntax,
                transform: static (attributeContext, cancellationToken) => Parse(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        var specs = parsed
            .Select(static (result, _) => result.Spec)
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.Specs);

        var diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .Where(static list => list.Length > 0)
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(specs, static (output, spec) =>
            output.AddSource(spec.HintName, KernelFileEmitter.Emit(spec, output.CancellationToken)));

        context.RegisterSourceOutput(diagnostics, static (output, list) =>
        {
            foreach (var diagnostic in list)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
    }

    /// <summary>What <see cref="Parse"/> found: a spec to emit (null when the declaration cannot be extended) and diagnostics.</summary>
    internal sealed record ParseResult(KernelSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics)
    {
        public static readonly ParseResult Nothing = new(null, EquatableArray<DiagnosticInfo>.Empty);

        public static ParseResult Of(KernelSpec? spec, ImmutableArray<DiagnosticInfo>.Builder diagnostics) =>
            new(spec, new EquatableArray<DiagnosticInfo>(diagnostics.ToImmutable()));
    }
}
