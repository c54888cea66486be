using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using LmProb.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Rules;

/// <summary>
/// LMP001: next-token targets taken from the same positions as the inputs.
/// </summary>
/// <remarks>
/// Two shapes:
/// <list type="bullet">
/// <item>a loss call given the input ids themselves as targets: LmProb's batched
/// <c>Loss.CrossEntropy(logits, V, inputIds)</c>, TorchSharp <c>cross_entropy</c>/<c>nll_loss</c>
/// and the <c>CrossEntropyLoss</c>/<c>NLLLoss</c> modules. "Input ids" means the same variable
/// was passed to the call that produced the logits, or it is named like input ids; a slice
/// (<c>ids[1..]</c>, <c>AsSpan(1)</c>, <c>Skip(1)</c>, <c>narrow</c>, tensor indexing) counts as shifted;</item>
/// <item>a target read at the row's own position: <c>ids[t]</c> paired with row <c>t</c> of the logits
/// (<c>Loss.CrossEntropy(logits.AsSpan(t * V, V), ids[t])</c>, <c>logProbs[t * V + ids[t]]</c>,
/// <c>logProbs[t][ids[t]]</c>); <c>ids[t + 1]</c> with row <c>t</c>, or row <c>t - 1</c> with <c>ids[t]</c>, is correct.</item>
/// </list>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnshiftedLabelsAnalyzer : DiagnosticAnalyzer
{
    private const int MaxParentSteps = 8;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnshiftedLabels);

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
                case IInvocationOperation invocation when TryGetLossCall(patterns.Calls, invocation, out var logits, out var targets, out var fix):
                    if (IsUnshiftedInputIds(patterns, targets!, logits))
                    {
                        Report(context, targets!, fix);
                    }

                    break;
                case IArrayElementReferenceOperation { Indices.Length: 1 } element:
                    CheckTargetRead(context, patterns, element, element.ArrayReference, element.Indices[0]);
                    break;
                case IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1, Instance: { } instance } indexer:
                    CheckTargetRead(context, patterns, indexer, instance, indexer.Arguments[0].Value);
                    break;
            }
        }
    }

    private static void Report(OperationBlockAnalysisContext context, IOperation targets, string? fix) =>
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.UnshiftedLabels, targets.Syntax.GetLocation(), Reporting.Fix(fix), Reporting.Text(targets)));

    private static bool TryGetLossCall(KnownCalls calls, IInvocationOperation invocation, out IOperation? logits, out IOperation? targets, out string? fix)
    {
        var method = invocation.TargetMethod;
        logits = null;
        targets = null;
        fix = null;
        if (calls.IsLoss(method, "CrossEntropy") && invocation.Argument("targets") is { } lmTargets)
        {
            logits = invocation.Argument("logits");
            targets = lmTargets;
            fix = method.Parameters.Length <= 4 && HasNextTokenLoss(calls) ? DiagnosticProperties.UseNextTokenLoss : null;
        }
        else if (calls.IsTorch(method, "cross_entropy") || calls.IsTorch(method, "nll_loss"))
        {
            logits = invocation.Argument(0);
            targets = invocation.Argument(1);
        }
        else if (method.Name is "forward" or "call" && invocation.Instance is { } module
            && (calls.IsTorchModule(module.Type, "CrossEntropyLoss") || calls.IsTorchModule(module.Type, "NLLLoss")))
        {
            logits = invocation.Argument(0);
            targets = invocation.Argument(1);
        }

        return targets is not null;
    }

    private static bool HasNextTokenLoss(KnownCalls calls) =>
        calls.Symbols.Loss is { } loss && !loss.GetMembers("NextTokenLoss").IsEmpty;

    private static bool IsUnshiftedInputIds(Patterns patterns, IOperation targets, IOperation? logits)
    {
        if (IsShiftedView(patterns, targets) || patterns.Flow.SourceSymbol(targets) is not { } ids)
        {
            return false;
        }

        return IsInputIdsName(ids.Name) || (logits is not null && IsFedToProducer(patterns, ids, logits));
    }

    /// <summary>Names people give the token ids they feed the model: <c>inputIds</c>, <c>input_ids</c>, <c>tokens</c>, <c>ids</c>.</summary>
    internal static bool IsInputIdsName(string name)
    {
        var normalized = OperationHelpers.NormalizedName(name);
        return normalized.Contains("inputid", StringComparison.Ordinal)
            || normalized is "input" or "inputs" or "inputtokens" or "tokens" or "tokenids" or "ids";
    }

    // The logits were computed by a call that was given `ids` (model.forward(ids), Forward(ids, logits)).
    private static bool IsFedToProducer(Patterns patterns, ISymbol ids, IOperation logits)
    {
        foreach (var node in patterns.Flow.DataSlice(logits))
        {
            if (node is not IInvocationOperation invocation || patterns.Calls.IsPassThrough(invocation))
            {
                continue;
            }

            if (invocation.Instance is { } instance && SymbolEqualityComparer.Default.Equals(patterns.Flow.SourceSymbol(instance), ids))
            {
                continue; // ids.Something(): not feeding ids to a model
            }

            foreach (var argument in invocation.Arguments)
            {
                if (SymbolEqualityComparer.Default.Equals(patterns.Flow.SourceSymbol(argument.Value), ids))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Somewhere on the way from the input ids to <paramref name="targets"/> the positions were offset.</summary>
    private static bool IsShiftedView(Patterns patterns, IOperation targets)
    {
        var calls = patterns.Calls;
        foreach (var node in patterns.Flow.Origins(targets))
        {
            switch (node)
            {
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    if ((calls.IsAliasingView(invocation) && invocation.Argument("start") is { } start && !start.IsNumber(0))
                        || (calls.IsEnumerable(method, "Skip") && !invocation.Argument(1).IsNumber(0))
                        || ((calls.IsTorch(method, "narrow") || calls.IsTorch(method, "slice")) && !invocation.Argument(1).IsNumber(0))
                        || calls.IsTorch(method, "roll") || calls.IsTorch(method, "index"))
                    {
                        return true;
                    }

                    break;
                case IArrayElementReferenceOperation element:
                    foreach (var index in element.Indices)
                    {
                        if (IsOffsetIndex(index))
                        {
                            return true;
                        }
                    }

                    break;
                case IPropertyReferenceOperation { Property.IsIndexer: true } indexer:
                    if (calls.IsTensor(indexer.Instance?.Type))
                    {
                        return true;
                    }

                    foreach (var argument in indexer.Arguments)
                    {
                        if (IsOffsetIndex(argument.Value))
                        {
                            return true;
                        }
                    }

                    break;
                case IImplicitIndexerReferenceOperation implicitIndexer:
                    if (IsOffsetIndex(implicitIndexer.Argument))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    // ids[1..], ids[t + 1]: an index or range that does not start at the position itself.
    private static bool IsOffsetIndex(IOperation index)
    {
        switch (index.Unwrap())
        {
            case IRangeOperation range:
                return range.LeftOperand is { } left && !left.IsNumber(0);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } offset:
                return (offset.RightOperand.TryGetNumber(out var right) && right != 0)
                    || (offset.LeftOperand.TryGetNumber(out var left2) && left2 != 0);
            default:
                return false;
        }
    }

    // ids[t] read as the target of row t.
    private static void CheckTargetRead(OperationBlockAnalysisContext context, Patterns patterns, IOperation read, IOperation collection, IOperation index)
    {
        if (read.Type?.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64)
            || read.Parent is IAssignmentOperation assignment && assignment.Target == read
            || !TryGetLinearIndex(index, out var position, out var targetOffset)
            || patterns.Flow.SourceSymbol(collection) is not { } ids)
        {
            return;
        }

        if (!TryFindRow(patterns, read, out var rowParts) || rowParts.Count == 0)
        {
            return;
        }

        var offsets = new HashSet<double>();
        var budget = ValueFlow.Budget;
        foreach (var part in rowParts)
        {
            CollectOffsets(patterns, part, position!, read, offsets, depth: 0, ref budget);
        }

        if (offsets.Count != 1 || !offsets.Contains(targetOffset))
        {
            return;
        }

        var isInputIds = IsInputIdsName(ids.Name);
        if (!isInputIds)
        {
            foreach (var part in rowParts)
            {
                if (IsFedToProducer(patterns, ids, part))
                {
                    isInputIds = true;
                    break;
                }
            }
        }

        if (isInputIds)
        {
            var bareIndex = index.Unwrap() is ILocalReferenceOperation or IParameterReferenceOperation;
            Report(context, read, bareIndex ? DiagnosticProperties.ShiftIndex : null);
        }
    }

    // t, t + c, c + t, t - c.
    private static bool TryGetLinearIndex(IOperation index, out ISymbol? position, out double offset)
    {
        position = null;
        offset = 0;
        switch (index.Unwrap())
        {
            case ILocalReferenceOperation or IParameterReferenceOperation:
                position = index.Unwrap().ReferencedSymbol();
                return true;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } sum:
                if (sum.RightOperand.TryGetNumber(out offset) && sum.LeftOperand.Unwrap() is ILocalReferenceOperation or IParameterReferenceOperation)
                {
                    position = sum.LeftOperand.ReferencedSymbol();
                    return true;
                }

                if (sum.LeftOperand.TryGetNumber(out offset) && sum.RightOperand.Unwrap() is ILocalReferenceOperation or IParameterReferenceOperation)
                {
                    position = sum.RightOperand.ReferencedSymbol();
                    return true;
                }

                return false;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference
                when difference.RightOperand.TryGetNumber(out var subtracted) && difference.LeftOperand.Unwrap() is ILocalReferenceOperation or IParameterReferenceOperation:
                position = difference.LeftOperand.ReferencedSymbol();
                offset = -subtracted;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The expressions that pick the row the target is scored against: the logits row of a
    /// single-row <c>Loss.CrossEntropy(row, target)</c>, or the rest of an element access whose
    /// index contains the target (<c>lp[t * V + ids[t]]</c>, <c>lp[t][ids[t]]</c>, <c>lp[t, ids[t]]</c>).
    /// </summary>
    private static bool TryFindRow(Patterns patterns, IOperation read, out List<IOperation> rowParts)
    {
        rowParts = new List<IOperation>();
        IOperation current = read;
        for (var steps = 0; steps < MaxParentSteps && current.Parent is { } parent; steps++, current = parent)
        {
            switch (parent)
            {
                case IConversionOperation:
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Multiply or BinaryOperatorKind.Subtract }:
                    continue;
                case IArgumentOperation argument when argument.Parent is IInvocationOperation invocation:
                    if (current == read && argument.Parameter?.Name == "target"
                        && patterns.Calls.IsLoss(invocation.TargetMethod, "CrossEntropy") && invocation.Argument("logits") is { } row)
                    {
                        rowParts.Add(row);
                        return true;
                    }

                    return false;
                case IArgumentOperation argument when argument.Parent is IPropertyReferenceOperation { Property.IsIndexer: true } indexer:
                    AddRowParts(rowParts, indexer.Instance, current, read);
                    foreach (var other in indexer.Arguments)
                    {
                        if (other != argument)
                        {
                            rowParts.Add(other.Value);
                        }
                    }

                    return true;
                case IArrayElementReferenceOperation element:
                    AddRowParts(rowParts, element.ArrayReference, current, read);
                    foreach (var other in element.Indices)
                    {
                        if (other != current)
                        {
                            rowParts.Add(other);
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }

        return false;
    }

    private static void AddRowParts(List<IOperation> parts, IOperation? collection, IOperation indexExpression, IOperation read)
    {
        if (collection is not null)
        {
            parts.Add(collection);
        }

        if (indexExpression != read)
        {
            parts.Add(indexExpression); // t * V + ids[t]: the part other than ids[t] is searched, ids[t] itself is skipped
        }
    }

    // The offsets c with which `position` appears in a row expression (t * V: 0, (t + 1) * V: 1),
    // looking only at where a row starts (the start of AsSpan/Slice, the left end of a range) and
    // through locals such as `var row = logits.AsSpan(t * V, V)`.
    private static void CollectOffsets(Patterns patterns, IOperation operation, ISymbol position, IOperation skip, HashSet<double> offsets, int depth, ref int budget)
    {
        if (operation == skip || depth > 4 || budget-- <= 0)
        {
            return;
        }

        switch (operation)
        {
            case ILocalReferenceOperation or IParameterReferenceOperation:
                var symbol = operation.ReferencedSymbol()!;
                if (SymbolEqualityComparer.Default.Equals(symbol, position))
                {
                    offsets.Add(OffsetOf(operation));
                }
                else if (symbol is ILocalSymbol)
                {
                    foreach (var write in patterns.Flow.WritesOf(symbol))
                    {
                        if (write is not IInvocationOperation call || patterns.Calls.IsPassThrough(call))
                        {
                            CollectOffsets(patterns, write, position, skip, offsets, depth + 1, ref budget);
                        }
                    }
                }

                return;
            case IInvocationOperation invocation when patterns.Calls.IsAliasingView(invocation):
                if (invocation.Receiver() is { } receiver)
                {
                    CollectOffsets(patterns, receiver, position, skip, offsets, depth, ref budget);
                }

                if (invocation.Argument("start") is { } start)
                {
                    CollectOffsets(patterns, start, position, skip, offsets, depth, ref budget);
                }

                return;
            case IRangeOperation range:
                if (range.LeftOperand is { } left)
                {
                    CollectOffsets(patterns, left, position, skip, offsets, depth, ref budget);
                }

                return;
        }

        foreach (var child in operation.ChildOperations)
        {
            CollectOffsets(patterns, child, position, skip, offsets, depth, ref budget);
        }
    }

    private static double OffsetOf(IOperation reference)
    {
        var parent = reference.Parent;
        while (parent is IConversionOperation)
        {
            reference = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } sum:
                var other = sum.LeftOperand == reference ? sum.RightOperand : sum.LeftOperand;
                return other.TryGetNumber(out var added) ? added : 0;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference when difference.LeftOperand == reference:
                return difference.RightOperand.TryGetNumber(out var subtracted) ? -subtracted : 0;
            default:
                return 0;
        }
    }
}
