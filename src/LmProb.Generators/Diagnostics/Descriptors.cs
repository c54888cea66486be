using Microsoft.CodeAnalysis;

namespace LmProb.Generators.Diagnostics;

/// <summary>The generator's diagnostics, LMPG001…; each has a section in docs/generator.md.</summary>
internal static class Descriptors
{
    private const string Category = "LmProb.Generators";
    private const string HelpLinkBase = "https://github.com/lmprob/lmprob/blob/main/docs/generator.md#";

    public static readonly DiagnosticDescriptor ClassMustBeStaticPartial = new(
        id: "LMPG001",
        title: "[LmKernels] class must be static partial",
        messageFormat: "'{0}' has [LmKernels] but is not 'static partial': declare it as 'static partial class {0}' so the generated kernels can be added to it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Generated kernels are static members added to the class by a second partial declaration.",
        helpLinkUri: HelpLinkBase + "lmpg001");

    public static readonly DiagnosticDescriptor ContainingTypeMustBePartial = new(
        id: "LMPG002",
        title: "Type containing an [LmKernels] class must be partial",
        messageFormat: "'{0}' contains the [LmKernels] class '{1}' but is not partial: add 'partial' to '{0}'",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A nested class can only be extended by a generated file if every type around it is partial too.",
        helpLinkUri: HelpLinkBase + "lmpg002");

    public static readonly DiagnosticDescriptor InvalidVocabSize = new(
        id: "LMPG003",
        title: "Vocabulary size out of range",
        messageFormat: "Vocabulary size {0} is out of range: use a value from 1 to 16777216 (2^24)",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A row of more than 2^24 logits is not a vocabulary; a size of 0 or less has no kernels.",
        helpLinkUri: HelpLinkBase + "lmpg003");

    public static readonly DiagnosticDescriptor UndefinedElementType = new(
        id: "LMPG004",
        title: "Undefined element type",
        messageFormat: "Element type {0} is not a KernelElementType: use Float32, Float16 or BFloat16",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Kernels exist for float, Half and BFloat16 only.",
        helpLinkUri: HelpLinkBase + "lmpg004");

    public static readonly DiagnosticDescriptor ConflictingVocabSizes = new(
        id: "LMPG005",
        title: "Two vocabulary sizes on one class",
        messageFormat: "'{0}' already declares vocabulary size {1}; this attribute says {2}: use one size per class and declare another class for the other vocabulary",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A class has one VocabSize constant, so every [LmKernels] on it must name the same size.",
        helpLinkUri: HelpLinkBase + "lmpg005");

    public static readonly DiagnosticDescriptor DuplicateElementType = new(
        id: "LMPG006",
        title: "Element type declared twice",
        messageFormat: "'{0}' already declares kernels for {1}: remove this duplicate attribute",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Each element type gets one set of kernels per class; the duplicate is ignored.",
        helpLinkUri: HelpLinkBase + "lmpg006");

    public static readonly DiagnosticDescriptor MemberNameClash = new(
        id: "LMPG007",
        title: "Member clashes with a generated kernel",
        messageFormat: "'{0}' already has a member '{1}' that the generated kernels would also define: rename it, or restrict the generated families with Kernels = …",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator adds VocabSize and one method per kernel family and element type; a user member with the same name and parameters would not compile.",
        helpLinkUri: HelpLinkBase + "lmpg007");
}
