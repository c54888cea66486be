using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Sdk;

namespace LmProb.Generators.Tests.Infrastructure;

/// <summary>
/// Builds in-memory compilations of user code against the net10.0 reference assemblies and
/// LmProb.Runtime, and runs <see cref="KernelGenerator"/> over them.
/// </summary>
internal static class GeneratorHarness
{
    /// <summary>
    /// The newest language version, with documentation comments parsed and checked, so bad
    /// <c>cref</c>s and undocumented public members in generated code show up as warnings.
    /// </summary>
    public static readonly CSharpParseOptions ParseOptions =
        new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    /// <summary>
    /// A library with nullable enabled, every warning wave on, and no unsafe code allowed (the
    /// generated code must not need it). Warnings are reported as warnings so tests can list them.
    /// </summary>
    public static readonly CSharpCompilationOptions CompilationOptions =
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithWarningLevel(9999)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithDeterministic(true)
            .WithAllowUnsafe(false);

    /// <summary>net10.0 reference assemblies plus LmProb.Runtime (the attribute and <c>RowKernelHost</c>).</summary>
    public static readonly ImmutableArray<MetadataReference> References =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(Loss).Assembly.Location),
    ];

    /// <summary>A compilation of the given sources, named <c>Source0.cs</c>, <c>Source1.cs</c>, ….</summary>
    public static CSharpCompilation Compilation(params string[] sources) =>
        Compilation(sources.Select((text, i) => ($"Source{i}.cs", text)));

    /// <summary>A compilation of the given (path, text) sources.</summary>
    public static CSharpCompilation Compilation(IEnumerable<(string Path, string Text)> sources, string assemblyName = "UserCode", IEnumerable<MetadataReference>? extraReferences = null) =>
        CSharpCompilation.Create(
            assemblyName,
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path)),
            extraReferences is null ? References : References.AddRange(extraReferences),
            CompilationOptions);

    /// <summary>A driver for <see cref="KernelGenerator"/>, tracking incremental steps when asked.</summary>
    public static GeneratorDriver Driver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new KernelGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator once over <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(CSharpCompilation compilation, CancellationToken cancellationToken = default)
    {
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics, cancellationToken);
        return new GeneratorRun(compilation, output, driver.GetRunResult(), driverDiagnostics);
    }

    /// <summary>Runs the generator over the given sources.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(Compilation(sources));
}

/// <summary>One generator run: its input and output compilations and what the driver reported.</summary>
internal sealed record GeneratorRun(
    CSharpCompilation Input,
    Compilation Output,
    GeneratorDriverRunResult Result,
    ImmutableArray<Diagnostic> DriverDiagnostics)
{
    /// <summary>The files the generator added, by hint name.</summary>
    public ImmutableArray<GeneratedSourceResult> Sources => Result.Results.Single().GeneratedSources;

    /// <summary>The diagnostics the generator reported.</summary>
    public ImmutableArray<Diagnostic> Diagnostics => Result.Diagnostics;

    /// <summary>The text of the single generated file.</summary>
    public string SingleSource => Sources.Single().SourceText.ToString();

    /// <summary>Fails if the generator threw (the driver turns that into CS8785 and an exception on the result).</summary>
    public GeneratorRun AssertDidNotThrow()
    {
        var exception = Result.Results.Single().Exception;
        if (exception is not null)
        {
            throw new XunitException($"The generator threw: {exception}");
        }
        var crashes = DriverDiagnostics.Concat(Result.Diagnostics)
            .Where(d => d.Id is "CS8784" or "CS8785" or "AD0001")
            .ToList();
        if (crashes.Count > 0)
        {
            throw new XunitException("The generator failed: " + string.Join(Environment.NewLine, crashes));
        }
        return this;
    }

    /// <summary>
    /// Fails unless the output compilation (user code plus generated code) has no diagnostic at
    /// Warning or above: the equivalent of building with <c>TreatWarningsAsErrors</c>.
    /// </summary>
    public GeneratorRun AssertCompilesCleanly()
    {
        AssertDidNotThrow();
        var problems = DriverDiagnostics.Concat(Result.Diagnostics).Concat(Output.GetDiagnostics())
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToList();
        if (problems.Count > 0)
        {
            throw new XunitException(
                $"{problems.Count} warning(s)/error(s) in the compilation with the generated code:" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Take(20).Select(Describe)));
        }
        return this;
    }

    /// <summary>Emits the output compilation, failing with its errors if it does not emit.</summary>
    public byte[] Emit()
    {
        using var stream = new MemoryStream();
        var result = Output.Emit(stream);
        if (!result.Success)
        {
            throw new XunitException("Emit failed:" + Environment.NewLine
                + string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20).Select(Describe)));
        }
        return stream.ToArray();
    }

    private static string Describe(Diagnostic diagnostic)
    {
        var text = diagnostic.Location.SourceTree is { } tree
            ? tree.GetText().Lines.GetLineFromPosition(diagnostic.Location.SourceSpan.Start).ToString().Trim()
            : "";
        return $"{diagnostic}{(text.Length > 0 ? $"{Environment.NewLine}    at: {text}" : "")}";
    }
}
