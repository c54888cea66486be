using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace LmProb.Generators.Tests.Infrastructure;

/// <summary>
/// A user declaration <c>[LmKernels(V, …)]</c> for all three element types, compiled in memory
/// with the generator, emitted and loaded, with one adapter per element type that exposes the
/// generated kernels as an <see cref="IKernelApi{T}"/>. Compiled once per V and cached, so the
/// tests of every element type share one compilation.
/// </summary>
internal sealed class CompiledKernels
{
    private static readonly ConcurrentDictionary<int, Lazy<CompiledKernels>> Cache = new();

    private readonly Assembly _assembly;

    private CompiledKernels(int vocabSize, Assembly assembly, TimeSpan compileTime)
    {
        VocabSize = vocabSize;
        _assembly = assembly;
        CompileTime = compileTime;
    }

    public int VocabSize { get; }

    /// <summary>How long generating, compiling, emitting and loading took.</summary>
    public TimeSpan CompileTime { get; }

    /// <summary>The compiled kernels for <paramref name="vocabSize"/>, compiling them on first use.</summary>
    public static CompiledKernels For(int vocabSize) =>
        Cache.GetOrAdd(vocabSize, v => new Lazy<CompiledKernels>(() => Compile(v))).Value;

    /// <summary>The generated kernels of one element type (<c>Float32</c>, <c>Float16</c> or <c>BFloat16</c>).</summary>
    public IKernelApi<T> Api<T>(string elementType)
        where T : unmanaged
    {
        var type = _assembly.GetType($"CompiledKernels.{elementType}Api", throwOnError: true)!;
        return (IKernelApi<T>)Activator.CreateInstance(type, nonPublic: true)!;
    }

    /// <summary>The user source: the declaration plus the adapters.</summary>
    public static string Source(int vocabSize)
    {
        var v = vocabSize.ToString(CultureInfo.InvariantCulture);
        return $$"""
            namespace CompiledKernels;

            /// <summary>Kernels for rows of {{v}} logits, in every element type.</summary>
            [global::LmProb.LmKernels({{v}}, global::LmProb.KernelElementType.Float32)]
            [global::LmProb.LmKernels({{v}}, global::LmProb.KernelElementType.Float16)]
            [global::LmProb.LmKernels({{v}}, global::LmProb.KernelElementType.BFloat16)]
            public static partial class Kernels;

            {{Adapter("Float32", "float")}}

            {{Adapter("Float16", "global::System.Half")}}

            {{Adapter("BFloat16", "global::LmProb.BFloat16")}}
            """;
    }

    private static string Adapter(string name, string t) => $$"""
        internal sealed class {{name}}Api : global::LmProb.Generators.Tests.Infrastructure.IKernelApi<{{t}}>
        {
            public int VocabSize => Kernels.VocabSize;

            public void Softmax(global::System.ReadOnlySpan<{{t}}> logits, global::System.Span<{{t}}> destination) => Kernels.Softmax(logits, destination);

            public void LogSoftmax(global::System.ReadOnlySpan<{{t}}> logits, global::System.Span<{{t}}> destination) => Kernels.LogSoftmax(logits, destination);

            public float LogSumExp(global::System.ReadOnlySpan<{{t}}> logits) => Kernels.LogSumExp(logits);

            public float CrossEntropy(global::System.ReadOnlySpan<{{t}}> logits, int target) => Kernels.CrossEntropy(logits, target);

            public float CrossEntropy(global::System.ReadOnlySpan<{{t}}> logits, int target, global::System.Span<float> gradient) => Kernels.CrossEntropy(logits, target, gradient);

            public global::LmProb.CrossEntropyResult CrossEntropy(global::System.ReadOnlySpan<{{t}}> logits, global::System.ReadOnlySpan<int> targets, global::LmProb.CrossEntropyOptions? options) =>
                Kernels.CrossEntropy(logits, targets, options);

            public int TopK(global::System.ReadOnlySpan<{{t}}> logits, global::System.Span<int> indices, global::System.Span<float> values) => Kernels.TopK(logits, indices, values);
        }
        """;

    private static CompiledKernels Compile(int vocabSize)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var name = "CompiledKernels.V" + vocabSize.ToString(CultureInfo.InvariantCulture);
        var compilation = GeneratorHarness.Compilation(
            [($"{name}.cs", Source(vocabSize))],
            assemblyName: name,
            extraReferences: [MetadataReference.CreateFromFile(typeof(IKernelApi<>).Assembly.Location)]);
        var run = GeneratorHarness.Run(compilation).AssertCompilesCleanly();
        var image = run.Emit();
        // Load beside the test assembly, so IKernelApi<T>, BFloat16 and the runtime resolve to the
        // very types the tests use.
        var context = AssemblyLoadContext.GetLoadContext(typeof(IKernelApi<>).Assembly) ?? AssemblyLoadContext.Default;
        using var stream = new MemoryStream(image);
        var assembly = context.LoadFromStream(stream);
        return new CompiledKernels(vocabSize, assembly, stopwatch.Elapsed);
    }
}
