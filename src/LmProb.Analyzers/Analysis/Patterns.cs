using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Analysis;

/// <summary>
/// The probability-math shapes the rules ask about, on top of <see cref="ValueFlow"/>: "is this
/// an exp?", "is this a sum of exps?", "is this a softmax?", "was the max subtracted?", "is this
/// sum masked?". One instance per analyzed member; answers are memoized per operation.
/// </summary>
/// <remarks>Split by concern: exp/log/softmax here, masks and lengths in <c>Patterns.Masks.cs</c>.</remarks>
internal sealed partial class Patterns
{
    private readonly Dictionary<object, bool> _expValued = new(FlowKeyComparer.Instance);
    private readonly Dictionary<object, bool> _softmaxValued = new(FlowKeyComparer.Instance);
    private readonly Dictionary<object, bool> _shifted = new(FlowKeyComparer.Instance);
    private readonly Dictionary<object, ImmutableArray<ExpTerm>> _sumTerms = new(FlowKeyComparer.Instance);

    private Patterns(ValueFlow flow)
    {
        Flow = flow;
        Calls = flow.Calls;
    }

    public ValueFlow Flow { get; }

    public KnownCalls Calls { get; }

    public ImmutableArray<IOperation> Operations => Flow.Operations;

    /// <summary>Builds the value flow of an operation block (all blocks of one member) and the pattern layer over it.</summary>
    public static Patterns Create(ImmutableArray<IOperation> blocks, WellKnownSymbols symbols, CancellationToken cancellationToken) =>
        new(ValueFlow.Create(blocks, new KnownCalls(symbols), cancellationToken));

    /// <summary>
    /// The memo key of a query about <paramref name="expression"/>: the variable when it is a plain
    /// read of one (<c>s</c>, <c>a[i]</c>, <c>row[j]</c>), since the flow summary gives every read of
    /// a variable the same answer; otherwise the operation itself.
    /// </summary>
    private object FlowKey(IOperation expression)
    {
        var unwrapped = expression.Unwrap() ?? expression;
        switch (unwrapped)
        {
            case ILocalReferenceOperation:
            case IParameterReferenceOperation:
            case IFieldReferenceOperation:
            case IArrayElementReferenceOperation:
            case IPropertyReferenceOperation:
                return Flow.StorageSymbol(unwrapped) ?? (object)unwrapped;
            default:
                return unwrapped;
        }
    }

    private sealed class FlowKeyComparer : IEqualityComparer<object>
    {
        public static readonly FlowKeyComparer Instance = new();

        public new bool Equals(object? x, object? y) =>
            x is ISymbol a && y is ISymbol b ? SymbolEqualityComparer.Default.Equals(a, b) : ReferenceEquals(x, y);

        public int GetHashCode(object obj) =>
            obj is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }

    /// <summary>An <c>exp</c> whose values are summed: <see cref="Input"/> is what was exponentiated, <see cref="Site"/> where to report.</summary>
    public readonly struct ExpTerm
    {
        public ExpTerm(IOperation? input, IOperation site)
        {
            Input = input;
            Site = site;
        }

        public IOperation? Input { get; }

        public IOperation Site { get; }
    }

    /// <summary>
    /// <paramref name="node"/> computes <c>exp</c>: <c>Math(F).Exp</c>, <c>float.Exp</c>,
    /// <c>TensorPrimitives.Exp</c>, TorchSharp <c>exp</c>, or <c>Select(MathF.Exp)</c>.
    /// </summary>
    public bool TryGetExp(IOperation node, out IOperation? input, out IOperation site)
    {
        input = null;
        site = node;
        if (node is not IInvocationOperation invocation)
        {
            return false;
        }

        var method = invocation.TargetMethod;
        if (Calls.IsScalarMath(method, "Exp") || Calls.IsTensorPrimitives(method, "Exp"))
        {
            input = invocation.Argument(0);
            return true;
        }

        if (Calls.IsTorch(method, "exp") || Calls.IsTorch(method, "exp_"))
        {
            input = invocation.Instance ?? invocation.Argument(0);
            return true;
        }

        if (Calls.IsEnumerable(method, "Select") && invocation.Argument(1).AsMethodReference() is { } reference
            && Calls.IsScalarMath(reference.Method, "Exp"))
        {
            input = invocation.Argument(0);
            site = reference;
            return true;
        }

        return false;
    }

