using System.Collections.Immutable;
using LmProb.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Rules;

/// <summary>
/// LMP002: the log of a softmax probability: <c>Math(F).Log(p[i])</c>, <c>TensorPrimitives.Log</c>,
/// <c>Select(MathF.Log)</c> or TorchSharp <c>log</c> of a value that came from a softmax (library or
/// by hand, <c>exp(x) / sum</c>), possibly through locals, arrays and loops.
/// </summary>
/// <remarks>
/// <c>Log(p + eps)</c> and clamped probabilities are LMP006's, so they are not reported here.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LogOfSoftmaxAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.LogOfSoftmax);

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
        foreach (var operation in patterns.Operations)
        {
            if (!patterns.TryGetLog(operation, out var input, out var site) || !patterns.IsSoftmaxValued(input)
                || patterns.TryGetEpsilonGuardedSoftmax(input, out _, out _))
            {
                continue; // not a softmax, or one behind an epsilon (p[i] += eps, TensorPrimitives.Add(p, eps, p)): LMP006's
            }

            var fix = FindFix(patterns, (IInvocationOperation)operation, input!, out var softmaxInput);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.LogOfSoftmax,
                site.Syntax.GetLocation(),
                Reporting.Locations(softmaxInput),
                Reporting.Fix(fix)));
        }
    }

    // Which rewrite is safe; softmaxInput (the logits) goes to the fixer as an additional location.
    private static string? FindFix(Patterns patterns, IInvocationOperation log, IOperation input, out IOperation? softmaxInput)
    {
        softmaxInput = null;
        var calls = patterns.Calls;
        var method = log.TargetMethod;

        // TorchSharp: softmax(x, dim).log() -> log_softmax(x, dim), when the softmax is written inline.
        if (calls.IsTorch(method, "log") && input.Unwrap() is IInvocationOperation torchSoftmax
            && calls.IsTorch(torchSoftmax.TargetMethod, "softmax") && AllExplicitArguments(torchSoftmax) <= (torchSoftmax.Instance is null ? 2 : 1))
        {
            return DiagnosticProperties.UseTorchLogSoftmax;
        }

        if (calls.Symbols.Probability is null)
        {
            return null;
        }

        // Only a library softmax of plain logits that are still the same at the log can be replaced.
        if (!patterns.TryGetUnchangedSoftmaxLogits(input, log, out var logits))
        {
            return null;
        }

        softmaxInput = logits;

        // TensorPrimitives.Log(p, destination) -> Probability.LogSoftmax(x, destination).
        if (calls.IsTensorPrimitives(method, "Log") && log.Arguments.Length == 2)
        {
            return DiagnosticProperties.UseLogSoftmax;
        }

        // MathF.Log(p[k]) outside a loop -> x[k] - Probability.LogSumExp(x) (once, so no quadratic cost).
        if (calls.IsScalarMath(method, "Log") && method.ReturnType.SpecialType == SpecialType.System_Single
            && input.Unwrap() is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true }
            && Patterns.IsSimplyIndexed(input) && !log.IsInLoopOrLambda())
        {
            return DiagnosticProperties.UseLogSumExp;
        }

        softmaxInput = null;
        return null;
    }

    private static int AllExplicitArguments(IInvocationOperation invocation)
    {
        var count = 0;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.IsExplicit())
            {
                count++;
            }
        }

        return count;
    }
}
