using System;
using System.Collections.Immutable;
using System.IO;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LmProb.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace LmProb.Analyzers.Tests.Infrastructure;

/// <summary>
/// What every test compilation references: the .NET 10 reference assemblies from
/// Basic.Reference.Assemblies (Microsoft.CodeAnalysis.Testing's own package download cannot work
/// here), LmProb.Runtime, System.Numerics.Tensors, and TorchSharp's managed assembly.
/// </summary>
internal static class TestReferences
{
    /// <summary>Turns analyzer exceptions back on: the analyzers swallow them in production (see AnalyzerGuard).</summary>
    [ModuleInitializer]
    internal static void RethrowAnalyzerExceptions() => AppContext.SetSwitch(AnalyzerGuard.RethrowSwitch, true);

    /// <summary>An empty set of reference packages: the references come from <see cref="All"/>.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    public static ImmutableArray<MetadataReference> All { get; } = Create();

    private static ImmutableArray<MetadataReference> Create()
    {
        var references = ImmutableArray.CreateBuilder<MetadataReference>();
        references.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        references.Add(MetadataReference.CreateFromFile(typeof(Loss).Assembly.Location));
        references.Add(MetadataReference.CreateFromFile(typeof(TensorPrimitives).Assembly.Location));

        // By path, not typeof(TorchSharp.torch): nothing of TorchSharp is loaded or run, so its
        // native library (which is not on this machine) is never looked for.
        var torchSharp = Path.Combine(AppContext.BaseDirectory, "TorchSharp.dll");
        if (File.Exists(torchSharp))
        {
            references.Add(MetadataReference.CreateFromFile(torchSharp));
        }

        return references.ToImmutable();
    }

    public static void Configure(SolutionState state)
    {
        state.AdditionalReferences.AddRange(All);
    }
}