    /// <summary>
    /// <paramref name="node"/> computes a natural log: <c>Math(F).Log(x)</c>, <c>float.Log(x)</c>,
    /// <c>TensorPrimitives.Log</c>, TorchSharp <c>log</c>, or <c>Select(MathF.Log)</c>.
    /// </summary>
    public bool TryGetLog(IOperation node, out IOperation? input, out IOperation site)
    {
        input = null;
        site = node;
        if (node is not IInvocationOperation invocation)
        {
            return false;
        }

        var method = invocation.TargetMethod;
        if (Calls.IsScalarMath(method, "Log") || Calls.IsTensorPrimitives(method, "Log"))
        {
            input = invocation.Argument(0);
            return true;
        }

        if (Calls.IsTorch(method, "log") || Calls.IsTorch(method, "log_"))
        {
            input = invocation.Instance ?? invocation.Argument(0);
            return true;
        }

        if (Calls.IsEnumerable(method, "Select") && invocation.Argument(1).AsMethodReference() is { } reference
            && Calls.IsScalarMath(reference.Method, "Log"))
        {
            input = invocation.Argument(0);
            site = reference;
            return true;
        }

        return false;
    }

    /// <summary>Some value of <paramref name="expression"/> is an <c>exp</c> (through variables, elements, copies).</summary>
    public bool IsExpValued(IOperation? expression)
    {
        if (expression is null)
        {
            return false;
        }

        var key = FlowKey(expression);
        if (_expValued.TryGetValue(key, out var known))
        {
            return known;
        }

        _expValued[key] = false;
        var result = false;
        foreach (var node in Flow.Origins(expression))
        {
            if (TryGetExp(node, out _, out _))
            {
                result = true;
                break;
            }
        }

        _expValued[key] = result;
        return result;
    }

    /// <summary>The exps summed into <paramref name="expression"/> (empty when it is not a sum of exps).</summary>
    /// <remarks>
    /// Sums: an accumulator (<c>s += e</c>, <c>s = s + e</c>), <c>Enumerable.Sum</c> (with or
    /// without a selector), <c>TensorPrimitives.Sum</c>, TorchSharp <c>sum</c>, or an addition of
    /// two or more exps (<c>exp(a) + exp(b)</c>). <c>1 + exp(-x)</c> is not a sum of exps.
    /// </remarks>
    public ImmutableArray<ExpTerm> SumOfExpTerms(IOperation? expression)
    {
        if (expression is null)
        {
            return ImmutableArray<ExpTerm>.Empty;
        }

        var key = FlowKey(expression);
        if (_sumTerms.TryGetValue(key, out var known))
        {
            return known;
        }

        _sumTerms[key] = ImmutableArray<ExpTerm>.Empty;
        var terms = ImmutableArray.CreateBuilder<ExpTerm>();
        foreach (var node in Flow.Origins(expression))
        {
            switch (node)
            {
                case IInvocationOperation invocation:
                    AddSummedExps(invocation, terms);
                    break;
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound:
                    AddExpTerms(compound.Value, terms);
                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } addition:
                    AddAdditionExps(addition, terms);
                    break;
            }
        }

