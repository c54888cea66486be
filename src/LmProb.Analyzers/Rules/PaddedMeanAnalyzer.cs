using System.Collections.Immutable;
using LmProb.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Rules;

/// <summary>
/// LMP003: a masked or ignore-index loss averaged over the padded length.
/// </summary>
/// <remarks>
/// Reported: a sum over real tokens only (a mask- or ignore-index-guarded accumulator, a
/// mask-weighted sum, <c>Where(mask).Sum()</c>, <c>TensorPrimitives.Sum</c>/<c>Dot</c> with a
/// mask, TorchSharp <c>(loss * mask).sum()</c>, <c>CrossEntropyResult.Sum</c>) divided by a full
/// length (<c>Length</c>, <c>Count</c>, <c>Count()</c>, <c>numel()</c>, the loop bound, <c>n</c>/<c>T</c>);
/// and <c>Average()</c>/TorchSharp <c>mean()</c> of per-token values that are 0 at padding.
/// Not reported: division by a count of the mask (<c>count++</c>, <c>Count(m => m)</c>,
/// <c>mask.sum()</c>, <c>result.Count</c>), <c>Where(mask).Average()</c>, <c>Loss.MaskedMean</c>.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PaddedMeanAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.PaddedMean);

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
            switch (operation)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division:
                    CheckDivision(context, patterns, division, division.LeftOperand, division.RightOperand);
                    break;
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound:
                    CheckDivision(context, patterns, compound, compound.Target, compound.Value);
                    break;
                case IInvocationOperation invocation when IsMeanOfZeroFilled(patterns, invocation):
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PaddedMean, invocation.Syntax.GetLocation()));
                    break;
            }
        }
    }

    private static void CheckDivision(OperationBlockAnalysisContext context, Patterns patterns, IOperation division, IOperation numerator, IOperation denominator)
    {
        var resultSum = ResultSum(patterns, numerator, out var direct);
        if ((resultSum is null && !patterns.IsMaskedSum(numerator)) || !patterns.IsFullLength(denominator))
        {
            return;
        }

        string? fix = null;
        var extra = System.Array.Empty<IOperation?>();
        if (resultSum is not null)
        {
            fix = direct && division is IBinaryOperation ? DiagnosticProperties.UseResultMean : null;
        }
        else if (division is IBinaryOperation && TryGetMaskedMeanArguments(patterns, numerator, out var values, out var mask))
        {
            fix = DiagnosticProperties.UseMaskedMean;
            extra = new[] { values, mask };
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.PaddedMean, division.Syntax.GetLocation(), Reporting.Locations(extra), Reporting.Fix(fix)));
    }

    // CrossEntropyResult.Sum is the sum over counted (not ignored) tokens; its mean is .Mean = Sum / Count.
    private static IOperation? ResultSum(Patterns patterns, IOperation numerator, out bool direct)
    {
        direct = false;
        var resultType = patterns.Calls.Symbols.CrossEntropyResult;
        if (resultType is null)
        {
            return null;
        }

        foreach (var node in patterns.Flow.Origins(numerator))
        {
            if (node is IPropertyReferenceOperation { Property.Name: "Sum" } property && KnownCalls.Is(property.Property.ContainingType, resultType))
            {
                direct = node == numerator.Unwrap();
                return node;
            }
        }

        return null;
    }

    // Average()/mean() of values that are 0 at masked positions.
    private static bool IsMeanOfZeroFilled(Patterns patterns, IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (patterns.Calls.IsEnumerable(method, "Average"))
        {
            var source = invocation.Argument(0);
            return patterns.IsZeroFilledByMask(source)
                || (invocation.Argument(1).AsLambda() is { } selector && patterns.HasMaskFactor(selector.Body));
        }

        if (patterns.Calls.IsTorch(method, "mean"))
        {
            return patterns.IsZeroFilledByMask(invocation.Instance ?? invocation.Argument(0));
        }

        return false;
    }

    /// <summary>
    /// The one shape <c>Loss.MaskedMean(values, mask)</c> replaces exactly: <c>sum</c> starts at 0
    /// and its only other write is <c>if (mask[i]) sum += values[i];</c> with float values and a
    /// bool mask held in plain variables.
    /// </summary>
    private static bool TryGetMaskedMeanArguments(Patterns patterns, IOperation numerator, out IOperation? values, out IOperation? mask)
    {
        values = null;
        mask = null;
        if (patterns.Calls.Symbols.Loss is null || numerator.Unwrap() is not ILocalReferenceOperation sum)
        {
            return false;
        }

        // Exactly two writes, in any order: the initial 0 and the one accumulation.
        var writes = patterns.Flow.WritesOf(sum.Local);
        if (writes.Count != 2)
        {
            return false;
        }

        var add = (writes[0] as ICompoundAssignmentOperation) ?? (writes[1] as ICompoundAssignmentOperation);
        var initial = add == writes[0] ? writes[1] : writes[0];
        if (add is not { OperatorKind: BinaryOperatorKind.Add } || !initial.IsNumber(0)
            || !TryGetElement(add.Value, out var valuesCollection, out var valueIndex))
        {
            return false;
        }

        // The `if` right above the accumulation (directly or as the only statement of its block).
        var parent = add.Parent is IExpressionStatementOperation statement ? statement.Parent : null;
        if (parent is IBlockOperation { Operations.Length: 1 } block)
        {
            parent = block.Parent;
        }

        if (parent is not IConditionalOperation { WhenFalse: null } guard
            || !TryGetElement(guard.Condition, out var maskCollection, out var maskIndex)
            || !SymbolEqualityComparer.Default.Equals(valueIndex, maskIndex)
            || KnownCalls.ElementType(valuesCollection!.Type)?.SpecialType != SpecialType.System_Single
            || KnownCalls.ElementType(maskCollection!.Type)?.SpecialType != SpecialType.System_Boolean
            || !IsSpanConvertible(patterns, valuesCollection.Type) || !IsSpanConvertible(patterns, maskCollection.Type))
        {
            return false;
        }

        values = valuesCollection;
        mask = maskCollection;
        return true;
    }

    // values[i] with values a plain local or parameter and i a plain local.
    private static bool TryGetElement(IOperation expression, out IOperation? collection, out ISymbol? index)
    {
        collection = null;
        index = null;
        IOperation? indexOperation;
        switch (expression.Unwrap())
        {
            case IArrayElementReferenceOperation { Indices.Length: 1 } element:
                collection = element.ArrayReference;
                indexOperation = element.Indices[0];
                break;
            case IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1 } indexer:
                collection = indexer.Instance;
                indexOperation = indexer.Arguments[0].Value;
                break;
            default:
                return false;
        }

        index = indexOperation.Unwrap() is ILocalReferenceOperation local ? local.Local : null;
        return index is not null && collection.Unwrap() is ILocalReferenceOperation or IParameterReferenceOperation;
    }

    private static bool IsSpanConvertible(Patterns patterns, ITypeSymbol? type) =>
        type is IArrayTypeSymbol { Rank: 1 } || patterns.Calls.IsSpan(type) || KnownCalls.Is(type, patterns.Calls.Symbols.ReadOnlySpan);
}
