using System.Linq;
using System.Text.RegularExpressions;
using LmProb.Generators.Tests.Infrastructure;

namespace LmProb.Generators.Tests;

/// <summary>
/// The generated file for representative declarations, compared with the checked-in
/// <c>SnapshotTests.&lt;Method&gt;#&lt;hint&gt;.verified.cs</c> beside this file. Every snapshot also
/// compiles with user code with no warning (nullable on, every warning wave, doc comments checked).
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void OneElementType()
    {
        var source = Verify("""
            using LmProb;

            namespace Acme.Models;

            /// <summary>Llama 2 kernels.</summary>
            [LmKernels(32000, KernelElementType.Float32)]
            public static partial class Llama2Kernels;
            """);

        Assert.Equal("Acme.Models.Llama2Kernels.LmKernels.g.cs", source.HintName);
    }

    [Fact]
    public void ThreeElementTypes()
    {
        var source = Verify("""
            using LmProb;

            namespace Acme.Models;

            /// <summary>GPT-2 kernels.</summary>
            [LmKernels(50257, KernelElementType.Float32)]
            [LmKernels(50257, KernelElementType.Float16)]
            [LmKernels(50257, KernelElementType.BFloat16)]
            public static partial class Gpt2Kernels
            {
            }
            """);

        Assert.Equal("Acme.Models.Gpt2Kernels.LmKernels.g.cs", source.HintName);
    }

    [Fact]
    public void NestedInPartialTypes()
    {
        var source = Verify("""
            using LmProb;

            namespace Acme.Models;

            /// <summary>A model with a type parameter.</summary>
            /// <typeparam name="TConfig">Its configuration.</typeparam>
            public partial class Model<TConfig>
                where TConfig : class, new()
            {
                /// <summary>Its head.</summary>
                public partial record Head(int Width)
                {
                    /// <summary>Kernels of the head.</summary>
                    [LmKernels(32768, KernelElementType.BFloat16)]
                    public static partial class Kernels;
                }
            }
            """);

        Assert.Equal("Acme.Models.Model_1.Head.Kernels.LmKernels.g.cs", source.HintName);
    }

    [Fact]
    public void GlobalNamespace()
    {
        var source = Verify("""
            /// <summary>Kernels with no namespace.</summary>
            [LmProb.LmKernels(1000, LmProb.KernelElementType.Float16)]
            public static partial class TinyKernels;
            """);

        Assert.Equal("TinyKernels.LmKernels.g.cs", source.HintName);
    }

    [Fact]
    public void KernelsSubset()
    {
        var source = Verify("""
            using LmProb;

            namespace Acme.Models;

            /// <summary>Training kernels only.</summary>
            [LmKernels(128256, KernelElementType.BFloat16, Kernels = KernelFamilies.Softmax | KernelFamilies.CrossEntropy)]
            internal static partial class TrainingKernels;
            """);

        Assert.Equal("Acme.Models.TrainingKernels.LmKernels.g.cs", source.HintName);
        Assert.Contains("public static void Softmax(", source.Text);
        Assert.Contains("public static float CrossEntropy(", source.Text);
        Assert.DoesNotContain("public static void LogSoftmax(", source.Text);
        Assert.DoesNotContain("public static float LogSumExp(", source.Text);
        Assert.DoesNotContain("public static int TopK(", source.Text);
    }

    [Fact]
    public void VocabularySmallerThanAVector()
    {
        var source = Verify("""
            using LmProb;

            namespace Acme.Models;

            /// <summary>Seven logits: fewer than a Vector256 of floats.</summary>
            [LmKernels(7, KernelElementType.Float32)]
            [LmKernels(7, KernelElementType.Float16)]
            public static partial class SevenKernels;
            """);

        // The loops may only use vectors that fit in the row: Vector128 (4 lanes), never 256 or 512.
        var loops = Regex.Match(source.Text, @"file static class FixedRow\n\s*\{.*?\n    \}\n", RegexOptions.Singleline).Value;
        Assert.NotEmpty(loops);
        Assert.Contains("Vector128.IsHardwareAccelerated", loops);
        Assert.DoesNotContain("Vector256.IsHardwareAccelerated", loops);
        Assert.DoesNotContain("Vector512.IsHardwareAccelerated", loops);
        Assert.DoesNotContain("Load256", loops);
        Assert.DoesNotContain("Load512", loops);
        // No block of 64 fits: the sum is the in-order tail only.
        Assert.DoesNotContain("stackalloc", loops);
        // Every Vector128 access starts at an offset that leaves 4 elements in the row.
        foreach (Match access in Regex.Matches(loops, @"Load128\(ref source, (\d+)\)"))
        {
            Assert.InRange(int.Parse(access.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 0, 7 - 4);
        }
    }

    /// <summary>Runs the generator, checks the result compiles cleanly and matches the snapshot.</summary>
    private static (string HintName, string Text) Verify(string source, [System.Runtime.CompilerServices.CallerMemberName] string testMethod = "")
    {
        var run = GeneratorHarness.Run(source).AssertCompilesCleanly();
        Assert.Empty(run.Diagnostics);
        var generated = Assert.Single(run.Sources);
        var text = generated.SourceText.ToString();
        Snapshot.Verify(text, generated.HintName, testMethod: testMethod);
        return (generated.HintName, text);
    }
}