        var result = terms.ToImmutable();
        _sumTerms[key] = result;
        return result;
    }

    public bool IsSumOfExp(IOperation? expression) => !SumOfExpTerms(expression).IsEmpty;

    private void AddSummedExps(IInvocationOperation invocation, ImmutableArray<ExpTerm>.Builder terms)
    {
        var method = invocation.TargetMethod;
        if (Calls.IsEnumerable(method, "Sum"))
        {
            var source = invocation.Argument(0);
            var selector = invocation.Argument(1);
            if (selector is null)
            {
                AddExpTerms(source, terms);
            }
            else if (selector.AsMethodReference() is { } reference && Calls.IsScalarMath(reference.Method, "Exp"))
            {
                terms.Add(new ExpTerm(source, reference));
            }
            else if (selector.AsLambda() is { } lambda)
            {
                foreach (var value in lambda.ReturnedValues())
                {
                    AddExpTerms(value, terms);
                }
            }
        }
        else if (Calls.IsTensorPrimitives(method, "Sum"))
        {
            AddExpTerms(invocation.Argument(0), terms);
        }
        else if (Calls.IsTorch(method, "sum"))
        {
            AddExpTerms(invocation.Instance ?? invocation.Argument(0), terms);
        }
    }

    private void AddAdditionExps(IBinaryOperation addition, ImmutableArray<ExpTerm>.Builder terms)
    {
        var leaves = new List<IOperation>();
        CollectAdditionLeaves(addition, leaves, 0);
        var accumulator = Flow.TargetOfWrite(addition);
        var selfAccumulating = false;
        var expLeaves = new List<IOperation>();
        foreach (var leaf in leaves)
        {
            if (accumulator is not null && SymbolEqualityComparer.Default.Equals(leaf.ReferencedSymbol(), accumulator))
            {
                selfAccumulating = true;
            }
            else if (IsExpValued(leaf))
            {
                expLeaves.Add(leaf);
            }
        }

        if (selfAccumulating || expLeaves.Count >= 2)
        {
            foreach (var leaf in expLeaves)
            {
                AddExpTerms(leaf, terms);
            }
        }
    }

    private static void CollectAdditionLeaves(IOperation operation, List<IOperation> leaves, int depth)
    {
        var unwrapped = operation.Unwrap()!;
        if (depth < 16 && unwrapped is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } addition)
        {
            CollectAdditionLeaves(addition.LeftOperand, leaves, depth + 1);
            CollectAdditionLeaves(addition.RightOperand, leaves, depth + 1);
        }
        else
        {
            leaves.Add(unwrapped);
        }
    }

    private void AddExpTerms(IOperation? expression, ImmutableArray<ExpTerm>.Builder terms)
    {
        foreach (var node in Flow.Origins(expression))
        {
            if (TryGetExp(node, out var input, out var site))
            {
                terms.Add(new ExpTerm(input, site));
            }
        }
    }

    /// <summary>
    /// <paramref name="input"/> had something subtracted before it was exponentiated (the row max,
    /// a log-sum-exp) or is already a log-probability: anywhere in what it is computed from there is
    /// a subtraction, <c>TensorPrimitives.Subtract</c>, TorchSharp <c>sub</c>, or a log-softmax.
    /// </summary>
    public bool IsShifted(IOperation? input)
    {
        if (input is null)
        {
            return false;
        }

        var key = FlowKey(input);
        if (!_shifted.TryGetValue(key, out var shifted))
        {
            _shifted[key] = shifted = ComputeIsShifted(input);
        }

        return shifted;
    }

    private bool ComputeIsShifted(IOperation input)
    {
        foreach (var node in Flow.DataSlice(input))
        {
            switch (node)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract }:
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Subtract }:
                    return true;
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    if (Calls.IsTensorPrimitives(method, "Subtract") || Calls.IsTorch(method, "sub") || Calls.IsTorch(method, "sub_")
                        || Calls.IsProbability(method, "LogSoftmax") || Calls.IsTorch(method, "log_softmax"))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>
    /// <paramref name="node"/> is a library softmax: LmProb's <c>Probability.Softmax</c>,
    /// <c>TensorPrimitives.SoftMax</c>, or TorchSharp <c>softmax</c> (<c>torch</c>,
    /// <c>nn.functional</c>, <c>Tensor</c>, <c>special</c>). <paramref name="input"/> is the logits.
    /// </summary>
    public bool TryGetLibrarySoftmax(IOperation node, out IOperation? input)
    {
        input = null;
        if (node is not IInvocationOperation invocation)
        {
            return false;
        }

        var method = invocation.TargetMethod;
        if (Calls.IsProbability(method, "Softmax") || Calls.IsTensorPrimitives(method, "SoftMax"))
        {
            input = invocation.Argument(0);
            return true;
        }

        if (Calls.IsTorch(method, "softmax"))
        {
            input = invocation.Instance ?? invocation.Argument(0);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Some value of <paramref name="expression"/> is a softmax probability: from a library
    /// softmax, or normalized by hand (<c>e / sum</c>, <c>e[i] /= sum</c>, <c>e * (1 / sum)</c>,
    /// <c>TensorPrimitives.Divide(e, sum, p)</c> with <c>e</c> an exp and <c>sum</c> a sum of exps).
    /// </summary>
    public bool IsSoftmaxValued(IOperation? expression)
    {
        if (expression is null)
        {
            return false;
        }

        var key = FlowKey(expression);
        if (_softmaxValued.TryGetValue(key, out var known))
        {
            return known;
        }

        _softmaxValued[key] = false;
        var result = false;
        foreach (var node in Flow.Origins(expression))
        {
            if (TryGetLibrarySoftmax(node, out _) || IsHandNormalizedExp(node))
            {
                result = true;
                break;
            }
        }

        _softmaxValued[key] = result;
        return result;
    }

    /// <summary>The library softmax call that produced <paramref name="expression"/>, when there is exactly one producer and it is one.</summary>
    public IInvocationOperation? SingleLibrarySoftmax(IOperation? expression)
    {
        IInvocationOperation? found = null;
        foreach (var node in Flow.Origins(expression))
        {
            if (TryGetLibrarySoftmax(node, out _))
            {
                if (found is not null)
                {
                    return null;
                }

                found = (IInvocationOperation)node;
            }
        }

        return found;
    }

    /// <summary>
    /// The logits of the library softmax that alone produced <paramref name="probabilities"/>, when a
    /// rewrite at <paramref name="use"/> may read them instead: <c>Probability.Softmax(x, p)</c> or
    /// <c>TensorPrimitives.SoftMax(x, p)</c> with <c>x</c> a float span, array or list held in a local
    /// or parameter that nothing writes between the softmax and <paramref name="use"/>.
    /// </summary>
    public bool TryGetUnchangedSoftmaxLogits(IOperation? probabilities, IOperation use, out IOperation? logits)
    {
        logits = null;
        var softmax = SingleLibrarySoftmax(probabilities);
        var argument = softmax?.Argument(0).Unwrap();
        if (softmax is null || softmax.Arguments.Length != 2 || Calls.IsTorch(softmax.TargetMethod, "softmax")
            || argument is not (ILocalReferenceOperation or IParameterReferenceOperation)
            || KnownCalls.ElementType(argument.Type)?.SpecialType != SpecialType.System_Single
            || !Flow.IsUnchangedBetween(argument.ReferencedSymbol()!, softmax, use))
        {
            return false;
        }

        logits = argument;
        return true;
    }

    /// <summary><c>p[i]</c> with a single index that is a local, parameter, field or literal (cheap and safe to write twice).</summary>
    public static bool IsSimplyIndexed(IOperation? element)
    {
        IOperation? index = element.Unwrap() switch
        {
            IArrayElementReferenceOperation array when array.Indices.Length == 1 => array.Indices[0],
            IPropertyReferenceOperation { Property.IsIndexer: true } indexer when indexer.Arguments.Length == 1 => indexer.Arguments[0].Value,
            _ => null,
        };
        return index.Unwrap() is ILocalReferenceOperation or IParameterReferenceOperation or ILiteralOperation or IFieldReferenceOperation;
    }

    private bool IsHandNormalizedExp(IOperation node)
    {
        switch (node)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division:
                return IsExpValued(division.LeftOperand) && IsSumOfExp(division.RightOperand);
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound:
                return IsSumOfExp(compound.Value);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product:
                return (IsExpValued(product.LeftOperand) && IsReciprocalOfSumOfExp(product.RightOperand))
                    || (IsExpValued(product.RightOperand) && IsReciprocalOfSumOfExp(product.LeftOperand));
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Multiply } compound:
                return IsReciprocalOfSumOfExp(compound.Value);
            case IInvocationOperation invocation when Calls.IsTensorPrimitives(invocation.TargetMethod, "Divide"):
                return IsExpValued(invocation.Argument(0)) && IsSumOfExp(invocation.Argument(1));
            case IInvocationOperation invocation when Calls.IsTorch(invocation.TargetMethod, "div") || Calls.IsTorch(invocation.TargetMethod, "div_"):
                return IsExpValued(invocation.Instance ?? invocation.Argument(0))
                    && IsSumOfExp(invocation.Instance is null ? invocation.Argument(1) : invocation.Argument(0));
            default:
                return false;
        }
    }

    private bool IsReciprocalOfSumOfExp(IOperation? expression)
    {
        foreach (var node in Flow.Origins(expression))
        {
            if (node is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division && IsSumOfExp(division.RightOperand))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value divided in a division found by <see cref="Divisor"/>.</summary>
    public IOperation? Dividend(IOperation operation) => operation switch
    {
        IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division => division.LeftOperand,
        ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound => compound.Target,
        IInvocationOperation invocation when Calls.IsTensorPrimitives(invocation.TargetMethod, "Divide") => invocation.Argument(0),
        IInvocationOperation invocation when Calls.IsTorch(invocation.TargetMethod, "div") || Calls.IsTorch(invocation.TargetMethod, "div_") =>
            invocation.Instance ?? invocation.Argument(0),
        _ => null,
    };

    /// <summary>The exps that are values of <paramref name="expression"/> (not summed: <c>exp(x)</c> in <c>exp(x) / sum</c>).</summary>
    public ImmutableArray<ExpTerm> ExpTerms(IOperation? expression)
    {
        var terms = ImmutableArray.CreateBuilder<ExpTerm>();
        AddExpTerms(expression, terms);
        return terms.ToImmutable();
    }

    /// <summary>The operations that divide by (or take the log of) a value: <c>a / d</c>, <c>a /= d</c>, <c>TensorPrimitives.Divide(a, d, _)</c>, TorchSharp <c>div</c>.</summary>
    public IOperation? Divisor(IOperation operation) => operation switch
    {
        IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division => division.RightOperand,
        ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound => compound.Value,
        IInvocationOperation invocation when Calls.IsTensorPrimitives(invocation.TargetMethod, "Divide") => invocation.Argument(1),
        IInvocationOperation invocation when Calls.IsTorch(invocation.TargetMethod, "div") || Calls.IsTorch(invocation.TargetMethod, "div_") =>
            invocation.Instance is null ? invocation.Argument(1) : invocation.Argument(0),
        _ => null,
    };
}
