using System.Collections.Generic;
using System.Collections.Immutable;
using LmProb.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Rules;

/// <summary>
/// LMP004: <c>exp</c> of logits normalized (divided by, or the log taken of, a sum of the exps)
/// with no maximum subtracted first, and <c>TensorPrimitives.SoftMax</c>, which does not subtract it.
/// </summary>
/// <remarks>
/// Only exps that are normalized are reported: <c>Math.Exp(meanNll)</c>, a sigmoid's
/// <c>1 / (1 + exp(-x))</c> and a sum of <c>exp(logProbabilities)</c> that is never divided by are fine.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ExpWithoutMaxAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ExpWithoutMax);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = WellKnownSymbols.Get(start.Compilation);
            start.RegisterOperationBlockAction(block => AnalyzerGuard.Run(block, symbols, Analyze));
        });
    }

    private static void Analyze(OperationBlockAnalysisContext context, WellKnownSymbols symbols)
    {
        var patterns = Patterns.Create(context.OperationBlocks, symbols, context.CancellationToken);
        var reported = new HashSet<IOperation>();
        foreach (var operation in patterns.Operations)
        {
            if (operation is IInvocationOperation invocation && patterns.Calls.IsTensorPrimitives(invocation.TargetMethod, "SoftMax"))
            {
                if (!patterns.IsShifted(invocation.Argument(0)) && reported.Add(invocation))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.ExpWithoutMax,
                        invocation.Syntax.GetLocation(),
                        Reporting.Fix(CanUseProbabilitySoftmax(invocation, symbols) ? DiagnosticProperties.UseSoftmax : null),
                        "TensorPrimitives.SoftMax"));
                }

                continue;
            }

            // What the exps are normalized by: a divisor, or the argument of a log (a naive log-sum-exp).
            var normalizer = patterns.Divisor(operation);
            if (normalizer is null && patterns.TryGetLog(operation, out var logInput, out _))
            {
                normalizer = logInput;
            }

            if (normalizer is null)
            {
                continue;
            }

            var summed = patterns.SumOfExpTerms(normalizer);
            if (summed.IsEmpty)
            {
                continue;
            }

            // The exps in the sum, and in exp(x) / sum the exp being divided.
            Report(context, patterns, summed, reported);
            Report(context, patterns, patterns.ExpTerms(patterns.Dividend(operation)), reported);
        }
    }

    private static void Report(OperationBlockAnalysisContext context, Patterns patterns, ImmutableArray<Patterns.ExpTerm> terms, HashSet<IOperation> reported)
    {
        foreach (var term in terms)
        {
            if (!patterns.IsShifted(term.Input) && reported.Add(term.Site))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ExpWithoutMax, term.Site.Syntax.GetLocation(), Reporting.Text(term.Site)));
            }
        }
    }

    // TensorPrimitives.SoftMax(x, destination) over float or Half maps one to one onto Probability.Softmax.
    private static bool CanUseProbabilitySoftmax(IInvocationOperation invocation, WellKnownSymbols symbols)
    {
        if (symbols.Probability is null || invocation.Arguments.Length != 2
            || invocation.TargetMethod.Parameters.Length != 2
            || invocation.TargetMethod.Parameters[0].Type is not INamedTypeSymbol { TypeArguments.Length: 1 } span)
        {
            return false;
        }

        var element = span.TypeArguments[0];
        return element.SpecialType == SpecialType.System_Single || KnownCalls.Is(element, symbols.Half);
    }
}
