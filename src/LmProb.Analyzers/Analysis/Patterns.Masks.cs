using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Analysis;

/// <summary>Masks, ignore indices, counts and lengths (LMP003 and the rules that average per-token values).</summary>
internal sealed partial class Patterns
{
    private readonly Dictionary<object, bool> _maskedSum = new(FlowKeyComparer.Instance);
    private readonly Dictionary<object, bool> _zeroFilled = new(FlowKeyComparer.Instance);
    private readonly Dictionary<object, bool> _fullLength = new(FlowKeyComparer.Instance);
    private HashSet<ISymbol>? _loopBounds;
    private HashSet<ISymbol>? _perTokenLossBuffers;

    /// <summary>
    /// <paramref name="expression"/> tests or holds a mask: it reads an element of a <c>bool</c>
    /// collection, names something <c>*mask*</c>, or compares with an ignore index (<c>-100</c>,
    /// <c>IgnoreIndex</c>, <c>padId</c>).
    /// </summary>
    public bool IsMaskLike(IOperation? expression) => IsMaskLike(expression, depth: 0);

    private bool IsMaskLike(IOperation? expression, int depth)
    {
        if (expression is null)
        {
            return false;
        }

        foreach (var node in expression.SelfAndDescendants())
        {
            switch (node)
            {
                case IArrayElementReferenceOperation element when element.Type?.SpecialType == SpecialType.System_Boolean:
                case IPropertyReferenceOperation { Property.IsIndexer: true } indexer when indexer.Type?.SpecialType == SpecialType.System_Boolean:
                    return true;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                    when IsIgnoreIndex(comparison.LeftOperand) || IsIgnoreIndex(comparison.RightOperand):
                    return true;
            }

            if (node.ReferencedSymbol() is { } symbol)
            {
                if (OperationHelpers.NormalizedName(symbol.Name).Contains("mask", StringComparison.Ordinal))
                {
                    return true;
                }

                // m in mask.Select(m => ...), losses.Zip(mask, (l, m) => ...), foreach (var m in mask)
                if (depth < 2 && node.Type?.SpecialType == SpecialType.System_Boolean && IsBoolDrawnFromMask(symbol, depth))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool IsBoolDrawnFromMask(ISymbol symbol, int depth)
    {
        if (symbol is IParameterSymbol parameter && Flow.LambdaSource(parameter) is { } source)
        {
            return IsMaskLike(source, depth + 1);
        }

        if (symbol is ILocalSymbol local)
        {
            foreach (var write in Flow.WritesOf(local))
            {
                if (IsMaskLike(write, depth + 1))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsIgnoreIndex(IOperation operation)
    {
        if (operation.IsNumber(-100))
        {
            return true;
        }

        if (operation.ReferencedSymbol() is { } symbol)
        {
            var name = OperationHelpers.NormalizedName(symbol.Name);
            return name.Contains("ignore", StringComparison.Ordinal) || name.StartsWith("pad", StringComparison.Ordinal);
        }

        return false;
    }

    /// <summary>
    /// <paramref name="operation"/> only runs for real tokens: it sits under an <c>if</c> on a
    /// mask, or follows <c>if (masked) continue;</c> in its loop body.
    /// </summary>
    public bool IsGuardedByMask(IOperation operation)
    {
        IOperation child = operation;
        for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case IConditionalOperation conditional when child != conditional.Condition && IsMaskLike(conditional.Condition):
                    return true;
                case IBlockOperation block when block.Parent is ILoopOperation:
                    foreach (var statement in block.Operations)
                    {
                        if (statement == child)
                        {
                            break;
                        }

                        if (statement is IConditionalOperation guard && IsMaskLike(guard.Condition) && SkipsIteration(guard.WhenTrue))
                        {
                            return true;
                        }
                    }

                    break;
                case IAnonymousFunctionOperation:
                case ILocalFunctionOperation:
                case IMethodBodyOperation:
                    return false;
            }
        }

        return false;
    }

    private static bool SkipsIteration(IOperation branch)
    {
        foreach (var node in branch.SelfAndDescendants())
        {
            if (node is IBranchOperation { BranchKind: BranchKind.Continue })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><paramref name="value"/> is multiplied by a mask or zeroed by one (<c>l * mask[t]</c>, <c>m ? l : 0</c>).</summary>
    public bool HasMaskFactor(IOperation? value)
    {
        if (value is null)
        {
            return false;
        }

        foreach (var node in value.SelfAndDescendants())
        {
            switch (node)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product
                    when IsMaskLike(product.LeftOperand) || IsMaskLike(product.RightOperand):
                    return true;
                case IConditionalOperation { WhenFalse: not null } conditional when conditional.Type is not null && IsMaskLike(conditional.Condition):
                    return true;
                case IInvocationOperation invocation when IsMaskingCall(invocation):
                    return true;
            }
        }

        return false;
    }

    // TensorPrimitives.Multiply(loss, mask, d), TorchSharp mul(mask) / masked_fill / where(mask, ...).
    private bool IsMaskingCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (Calls.IsTensorPrimitives(method, "Multiply") || Calls.IsTorch(method, "mul") || Calls.IsTorch(method, "mul_")
            || Calls.IsTorch(method, "where"))
        {
            foreach (var argument in invocation.Arguments)
            {
                if (IsMaskLike(argument.Value))
                {
                    return true;
                }
            }

            return invocation.Instance is not null && method.Name != "where" && IsMaskLike(invocation.Instance);
        }

        return Calls.IsTorch(method, "masked_fill") || Calls.IsTorch(method, "masked_fill_");
    }

    /// <summary>
    /// The values of <paramref name="collection"/> are per-token values that are 0 (not absent) at
    /// masked or ignored positions: written under a mask, multiplied by one, or filled by LmProb
    /// as <c>CrossEntropyOptions.PerTokenLoss</c>. Their plain mean is over the padded length.
    /// </summary>
    public bool IsZeroFilledByMask(IOperation? collection)
    {
        if (collection is null)
        {
            return false;
        }

        var key = FlowKey(collection);
        if (!_zeroFilled.TryGetValue(key, out var result))
        {
            _zeroFilled[key] = false; // a cycle back here answers "no"
            _zeroFilled[key] = result = ComputeIsZeroFilledByMask(collection);
        }

        return result;
    }

    private bool ComputeIsZeroFilledByMask(IOperation collection)
    {
        foreach (var node in Flow.Origins(collection))
        {
            if (Flow.TargetOfWrite(node) is not null && IsGuardedByMask(node))
            {
                return true;
            }

            if (HasMaskFactor(node) || IsPerTokenLossBuffer(node.ReferencedSymbol()) || IsUnreducedLossWithIgnoreIndex(node))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The values of <paramref name="collection"/> were filtered to real tokens (<c>Where(...mask...)</c>).</summary>
    public bool IsFilteredByMask(IOperation? collection)
    {
        foreach (var node in Flow.Origins(collection))
        {
            if (node is IInvocationOperation invocation && Calls.IsEnumerable(invocation.TargetMethod, "Where")
                && invocation.Argument(1).AsLambda() is { } predicate && IsMaskLike(predicate.Body))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <paramref name="numerator"/> is a sum over real tokens only: a mask-guarded or mask-weighted
    /// accumulator, a <c>Sum()</c> of filtered or zero-filled values, a <c>TensorPrimitives.Sum</c>
    /// or TorchSharp <c>sum</c> of masked values, or a dot product with a mask.
    /// </summary>
    public bool IsMaskedSum(IOperation? numerator)
    {
        if (numerator is null)
        {
            return false;
        }

        var key = FlowKey(numerator);
        if (!_maskedSum.TryGetValue(key, out var result))
        {
            _maskedSum[key] = false; // a cycle back here answers "no"
            _maskedSum[key] = result = ComputeIsMaskedSum(numerator);
        }

        return result;
    }

    private bool ComputeIsMaskedSum(IOperation numerator)
    {
        foreach (var node in Flow.Origins(numerator))
        {
            switch (node)
            {
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound:
                    if (IsGuardedByMask(compound) || HasMaskFactor(compound.Value))
                    {
                        return true;
                    }

                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } addition
                    when Flow.TargetOfWrite(addition) is { } accumulator && ReadsSymbol(addition, accumulator):
                    if (IsGuardedByMask(addition) || HasMaskFactor(addition))
                    {
                        return true;
                    }

                    break;
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    if (Calls.IsEnumerable(method, "Sum"))
                    {
                        var source = invocation.Argument(0);
                        if (IsFilteredByMask(source) || IsZeroFilledByMask(source)
                            || (invocation.Argument(1).AsLambda() is { } selector && HasMaskFactor(selector.Body)))
                        {
                            return true;
                        }
                    }
                    else if (Calls.IsTensorPrimitives(method, "Sum"))
                    {
                        if (IsZeroFilledByMask(invocation.Argument(0)))
                        {
                            return true;
                        }
                    }
                    else if (Calls.IsTorch(method, "sum"))
                    {
                        if (IsZeroFilledByMask(invocation.Instance ?? invocation.Argument(0)))
                        {
                            return true;
                        }
                    }
                    else if (Calls.IsTensorPrimitives(method, "Dot"))
                    {
                        if (IsMaskLike(invocation.Argument(0)) || IsMaskLike(invocation.Argument(1)))
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }

    private static bool ReadsSymbol(IOperation operation, ISymbol symbol)
    {
        foreach (var node in operation.SelfAndDescendants())
        {
            if (node is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
                && SymbolEqualityComparer.Default.Equals(node.ReferencedSymbol(), symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <paramref name="denominator"/> counts every position, padding included: a <c>Length</c> or
    /// <c>Count</c>, <c>Count()</c> without a predicate, TorchSharp <c>numel()</c>/<c>size()</c>/
    /// <c>shape</c>, the bound of a <c>for</c> loop, or a variable named like a length (<c>n</c>,
    /// <c>T</c>, <c>seqLen</c>). Not full: anything counted (<c>count++</c>, <c>Count(m => m)</c>,
    /// a sum of the mask).
    /// </summary>
    public bool IsFullLength(IOperation? denominator)
    {
        if (denominator is null)
        {
            return false;
        }

        var key = FlowKey(denominator);
        if (!_fullLength.TryGetValue(key, out var result))
        {
            _fullLength[key] = false; // a cycle back here answers "no"
            _fullLength[key] = result = ComputeIsFullLength(denominator);
        }

        return result;
    }

    private bool ComputeIsFullLength(IOperation denominator)
    {
        var full = false;
        foreach (var node in Flow.Origins(denominator))
        {
            switch (node)
            {
                case IIncrementOrDecrementOperation:
                case ICompoundAssignmentOperation:
                    return false;
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    if (Calls.IsEnumerable(method, "Count") || Calls.IsEnumerable(method, "LongCount"))
                    {
                        if (invocation.Arguments.Length > 1)
                        {
                            return false;
                        }

                        full = true;
                    }
                    else if (Calls.IsTorch(method, "numel") || Calls.IsTorch(method, "size"))
                    {
                        full = true;
                    }
                    else if (Calls.IsEnumerable(method, "Sum") || Calls.IsTensorPrimitives(method, "Sum") || Calls.IsTorch(method, "sum")
                        || Calls.IsTorch(method, "count_nonzero"))
                    {
                        return false;
                    }

                    break;
                case IPropertyReferenceOperation { Property.IsIndexer: false } property:
                    if (KnownCalls.Is(property.Property.ContainingType, Calls.Symbols.CrossEntropyResult))
                    {
                        return false;
                    }

                    if (property.Property.Name is "Length" or "LongLength" or "Count" or "shape")
                    {
                        full = true;
                    }

                    break;
                case ILocalReferenceOperation or IParameterReferenceOperation:
                    var symbol = node.ReferencedSymbol()!;
                    if (IsLengthName(symbol.Name) || IsLoopBound(symbol))
                    {
                        full = true;
                    }

                    break;
            }
        }

        return full;
    }

    private static bool IsLengthName(string name)
    {
        switch (OperationHelpers.NormalizedName(name))
        {
            case "n":
            case "t":
            case "len":
            case "length":
            case "seqlen":
            case "seqlength":
            case "sequencelength":
            case "maxlen":
            case "maxlength":
            case "padlength":
            case "paddedlength":
                return true;
            default:
                return false;
        }
    }

    private bool IsLoopBound(ISymbol symbol)
    {
        if (_loopBounds is null)
        {
            _loopBounds = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in Operations)
            {
                if (operation is IForLoopOperation { Condition: IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual } condition }
                    && condition.RightOperand.ReferencedSymbol() is { } bound)
                {
                    _loopBounds.Add(bound);
                }
            }
        }

        return _loopBounds.Contains(symbol);
    }

    /// <summary>The array <paramref name="symbol"/> is given to LmProb as <c>CrossEntropyOptions.PerTokenLoss</c> (0 for ignored tokens).</summary>
    public bool IsPerTokenLossBuffer(ISymbol? symbol)
    {
        if (symbol is null || Calls.Symbols.CrossEntropyOptions is null)
        {
            return false;
        }

        if (_perTokenLossBuffers is null)
        {
            _perTokenLossBuffers = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in Operations)
            {
                if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment
                    && property.Property.Name == "PerTokenLoss"
                    && KnownCalls.Is(property.Property.ContainingType, Calls.Symbols.CrossEntropyOptions)
                    && Flow.StorageSymbol(assignment.Value) is { } buffer)
                {
                    _perTokenLossBuffers.Add(buffer);
                }
            }
        }

        return _perTokenLossBuffers.Contains(symbol);
    }

    // TorchSharp cross_entropy(..., ignore_index: k, reduction: Reduction.None): per-token losses, 0 where ignored.
    private bool IsUnreducedLossWithIgnoreIndex(IOperation node)
    {
        if (node is not IInvocationOperation invocation
            || !(Calls.IsTorch(invocation.TargetMethod, "cross_entropy") || Calls.IsTorch(invocation.TargetMethod, "nll_loss")))
        {
            return false;
        }

        var explicitIgnore = false;
        var unreduced = false;
        foreach (var argument in invocation.Arguments)
        {
            if (!argument.IsExplicit() || argument.Parameter is null)
            {
                continue;
            }

            if (argument.Parameter.Name == "ignore_index")
            {
                explicitIgnore = true;
            }
            else if (argument.Parameter.Name == "reduction" && argument.Value.Unwrap() is IFieldReferenceOperation { Field.Name: "None" })
            {
                unreduced = true;
            }
        }

        return explicitIgnore && unreduced;
    }
}
