using System.Collections.Immutable;
using System.Globalization;
using LmProb.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Rules;

/// <summary>
/// LMP005: a TorchSharp softmax or log-softmax over an axis that is not the last one (the
/// vocabulary), on a tensor whose rank the method makes visible.
/// </summary>
/// <remarks>
/// Reported: <c>softmax</c>/<c>log_softmax</c> (<c>torch</c>, <c>nn.functional</c>, <c>special</c>,
/// <c>Tensor</c>) with a constant <c>dim</c> that, once negative values are resolved against the
/// rank, is not <c>rank - 1</c>; the rank comes from <see cref="Patterns.TensorRank"/> (a creation
/// such as <c>torch.randn(B, T, V)</c> or a <c>view(B, T, V)</c> in the method). Not reported:
/// <c>dim: -1</c>, the last axis written as a number, a <c>dim</c> that is not a constant, and any
/// tensor whose rank is not visible (a parameter, a model's output, after <c>transpose</c>) — a
/// guess there would be wrong as often as right.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SoftmaxOverWrongAxisAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.SoftmaxOverWrongAxis);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = WellKnownSymbols.Get(start.Compilation);
            if (symbols.Torch is null)
            {
                return; // the rule is about TorchSharp's dim argument only
            }

            start.RegisterOperationBlockAction(block => AnalyzerGuard.Run(block, symbols, Analyze));
        });
    }

    private static void Analyze(OperationBlockAnalysisContext context, WellKnownSymbols symbols)
    {
        var calls = new KnownCalls(symbols);
        Patterns? patterns = null;
        foreach (var block in context.OperationBlocks)
        {
            foreach (var operation in block.SelfAndDescendants())
            {
                if (operation is not IInvocationOperation invocation || !IsTorchSoftmax(calls, invocation.TargetMethod)
                    || Dim(invocation) is not { } dim || !dim.Value.TryGetNumber(out var value))
                {
                    continue;
                }

                // Only now build the value flow: most methods have no softmax at all.
                patterns ??= Patterns.Create(context.OperationBlocks, symbols, context.CancellationToken);
                if (patterns.TensorRank(invocation.Instance ?? invocation.Argument(0)) is not { } rank || rank < 2)
                {
                    continue;
                }

                var axis = value < 0 ? value + rank : value;
                if (axis < 0 || axis >= rank - 1 || axis != System.Math.Floor(axis))
                {
                    continue; // the last axis, or out of range (TorchSharp throws; not this rule's bug)
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.SoftmaxOverWrongAxis,
                    dim.Syntax.GetLocation(),
                    Reporting.Fix(DiagnosticProperties.UseLastAxis),
                    invocation.TargetMethod.Name,
                    ((long)axis).ToString(CultureInfo.InvariantCulture),
                    rank.ToString(CultureInfo.InvariantCulture)));
            }
        }
    }

    private static bool IsTorchSoftmax(KnownCalls calls, IMethodSymbol method) =>
        method.Name is "softmax" or "log_softmax" && calls.IsInTorch(method.ContainingType);

    // The dim the user wrote (every softmax overload has one; a default one would not be "written").
    private static IArgumentOperation? Dim(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name == "dim" && argument.IsExplicit())
            {
                return argument;
            }
        }

        return null;
    }
}
