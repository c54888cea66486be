using System.Collections.Generic;
using LmProb.Generators.Model;

namespace LmProb.Generators.Emit;

/// <summary>The names and signatures the generated code uses, shared by the emitters and the clash check.</summary>
internal static class KernelNames
{
    public const string GeneratedCodeAttribute = "[global::System.CodeDom.Compiler.GeneratedCode(\"LmProb.Generators\", \"1.0.0.0\")]";

    /// <summary>The namespace of the file-local helper types (kept out of the user's namespace).</summary>
    public const string HelperNamespace = "LmProb.Generated";

    /// <summary>The C# type of an element type, fully qualified.</summary>
    public static string TypeName(ElementType type) => type switch
    {
        ElementType.Float16 => "global::System.Half",
        ElementType.BFloat16 => "global::LmProb.BFloat16",
        _ => "float",
    };

    /// <summary>How the element type reads in documentation.</summary>
    public static string DisplayName(ElementType type) => type switch
    {
        ElementType.Float16 => "Half",
        ElementType.BFloat16 => "bfloat16",
        _ => "float",
    };

    /// <summary>The nested struct that implements <c>IRowKernels&lt;T&gt;</c> for one element type.</summary>
    public static string RowKernelsType(ElementType type) => type + "RowKernels";

    /// <summary>The file-local struct that loads and stores one element type as float vectors.</summary>
    public static string ElementsType(ElementType type) => type + "Elements";

    /// <summary>
    /// The public methods generated for one element type, as (name, fully qualified parameter types)
    /// in the form <c>SymbolDisplayFormat.FullyQualifiedFormat</c> prints them.
    /// </summary>
    public static HashSet<(string Name, string Parameters)> GeneratedSignatures(ElementKernels element)
    {
        var t = TypeName(element.ElementType);
        var row = $"global::System.ReadOnlySpan<{t}>";
        var result = new HashSet<(string, string)>();
        if ((element.Families & KernelFamilies.Softmax) != 0)
        {
            result.Add(("Softmax", $"{row},global::System.Span<{t}>"));
        }
        if ((element.Families & KernelFamilies.LogSoftmax) != 0)
        {
            result.Add(("LogSoftmax", $"{row},global::System.Span<{t}>"));
        }
        if ((element.Families & KernelFamilies.LogSumExp) != 0)
        {
            result.Add(("LogSumExp", row));
        }
        if ((element.Families & KernelFamilies.CrossEntropy) != 0)
        {
            result.Add(("CrossEntropy", $"{row},int"));
            result.Add(("CrossEntropy", $"{row},int,global::System.Span<float>"));
            result.Add(("CrossEntropy", $"{row},global::System.ReadOnlySpan<int>,global::LmProb.CrossEntropyOptions"));
        }
        if ((element.Families & KernelFamilies.TopK) != 0)
        {
            result.Add(("TopK", $"{row},global::System.Span<int>,global::System.Span<float>"));
        }
        return result;
    }
}
