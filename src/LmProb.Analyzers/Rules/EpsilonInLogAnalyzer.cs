using System.Collections.Immutable;
using LmProb.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Rules;

/// <summary>
/// LMP006: the log of a softmax probability kept away from 0 with an epsilon: <c>log(p + eps)</c>,
/// <c>log(Max(p, eps))</c>, <c>log(Clamp(p, eps, 1))</c>, TorchSharp <c>(p + eps).log()</c>,
/// <c>p.clamp_min(eps).log()</c>, <c>TensorPrimitives.Add(p, eps, q)</c> then <c>Log(q, d)</c>.
/// </summary>
/// <remarks>
/// The probabilities must come from a softmax (<see cref="Patterns.IsSoftmaxValued"/>: a library
/// softmax, or <c>exp / sum</c> by hand, through locals, arrays and loops); an epsilon added to a
/// variance, a norm, a count or a sigmoid (LMP007's) is not reported. The plain log of a softmax,
/// with no epsilon, is LMP002's.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EpsilonInLogAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.EpsilonInLog);

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
        if (!HasEpsilonFloor(patterns))
        {
            return; // most methods: no epsilon, so no log needs tracing
        }

        foreach (var operation in patterns.Operations)
        {
            if (!patterns.TryGetLog(operation, out var input, out var site)
                || !patterns.TryGetEpsilonGuardedSoftmax(input, out var floor, out var guarded))
            {
                continue;
            }

            var fix = FindFix(patterns, (IInvocationOperation)operation, input!, floor!, guarded!, out var extra);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.EpsilonInLog,
                site.Syntax.GetLocation(),
                Reporting.Locations(extra),
                Reporting.Fix(fix),
                Reporting.Text(floor!)));
        }
    }

    private static bool HasEpsilonFloor(Patterns patterns)
    {
        foreach (var operation in patterns.Operations)
        {
            if (patterns.TryGetEpsilonFloor(operation, out _))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Which log-softmax rewrite is exact here; <paramref name="extra"/> are the additional locations
    /// the fixer reads (the logits and the element; or the logits; or the TorchSharp softmax call).
    /// </summary>
    private static string? FindFix(Patterns patterns, IInvocationOperation log, IOperation input, IOperation floor, IOperation guarded, out IOperation?[] extra)
    {
        extra = System.Array.Empty<IOperation?>();
        var calls = patterns.Calls;
        var method = log.TargetMethod;

        // TorchSharp: (softmax(x, dim) + eps).log(), torch.log(p.clamp_min(eps)) with p = x.softmax(dim) -> log_softmax.
        if ((calls.IsTorch(method, "log") || calls.IsTorch(method, "log_")) && input.Unwrap() == floor)
        {
            var softmax = patterns.SingleLibrarySoftmax(guarded);
            if (softmax is not null && calls.IsTorch(softmax.TargetMethod, "softmax") && IsStableTorchCall(patterns, softmax, guarded, log))
            {
                extra = new IOperation?[] { softmax };
                return DiagnosticProperties.UseTorchLogSoftmax;
            }

            return null;
        }

        if (calls.Symbols.Probability is null || !patterns.TryGetUnchangedSoftmaxLogits(guarded, log, out var logits))
        {
            return null;
        }

        // TensorPrimitives.Add(p, eps, q); TensorPrimitives.Log(q, d) -> Probability.LogSoftmax(x, d).
        if (calls.IsTensorPrimitives(method, "Log") && log.Arguments.Length == 2)
        {
            extra = new[] { logits };
            return DiagnosticProperties.UseLogSoftmax;
        }

        // MathF.Log(p[k] + eps) outside a loop -> x[k] - Probability.LogSumExp(x); Math.Log computes it in double.
        if (calls.IsScalarMath(method, "Log") && method.ReturnType.SpecialType is SpecialType.System_Single or SpecialType.System_Double
            && input.Unwrap() == floor && guarded.Unwrap() is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true }
            && Patterns.IsSimplyIndexed(guarded) && !log.IsInLoopOrLambda())
        {
            extra = new[] { logits, guarded.Unwrap() };
            return DiagnosticProperties.UseLogSumExp;
        }

        return null;
    }

    // The softmax can be re-evaluated at the log as a log_softmax: written inline in the log, or its
    // input and dim are plain variables or constants that nothing writes in between.
    private static bool IsStableTorchCall(Patterns patterns, IInvocationOperation softmax, IOperation guarded, IOperation log)
    {
        if (guarded.Unwrap() == softmax)
        {
            return true;
        }

        if (guarded.Unwrap() is not ILocalReferenceOperation || log.IsInLoopOrLambda() != softmax.IsInLoopOrLambda())
        {
            return false;
        }

        if (softmax.Instance is { } instance && !IsStable(patterns, instance, softmax, log))
        {
            return false;
        }

        foreach (var argument in softmax.Arguments)
        {
            if (argument.IsExplicit() && !IsStable(patterns, argument.Value, softmax, log))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsStable(Patterns patterns, IOperation value, IOperation from, IOperation to)
    {
        var unwrapped = value.Unwrap();
        if (unwrapped is null || unwrapped.ConstantValue.HasValue)
        {
            return unwrapped is not null;
        }

        return unwrapped is ILocalReferenceOperation or IParameterReferenceOperation
            && patterns.Flow.IsUnchangedBetween(unwrapped.ReferencedSymbol()!, from, to);
    }
}
