using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using LmProb.Generators.Emit;
using LmProb.Generators.Helpers;
using LmProb.Generators.Model;
using LmProb.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LmProb.Generators.Tests;

/// <summary>
/// Malformed, half-typed and unusual declarations never make the generator throw (a throw shows
/// up to users as CS8785 and stops every kernel in the project); the unusual but valid ones
/// compile cleanly with what it generates; and cancellation is honoured.
/// </summary>
public sealed class RobustnessTests
{
    public static TheoryData<string, string> Malformed() => new()
    {
        { "no arguments", "[LmKernels] public static partial class K;" },
        { "empty arguments", "[LmKernels()] public static partial class K;" },
        { "one argument", "[LmKernels(32000)] public static partial class K;" },
        { "three positional arguments", "[LmKernels(32000, KernelElementType.Float32, 3)] public static partial class K;" },
        { "string size", "[LmKernels(\"32000\", KernelElementType.Float32)] public static partial class K;" },
        { "double size", "[LmKernels(32000.5, KernelElementType.Float32)] public static partial class K;" },
        { "long size", "[LmKernels(32000L, KernelElementType.Float32)] public static partial class K;" },
        { "int element type", "[LmKernels(32000, 1)] public static partial class K;" },
        { "null element type", "[LmKernels(32000, null)] public static partial class K;" },
        { "unknown enum member", "[LmKernels(32000, KernelElementType.Float64)] public static partial class K;" },
        { "non-constant size", "[LmKernels(Size, KernelElementType.Float32)] public static partial class K { static int Size = 3; }" },
        { "named arguments in the wrong order", "[LmKernels(elementType: KernelElementType.Float32, vocabSize: 32000)] public static partial class K;" },
        { "misspelled named argument", "[LmKernels(vocabSze: 32000, elementType: KernelElementType.Float32)] public static partial class K;" },
        { "int Kernels", "[LmKernels(32000, KernelElementType.Float32, Kernels = 3)] public static partial class K;" },
        { "string Kernels", "[LmKernels(32000, KernelElementType.Float32, Kernels = \"all\")] public static partial class K;" },
        { "unknown named property", "[LmKernels(32000, KernelElementType.Float32, Dtype = 2)] public static partial class K;" },
        { "undefined Kernels bits", "[LmKernels(32000, KernelElementType.Float32, Kernels = (KernelFamilies)255)] public static partial class K;" },
        { "unclosed argument list", "[LmKernels(] public static partial class K;" },
        { "unclosed attribute", "[LmKernels(32000, KernelElementType.Float32 public static partial class K;" },
        { "half-typed member access", "[LmKernels(32000, KernelElementType.] public static partial class K;" },
        { "class without body", "[LmKernels(32000, KernelElementType.Float32)] public static partial class K" },
        { "class without name", "[LmKernels(32000, KernelElementType.Float32)] public static partial class { }" },
        { "attribute with nothing after it", "[LmKernels(32000, KernelElementType.Float32)]" },
        { "on a struct", "[LmKernels(32000, KernelElementType.Float32)] public partial struct K;" },
        { "on an interface", "[LmKernels(32000, KernelElementType.Float32)] public partial interface K;" },
        { "on a record", "[LmKernels(32000, KernelElementType.Float32)] public partial record K;" },
        { "on a record struct", "[LmKernels(32000, KernelElementType.Float32)] public partial record struct K;" },
        { "on an enum", "[LmKernels(32000, KernelElementType.Float32)] public enum K { A }" },
        { "on a method", "public static partial class K { [LmKernels(32000, KernelElementType.Float32)] static void M() { } }" },
        { "on an assembly", "[assembly: LmKernels(32000, KernelElementType.Float32)]" },
        { "on a delegate", "[LmKernels(32000, KernelElementType.Float32)] public delegate void K();" },
        { "static partial class nested in a method's local scope", "class C { void M() { [LmKernels(32000, KernelElementType.Float32)] static partial class K { } } }" },
        { "abstract static partial", "[LmKernels(32000, KernelElementType.Float32)] public abstract static partial class K;" },
        { "base type on a static class", "[LmKernels(32000, KernelElementType.Float32)] public static partial class K : System.Exception;" },
        { "user-defined attribute of the same name elsewhere", "namespace Other { public sealed class LmKernelsAttribute(int v, int t) : System.Attribute; [LmKernels(1, 2)] public static partial class K; }" },
        { "class named like a keyword", "[LmKernels(16, KernelElementType.Float32)] public static partial class @class;" },
        { "generic static class with constraints", "[LmKernels(16, KernelElementType.Float32)] public static partial class K<T> where T : struct;" },
        { "non-partial containing generic", "public class Outer<T> { [LmKernels(16, KernelElementType.Float32)] public static partial class K; }" },
        { "missing using for KernelElementType", "[LmKernels(16, Float32)] public static partial class K;" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedDeclarationsNeverMakeTheGeneratorThrow(string what, string declaration)
    {
        var source = "using LmProb;\n" + declaration;
        var run = GeneratorHarness.Run(source);

        run.AssertDidNotThrow();
        Assert.All(run.Diagnostics, d => Assert.StartsWith("LMPG", d.Id, StringComparison.Ordinal));
        Assert.True(run.Sources.Length <= 1, what);
    }

    [Fact]
    public void WithoutTheRuntimeReferencedNothingHappens()
    {
        var compilation = CSharpCompilation.Create(
            "NoRuntime",
            [CSharpSyntaxTree.ParseText("[LmProb.LmKernels(16, LmProb.KernelElementType.Float32)] public static partial class K;", GeneratorHarness.ParseOptions)],
            Basic.Reference.Assemblies.Net100.References.All,
            GeneratorHarness.CompilationOptions);

        var run = GeneratorHarness.Run(compilation).AssertDidNotThrow();

        Assert.Empty(run.Sources);
        Assert.Empty(run.Diagnostics);
    }

    public static TheoryData<string, string[]> Valid() => new()
    {
        {
            "partial class split across two files, an attribute in each",
            [
                "namespace Acme;\n/// <summary>Kernels.</summary>\n[LmProb.LmKernels(32000, LmProb.KernelElementType.Float32)]\npublic static partial class K;",
                "namespace Acme;\n[LmProb.LmKernels(32000, LmProb.KernelElementType.BFloat16)]\npublic static partial class K { }",
            ]
        },
        {
            "file-scoped namespace, attribute through an alias",
            ["using Kernels = LmProb.LmKernelsAttribute;\nusing LmProb;\nnamespace Acme.Models.V2;\n/// <summary>Kernels.</summary>\n[Kernels(1000, KernelElementType.Float16)]\npublic static partial class K;"]
        },
        {
            "generic static class",
            ["namespace Acme;\n/// <summary>Kernels.</summary>\n/// <typeparam name=\"TTag\">A tag.</typeparam>\n[LmProb.LmKernels(64, LmProb.KernelElementType.Float32)]\npublic static partial class K<TTag>\n    where TTag : struct;"]
        },
        {
            "unsafe code beside and in the class",
            ["namespace Acme;\n/// <summary>Kernels.</summary>\n[LmProb.LmKernels(33, LmProb.KernelElementType.Float16)]\npublic static unsafe partial class K\n{\n    /// <summary>Sum.</summary>\n    public static float First(float* p) => *p;\n}\n/// <summary>Buffer.</summary>\npublic unsafe struct Buffer\n{\n    /// <summary>Data.</summary>\n    public fixed float Data[8];\n}"]
        },
        {
            "nested in a partial interface and a record struct",
            ["namespace Acme;\n/// <summary>I.</summary>\npublic partial interface IModel\n{\n    /// <summary>R.</summary>\n    public partial record struct Config\n    {\n        /// <summary>Kernels.</summary>\n        [LmProb.LmKernels(8, LmProb.KernelElementType.BFloat16)]\n        public static partial class K;\n    }\n}"]
        },
        {
            "two kernel classes in one compilation, one with no kernel families",
            [
                "namespace Acme;\n/// <summary>Kernels.</summary>\n[LmProb.LmKernels(5, LmProb.KernelElementType.Float32)]\npublic static partial class A;",
                "namespace Acme;\n/// <summary>Kernels.</summary>\n[LmProb.LmKernels(5, LmProb.KernelElementType.Float32, Kernels = LmProb.KernelFamilies.None)]\npublic static partial class B;",
            ]
        },
        {
            "namespace, containing type, type parameter and class named like keywords",
            ["namespace @namespace.@fixed;\n/// <summary>Outer.</summary>\n/// <typeparam name=\"in\">In.</typeparam>\npublic partial class @event<@in>\n{\n    /// <summary>Kernels.</summary>\n    [LmProb.LmKernels(16, LmProb.KernelElementType.Float32)]\n    public static partial class @class;\n}"]
        },
        {
            "user types named like the types the generated code uses",
            [
                "/// <summary>Kernels.</summary>\n[LmProb.LmKernels(100, LmProb.KernelElementType.BFloat16)]\npublic static partial class K;",
                """
                internal static class Unsafe { }
                internal static class MemoryMarshal { }
                internal static class Vector128 { }
                internal static class Vector256 { }
                internal static class Vector512 { }
                internal sealed class MethodImplAttribute : System.Attribute { }
                internal enum MethodImplOptions { None }
                internal static class Exp { }
                namespace LmProb
                {
                    internal static class Unsafe { }
                    internal static class Vector128 { }
                }
                namespace LmProb.Generated
                {
                    internal static class Helpers { }
                }
                """,
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void UnusualButValidDeclarationsCompileCleanly(string what, string[] sources)
    {
        var compilation = GeneratorHarness.Compilation(sources);
        compilation = compilation.WithOptions(compilation.Options.WithAllowUnsafe(true));

        var run = GeneratorHarness.Run(compilation).AssertCompilesCleanly();

        Assert.True(run.Diagnostics.IsEmpty, what);
        Assert.NotEmpty(run.Sources);
    }

    [Fact(Skip = "Known limitation: hint names are unique ignoring case, and the generator names the file after the class, so Acme.Kernels and Acme.kernels collide (ArgumentException from AddSource, CS8785).")]
    public void TwoClassesWhoseNamesDifferOnlyInCaseCompileCleanly()
    {
        GeneratorHarness.Run("""
            namespace Acme;
            /// <summary>Kernels.</summary>
            [LmProb.LmKernels(16, LmProb.KernelElementType.Float32)]
            public static partial class Kernels;
            /// <summary>Kernels.</summary>
            [LmProb.LmKernels(16, LmProb.KernelElementType.Float16)]
            public static partial class kernels;
            """).AssertCompilesCleanly();
    }

    [Fact]
    public void TopLevelStatementsCanCallTheKernels()
    {
        var compilation = GeneratorHarness.Compilation("""
            using LmProb;

            var logits = new float[] { 1f, 2f, 3f };
            var probabilities = new float[3];
            Kernels.Softmax(logits, probabilities);
            System.Console.WriteLine(Kernels.CrossEntropy(logits, 2));

            [LmKernels(3, KernelElementType.Float32)]
            static partial class Kernels;
            """);
        compilation = compilation.WithOptions(compilation.Options.WithOutputKind(OutputKind.ConsoleApplication));

        var run = GeneratorHarness.Run(compilation).AssertCompilesCleanly();

        Assert.Equal("Kernels.LmKernels.g.cs", Assert.Single(run.Sources).HintName);
    }

    [Fact]
    public void ConflictingSizesInTwoFilesAreReportedOnceAndTheFirstIsKept()
    {
        var run = GeneratorHarness.Run(
            "[LmProb.LmKernels(32000, LmProb.KernelElementType.Float32)]\npublic static partial class K;",
            "[LmProb.LmKernels(50257, LmProb.KernelElementType.BFloat16)]\npublic static partial class K;").AssertDidNotThrow();

        Assert.Equal("LMPG005", Assert.Single(run.Diagnostics).Id);
        // The first size wins for the attributes that agree with it.
        Assert.Contains("VocabSize = 32000;", Assert.Single(run.Sources).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnAlreadyCancelledTokenThrowsOperationCanceled()
    {
        var compilation = GeneratorHarness.Compilation(ManyKernelClasses(3));
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => GeneratorHarness.Driver().RunGenerators(compilation, cancellation.Token));
    }

    [Fact]
    public void CancellingDuringARunThrowsOnlyOperationCanceled()
    {
        // Cancel at different moments of a run over many classes: each run either finishes or
        // stops with OperationCanceledException, never with another exception or a CS8785.
        var compilation = GeneratorHarness.Compilation(ManyKernelClasses(40));
        var cancelled = 0;
        foreach (var delay in new[] { 0, 1, 2, 5, 10, 20, 50 })
        {
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(delay));
            try
            {
                var driver = GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics, cancellation.Token);
                Assert.Null(driver.GetRunResult().Results.Single().Exception);
                Assert.DoesNotContain(diagnostics, d => d.Id is "CS8784" or "CS8785");
            }
            catch (OperationCanceledException)
            {
                cancelled++;
            }
        }
        Assert.True(cancelled >= 1, "No run was cancelled: the test did not exercise cancellation.");
    }

    [Fact]
    public void TheEmitterHonoursCancellation()
    {
        var spec = new KernelSpec(
            "Acme", EquatableArray<ContainingTypeInfo>.Empty, "K", "", "Acme.K.LmKernels.g.cs", 32000,
            new[] { new ElementKernels(ElementType.Float32, Model.KernelFamilies.All) }.ToEquatableArray());
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => KernelFileEmitter.Emit(spec, cancellation.Token));
        Assert.Contains("VocabSize = 32000;", KernelFileEmitter.Emit(spec, CancellationToken.None), StringComparison.Ordinal);
    }

    private static string[] ManyKernelClasses(int count) =>
        Enumerable.Range(0, count)
            .Select(i => string.Create(CultureInfo.InvariantCulture,
                $"namespace Acme{i};\n/// <summary>Kernels.</summary>\n[LmProb.LmKernels({1000 + i}, LmProb.KernelElementType.Float32)]\n[LmProb.LmKernels({1000 + i}, LmProb.KernelElementType.BFloat16)]\npublic static partial class K{i};"))
            .ToArray();
}
