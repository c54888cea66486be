using System;
using System.Linq;
using System.Reflection;
using LmProb.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using static LmProb.Generators.Tests.Infrastructure.IncrementalSteps;

namespace LmProb.Generators.Tests;

/// <summary>
/// The pipeline caches: a second run over an equal or unrelated-edited compilation does no work
/// past the parse and emits nothing new; a real change (the vocabulary size) flows to the output;
/// a diagnostics-only change does not re-emit code; and no step holds symbols, syntax or compilations.
/// </summary>
public sealed class IncrementalityTests
{
    private const string KernelsPath = "Kernels.cs";

    private const string Kernels = """
        using LmProb;

        namespace Acme;

        /// <summary>Kernels.</summary>
        [LmKernels(32000, KernelElementType.Float32)]
        [LmKernels(32000, KernelElementType.BFloat16)]
        public static partial class LlamaKernels;
        """;

    private const string Unrelated = """
        namespace Acme;

        /// <summary>Not kernels.</summary>
        public sealed class Tokenizer
        {
        }
        """;

    [Fact]
    public void RunningAgainOnAClonedCompilationIsCachedOrUnchanged()
    {
        var compilation = Compilation();
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.Contains(KernelGenerator.TrackingNames.Parse, first.TrackedSteps.Keys);
        Assert.Contains(KernelGenerator.TrackingNames.Specs, first.TrackedSteps.Keys);
        Assert.Single(first.GeneratedSources);

        var second = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(second);
        Assert.NotEmpty(Outputs(second, KernelGenerator.TrackingNames.Specs));
        Assert.Equal(first.GeneratedSources.Single().SourceText.ToString(), second.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void AnEditedCommentInTheKernelFileLeavesTheOutputUnchanged()
    {
        var compilation = Compilation();
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        var edited = Edit(compilation, KernelsPath, "/// <summary>Kernels.</summary>", "// The Llama 2 tokenizer's vocabulary.\n/// <summary>Kernels for Llama 2.</summary>");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // The file changed, so the parse runs again, but it finds an equal spec: nothing is re-emitted.
        AssertReasons(Outputs(result, KernelGenerator.TrackingNames.Parse), "parse", IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertAllCachedOrUnchanged(result);
    }

    [Fact]
    public void AddingOrEditingAnUnrelatedClassLeavesTheOutputCached()
    {
        var compilation = Compilation();
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        var added = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Acme; /// <summary>Another.</summary>\npublic static class Sampling { }", GeneratorHarness.ParseOptions, "Sampling.cs"));
        driver = driver.RunGenerators(added);
        AssertAllCachedOrUnchanged(driver.GetRunResult().Results.Single());

        var edited = Edit(added, "Unrelated.cs", "{\n}", "{\n    /// <summary>A member.</summary>\n    public int Size => 3;\n}");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        // ForAttributeWithMetadataName runs the parse again whenever the compilation changes (the
        // symbols may have changed); an equal result stops the change there.
        AssertAllCachedOrUnchanged(result);
        AssertReasons(EmittingOutputs(result), "source output", IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void ChangingTheVocabularySizeModifiesTheSpecAndTheOutput()
    {
        var compilation = Compilation();
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        var edited = Edit(compilation, KernelsPath, "32000", "32768");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertReasons(Outputs(result, KernelGenerator.TrackingNames.Parse), "parse", IncrementalStepRunReason.Modified);
        AssertReasons(Outputs(result, KernelGenerator.TrackingNames.Specs), "specs", IncrementalStepRunReason.Modified);
        // The output step runs again (the driver reports its output as New: the file is replaced).
        AssertReasons(EmittingOutputs(result), "source output", IncrementalStepRunReason.New, IncrementalStepRunReason.Modified);
        Assert.NotEmpty(EmittingOutputs(result));
        Assert.Contains("public const int VocabSize = 32768;", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ADiagnosticsOnlyChangeDoesNotReEmitCode()
    {
        var compilation = Compilation();
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        // A duplicate attribute: LMPG006 (a warning), and the same kernels as before.
        var edited = Edit(compilation, KernelsPath, "[LmKernels(32000, KernelElementType.BFloat16)]",
            "[LmKernels(32000, KernelElementType.BFloat16)]\n[LmKernels(32000, KernelElementType.BFloat16)]");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertReasons(Outputs(result, KernelGenerator.TrackingNames.Parse), "parse", IncrementalStepRunReason.Modified);
        AssertReasons(Outputs(result, KernelGenerator.TrackingNames.Specs), "specs", IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertReasons(Outputs(result, KernelGenerator.TrackingNames.Diagnostics), "diagnostics", IncrementalStepRunReason.New);
        Assert.Equal("LMPG006", Assert.Single(result.Diagnostics).Id);
        // The source output that writes the file is not run again.
        Assert.NotEmpty(EmittingOutputs(result));
        AssertReasons(EmittingOutputs(result), "source output", IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void NoStepHoldsSymbolsSyntaxOrCompilations()
    {
        // Every kind of output: specs, diagnostics (with locations), nested and generic types.
        var compilation = Compilation(
            ("Nested.cs", """
                namespace Acme;

                /// <summary>Outer.</summary>
                public partial class Outer<T>
                {
                    /// <summary>Kernels.</summary>
                    [LmProb.LmKernels(7, LmProb.KernelElementType.Float16, Kernels = LmProb.KernelFamilies.TopK)]
                    [LmProb.LmKernels(7, LmProb.KernelElementType.Float16)]
                    [LmProb.LmKernels(8, LmProb.KernelElementType.Float32)]
                    public static partial class Inner;
                }
                """),
            ("Broken.cs", """
                [LmProb.LmKernels(0, LmProb.KernelElementType.Float32)]
                public partial class NotStatic;
                """));
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.NotEmpty(Outputs(first, KernelGenerator.TrackingNames.Diagnostics));
        AssertHoldOnlyPlainValues(first);

        var second = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();
        AssertHoldOnlyPlainValues(second);
        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void TheWalkFindsSyntaxAndSymbolsInsideTuplesAndCollections()
    {
        var compilation = Compilation();
        var node = compilation.SyntaxTrees.First().GetRoot();
        var symbol = compilation.GetTypeByMetadataName("Acme.Tokenizer")!;

        AssertPlainValue((1, "a", new[] { 2.5 }), "plain");
        Assert.Throws<Xunit.Sdk.XunitException>(() => AssertPlainValue((1, new object[] { "a", node }), "tuple"));
        Assert.Throws<Xunit.Sdk.XunitException>(() => AssertPlainValue(System.Collections.Immutable.ImmutableArray.Create<object>(symbol), "array"));
        Assert.Throws<Xunit.Sdk.XunitException>(() => AssertPlainValue(Tuple.Create(1, (object)compilation), "reference tuple"));
        Assert.Throws<Xunit.Sdk.XunitException>(() => AssertPlainValue(new Uri("https://example.com"), "unknown type"));
    }

    [Fact]
    public void ModelTypesDeclareOnlyPlainFields()
    {
        // The static counterpart of the walk: no field of the model can even hold a symbol.
        var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Compilation), typeof(SemanticModel), typeof(Location), typeof(AttributeData) };
        var generator = typeof(KernelGenerator).Assembly;
        var roots = generator.GetTypes().Where(t => t.Namespace == "LmProb.Generators.Model" || t.Name is "ParseResult" or "DiagnosticInfo" or "LocationInfo").ToList();
        Assert.Contains(roots, t => t.Name == "KernelSpec");
        foreach (var type in roots)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                var fieldType = field.FieldType;
                var types = fieldType.IsGenericType ? fieldType.GetGenericArguments().Append(fieldType) : [fieldType];
                foreach (var t in types)
                {
                    Assert.False(forbidden.Any(f => f.IsAssignableFrom(t)), $"{type.Name}.{field.Name} is a {fieldType}.");
                }
            }
        }
    }

    private static CSharpCompilation Compilation(params (string Path, string Text)[] extra) =>
        GeneratorHarness.Compilation(new[] { (KernelsPath, Kernels), ("Unrelated.cs", Unrelated) }.Concat(extra));

    /// <summary>The compilation with one occurrence of <paramref name="oldText"/> in a file replaced.</summary>
    private static CSharpCompilation Edit(CSharpCompilation compilation, string path, string oldText, string newText)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        var text = tree.GetText();
        var start = text.ToString().IndexOf(oldText, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{oldText}' is not in {path}.");
        var changed = text.WithChanges(new TextChange(new TextSpan(start, oldText.Length), newText));
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(changed));
    }
}
