using System;
using System.Collections.Immutable;
using LmProb.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Rules;

/// <summary>
/// LMP008: perplexity from a total (not mean) negative log-likelihood: <c>exp</c> of a sum of
/// per-token losses, <c>exp(-sum of log-probabilities)</c>, or <c>Metrics.Perplexity</c> /
/// <c>Metrics.BitsPerToken</c> given a sum.
/// </summary>
/// <remarks>
/// A total is what <see cref="Patterns.TryGetTotal"/> finds (an accumulator, <c>Sum()</c>,
/// <c>CrossEntropyResult.Sum</c>, TorchSharp <c>sum()</c>, never divided). <c>exp</c> of it is reported
/// when it adds up losses (or minus log-probabilities), or when nothing says what it adds up but the
/// result is named a perplexity. Not reported: <c>exp</c> of a mean (<c>Average()</c>, a division,
/// <c>.Mean</c>), <c>exp</c> of a sum of log-probabilities (a sequence probability), <c>exp(-total
/// loss)</c>, and <c>Metrics.BitsPerByte</c>, which takes the total on purpose.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PerplexityFromTotalAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.PerplexityFromTotal);

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
        var calls = new KnownCalls(symbols);
        Patterns? patterns = null;
        foreach (var block in context.OperationBlocks)
        {
            foreach (var operation in block.SelfAndDescendants())
            {
                if (operation is IInvocationOperation invocation)
                {
                    Check(context, symbols, calls, invocation, ref patterns);
                }
            }
        }
    }

    private static void Check(OperationBlockAnalysisContext context, WellKnownSymbols symbols, KnownCalls calls, IInvocationOperation invocation, ref Patterns? patterns)
    {
        var method = invocation.TargetMethod;
        IOperation? argument;
        var expectsMean = false;
        if (calls.IsScalarMath(method, "Exp"))
        {
            argument = invocation.Argument(0);
        }
        else if (calls.IsTorch(method, "exp"))
        {
            argument = invocation.Instance ?? invocation.Argument(0);
        }
        else if (calls.IsMetrics(method, "Perplexity") || calls.IsMetrics(method, "BitsPerToken"))
        {
            argument = invocation.Argument(0);
            expectsMean = true;
        }
        else
        {
            return;
        }

        // Only now build the value flow: most methods exponentiate nothing.
        patterns ??= Patterns.Create(context.OperationBlocks, symbols, context.CancellationToken);
        if (argument is null || !patterns.TryGetTotal(argument, out var sum, out var kind)
            || !(expectsMean || kind == TokenValueKind.Loss || (kind == TokenValueKind.Unknown && IsNamedPerplexity(invocation, context.OwningSymbol))))
        {
            return;
        }

        var properties = FindFix(patterns, invocation, argument, sum!, out var extra);
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.PerplexityFromTotal,
            invocation.Syntax.GetLocation(),
            Reporting.Locations(extra),
            properties,
            Reporting.Text(argument)));
    }

    // var ppl = Math.Exp(total); perplexity = ...; double Perplexity() => Math.Exp(total);
    private static bool IsNamedPerplexity(IOperation site, ISymbol owner)
    {
        var current = site;
        while (current.Parent is IConversionOperation)
        {
            current = current.Parent;
        }

        var name = current.Parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol.Name,
            ISimpleAssignmentOperation assignment when assignment.Value == current => assignment.Target.ReferencedSymbol()?.Name,
            IReturnOperation => owner.Name,
            _ => null,
        };
        if (name is null)
        {
            return false;
        }

        var normalized = OperationHelpers.NormalizedName(name);
        return normalized.Contains("perplexity", StringComparison.Ordinal) || normalized.StartsWith("ppl", StringComparison.Ordinal);
    }

    /// <summary>Which rewrite makes the argument a mean; <paramref name="extra"/> are the locations the fixer edits.</summary>
    private static ImmutableDictionary<string, string?> FindFix(Patterns patterns, IInvocationOperation site, IOperation argument, IOperation sum, out IOperation?[] extra)
    {
        extra = Array.Empty<IOperation?>();
        var calls = patterns.Calls;
        var direct = argument.Unwrap()!;
        var stripped = direct is IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation ? negation.Operand.Unwrap()! : direct;

        // result.Sum -> result.Mean.
        if (direct == sum && direct is IPropertyReferenceOperation { Property.Name: "Sum" } property
            && KnownCalls.Is(property.Property.ContainingType, calls.Symbols.CrossEntropyResult))
        {
            extra = new IOperation?[] { direct };
            return Reporting.Fix(DiagnosticProperties.UseResultMean);
        }

        // losses.Sum() -> losses.Average(), -logProbs.Sum() -> -logProbs.Average().
        if (stripped == sum && stripped is IInvocationOperation { TargetMethod.Name: "Sum" } linq && calls.IsEnumerable(linq.TargetMethod))
        {
            extra = new IOperation?[] { stripped };
            return Reporting.Fix(DiagnosticProperties.UseAverage);
        }

        // loss.sum().exp() -> loss.mean().exp(): only the full reduction with no options has a mean() twin.
        if (stripped == sum && stripped is IInvocationOperation torchSum && calls.IsTorch(torchSum.TargetMethod, "sum")
            && ExplicitArguments(torchSum) == (torchSum.Instance is null ? 1 : 0))
        {
            extra = new IOperation?[] { stripped };
            return Reporting.Fix(DiagnosticProperties.UseTorchMean);
        }

        // total accumulated in one plain loop: total -> total / n.
        if (direct is ILocalReferenceOperation total && direct.Type?.SpecialType is SpecialType.System_Double or SpecialType.System_Single
            && TryGetLoopCount(patterns, total.Local, site, out var count, out var member))
        {
            extra = new IOperation?[] { direct, count };
            var properties = Reporting.Fix(DiagnosticProperties.DivideByCount);
            return member is null ? properties : properties.Add(DiagnosticProperties.CountMember, member);
        }

        return Reporting.Fix(null);
    }

    private static int ExplicitArguments(IInvocationOperation invocation)
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

    /// <summary>
    /// <paramref name="total"/> starts at 0 and is accumulated by exactly one unconditional statement
    /// of a loop that is not nested in another and ends before <paramref name="site"/>; the number of
    /// iterations is <paramref name="count"/> (a <c>for</c> bound) or the collection of a <c>foreach</c>
    /// with its <paramref name="member"/> (<c>Length</c> or <c>Count</c>).
    /// </summary>
    private static bool TryGetLoopCount(Patterns patterns, ILocalSymbol total, IOperation site, out IOperation? count, out string? member)
    {
        count = null;
        member = null;
        var writes = patterns.Flow.WritesOf(total);
        if (writes.Count != 2)
        {
            return false;
        }

        var accumulation = (writes[0] as ICompoundAssignmentOperation) ?? (writes[1] as ICompoundAssignmentOperation);
        var initial = accumulation == writes[0] ? writes[1] : writes[0];
        if (accumulation is not { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } || !initial.IsNumber(0)
            || accumulation.Parent is not IExpressionStatementOperation statement)
        {
            return false;
        }

        // The statement sits directly in the loop body: no if, no mask, no nested loop around it.
        IOperation current = statement;
        while (current.Parent is IBlockOperation block)
        {
            current = block;
        }

        if (current.Parent is not ILoopOperation loop || site.IsWithin(loop) || loop.Syntax.SpanStart >= site.Syntax.SpanStart
            || loop.IsInLoopOrLambda())
        {
            return false;
        }

        switch (loop)
        {
            case IForEachLoopOperation forEach:
                var collection = forEach.Collection.Unwrap();
                if (collection is not (ILocalReferenceOperation or IParameterReferenceOperation) || collection.Type is null)
                {
                    return false;
                }

                member = HasIntProperty(collection.Type, "Length") ? "Length" : HasIntProperty(collection.Type, "Count") ? "Count" : null;
                count = collection;
                return member is not null;
            case IForLoopOperation forLoop:
                count = ForBound(patterns, forLoop);
                return count is not null;
            default:
                return false;
        }
    }

    // for (int i = 0; i < n; i++): n, when it is a constant, a variable, or x.Length / x.Count of one.
    private static IOperation? ForBound(Patterns patterns, IForLoopOperation loop)
    {
        if (loop.Condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan } condition
            || condition.LeftOperand.Unwrap() is not ILocalReferenceOperation index || !loop.Locals.Contains(index.Local)
            || loop.AtLoopBottom.Length != 1 || !IsIncrementOf(loop.AtLoopBottom[0], index.Local))
        {
            return null;
        }

        var startsAtZero = false;
        foreach (var write in patterns.Flow.WritesOf(index.Local))
        {
            startsAtZero |= write.IsNumber(0) && write.IsWithin(loop) && !write.IsWithin(loop.Body);
        }

        var bound = condition.RightOperand.Unwrap();
        var simple = bound switch
        {
            ILiteralOperation or ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation => true,
            IPropertyReferenceOperation { Property.Name: "Length" or "Count", Instance: { } owner } =>
                owner.Unwrap() is ILocalReferenceOperation or IParameterReferenceOperation,
            _ => false,
        };
        return startsAtZero && simple ? condition.RightOperand : null;
    }

    private static bool IsIncrementOf(IOperation step, ILocalSymbol index)
    {
        var operation = step is IExpressionStatementOperation statement ? statement.Operation : step;
        return operation switch
        {
            IIncrementOrDecrementOperation { Kind: OperationKind.Increment } increment => SymbolEqualityComparer.Default.Equals(increment.Target.ReferencedSymbol(), index),
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } add => add.Value.IsNumber(1) && SymbolEqualityComparer.Default.Equals(add.Target.ReferencedSymbol(), index),
            _ => false,
        };
    }

    private static bool HasIntProperty(ITypeSymbol type, string name)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var candidate in current.GetMembers(name))
            {
                if (candidate is IPropertySymbol { IsStatic: false, Type.SpecialType: SpecialType.System_Int32 })
                {
                    return true;
                }
            }
        }

        // An interface (IReadOnlyList<T>) inherits Count from another interface; a class implementing it may hide it.
        foreach (var contract in type.TypeKind == TypeKind.Interface ? type.AllInterfaces : ImmutableArray<INamedTypeSymbol>.Empty)
        {
            foreach (var candidate in contract.GetMembers(name))
            {
                if (candidate is IPropertySymbol { Type.SpecialType: SpecialType.System_Int32 })
                {
                    return true;
                }
            }
        }

        return false;
    }
}
