using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Analysis;

/// <summary>
/// Where the values in a method body come from: a flow-insensitive, may-alias summary of every
/// write to each local, parameter, field and property (whole or element-wise, including spans a
/// call writes as its destination), so a rule can ask "is <c>p[i]</c> a softmax?" across
/// statements and loops. Built once per operation block with one walk.
/// </summary>
/// <remarks>
/// Flow-insensitive: every write anywhere in the body counts, before or after the read. Rules use
/// it in the direction that keeps them quiet on correct code (a max subtracted anywhere counts as
/// subtracted). Queries are bounded (<see cref="Budget"/> nodes) so pathological bodies stay cheap.
/// </remarks>
internal sealed class ValueFlow
{
    /// <summary>The most operations one query visits.</summary>
    public const int Budget = 256;

    private readonly KnownCalls _calls;
    private readonly Dictionary<ISymbol, List<IOperation>> _writes = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, ISymbol> _aliasParent = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IOperation, ISymbol> _writeTargets = new();
    private readonly Dictionary<IMethodSymbol, IInvocationOperation> _lambdaCalls = new(SymbolEqualityComparer.Default);
    private Dictionary<ISymbol, List<IOperation>>? _groupWrites;

    private ValueFlow(KnownCalls calls, ImmutableArray<IOperation> operations)
    {
        _calls = calls;
        Operations = operations;
    }

    /// <summary>Every operation of the analyzed blocks (lambdas and local functions included).</summary>
    public ImmutableArray<IOperation> Operations { get; }

    public KnownCalls Calls => _calls;

    public static ValueFlow Create(ImmutableArray<IOperation> blocks, KnownCalls calls, CancellationToken cancellationToken)
    {
        var operations = ImmutableArray.CreateBuilder<IOperation>();
        foreach (var block in blocks)
        {
            if (block is not null)
            {
                operations.AddRange(block.SelfAndDescendants());
            }
        }

        var flow = new ValueFlow(calls, operations.ToImmutable());
        foreach (var operation in flow.Operations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            flow.Record(operation);
        }

        return flow;
    }

    private void Record(IOperation operation)
    {
        switch (operation)
        {
            case ISimpleAssignmentOperation assignment:
                AddWrite(assignment.Target, assignment.Value);
                if (assignment.Target.Unwrap() is ILocalReferenceOperation local)
                {
                    Alias(local.Local, assignment.Value);
                }

                break;
            case ICompoundAssignmentOperation compound:
                AddWrite(compound.Target, compound);
                break;
            case IIncrementOrDecrementOperation increment:
                AddWrite(increment.Target, increment);
                break;
            case IVariableDeclaratorOperation declarator:
                if (declarator.GetVariableInitializer()?.Value is { } initial)
                {
                    AddWrite(declarator.Symbol, initial);
                    Alias(declarator.Symbol, initial);
                }

                break;
            case IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation variable } loop:
                AddWrite(variable.Symbol, loop.Collection);
                break;
            case IInvocationOperation invocation:
                foreach (var argument in invocation.Arguments)
                {
                    var parameter = argument.Parameter;
                    if (parameter is null)
                    {
                        continue;
                    }

                    if (parameter.RefKind is RefKind.Out or RefKind.Ref || _calls.IsSpan(parameter.Type)
                        || (parameter.Name == "destinationArray" && invocation.TargetMethod.ContainingType?.SpecialType == SpecialType.System_Array))
                    {
                        AddWrite(argument.Value, invocation);
                    }

                    if (argument.Value.AsLambda() is { } lambda)
                    {
                        _lambdaCalls[lambda.Symbol] = invocation;
                    }
                }

                break;
        }
    }

    private void AddWrite(IOperation target, IOperation value)
    {
        if (StorageSymbol(target) is { } symbol)
        {
            AddWrite(symbol, value);
        }
    }

    private void AddWrite(ISymbol symbol, IOperation value)
    {
        if (!_writes.TryGetValue(symbol, out var list))
        {
            _writes[symbol] = list = new List<IOperation>();
        }

        list.Add(value);
        _writeTargets[value] = symbol;
    }

    // `Span<float> row = logits.AsSpan(...)`, `var p = probs`: the two names share storage.
    private void Alias(ILocalSymbol local, IOperation value)
    {
        var unwrapped = value.Unwrap();
        if (unwrapped is IInvocationOperation invocation && _calls.IsAliasingView(invocation))
        {
            unwrapped = invocation.Receiver();
        }

        if (StorageSymbol(unwrapped) is { } other && unwrapped.Unwrap() is not IArrayElementReferenceOperation
            && unwrapped.Unwrap() is not IPropertyReferenceOperation { Property.IsIndexer: true })
        {
            var a = Find(local);
            var b = Find(other);
            if (!SymbolEqualityComparer.Default.Equals(a, b))
            {
                _aliasParent[a] = b;
                _groupWrites = null;
            }
        }
    }

    private ISymbol Find(ISymbol symbol)
    {
        var current = symbol;
        var steps = 0;
        while (_aliasParent.TryGetValue(current, out var parent) && steps++ < 64)
        {
            current = parent;
        }

        return current;
    }

    /// <summary>
    /// The variable whose storage <paramref name="operation"/> reads or writes: through element
    /// access, indexers, conversions and aliasing views (<c>a.AsSpan(i, n)[j]</c> is <c>a</c>).
    /// </summary>
    public ISymbol? StorageSymbol(IOperation? operation)
    {
        for (var steps = 0; operation is not null && steps < 32; steps++)
        {
            operation = operation.Unwrap();
            switch (operation)
            {
                case IArrayElementReferenceOperation element:
                    operation = element.ArrayReference;
                    continue;
                case IPropertyReferenceOperation { Property.IsIndexer: true } indexer:
                    operation = indexer.Instance;
                    continue;
                case IImplicitIndexerReferenceOperation implicitIndexer:
                    operation = implicitIndexer.Instance;
                    continue;
                case IInvocationOperation invocation when _calls.IsAliasingView(invocation):
                    operation = invocation.Receiver();
                    continue;
                default:
                    return operation.ReferencedSymbol();
            }
        }

        return null;
    }

    /// <summary>
    /// Like <see cref="StorageSymbol"/>, and also through copies and reshapes (<c>ToArray()</c>,
    /// TorchSharp <c>view</c>): the variable the values were taken from.
    /// </summary>
    public ISymbol? SourceSymbol(IOperation? operation)
    {
        for (var steps = 0; operation is not null && steps < 32; steps++)
        {
            operation = operation.Unwrap();
            switch (operation)
            {
                case IArrayElementReferenceOperation element:
                    operation = element.ArrayReference;
                    continue;
                case IPropertyReferenceOperation { Property.IsIndexer: true } indexer:
                    operation = indexer.Instance;
                    continue;
                case IImplicitIndexerReferenceOperation implicitIndexer:
                    operation = implicitIndexer.Instance;
                    continue;
                case IInvocationOperation invocation when _calls.IsPassThrough(invocation):
                    operation = invocation.Receiver();
                    continue;
                default:
                    return operation.ReferencedSymbol();
            }
        }

        return null;
    }

    /// <summary>Every value written to <paramref name="symbol"/> or to a name that shares its storage.</summary>
    public IReadOnlyList<IOperation> WritesOf(ISymbol symbol)
    {
        if (_groupWrites is null)
        {
            _groupWrites = new Dictionary<ISymbol, List<IOperation>>(SymbolEqualityComparer.Default);
            foreach (var pair in _writes)
            {
                var root = Find(pair.Key);
                if (!_groupWrites.TryGetValue(root, out var list))
                {
                    _groupWrites[root] = list = new List<IOperation>();
                }

                list.AddRange(pair.Value);
            }
        }

        return _groupWrites.TryGetValue(Find(symbol), out var writes) ? writes : (IReadOnlyList<IOperation>)System.Array.Empty<IOperation>();
    }

    /// <summary>
    /// Nothing writes <paramref name="symbol"/> (or a name sharing its storage) in the text between
    /// <paramref name="from"/> and <paramref name="to"/>, which must come in that order: a rewrite at
    /// <paramref name="to"/> may read the values <paramref name="symbol"/> had at <paramref name="from"/>.
    /// </summary>
    public bool IsUnchangedBetween(ISymbol symbol, IOperation from, IOperation to)
    {
        var start = from.Syntax.SpanStart;
        var end = to.Syntax.SpanStart;
        if (start >= end || from.Syntax.SyntaxTree != to.Syntax.SyntaxTree)
        {
            return false;
        }

        foreach (var write in WritesOf(symbol))
        {
            var position = write.Syntax.SpanStart;
            if (position >= start && position <= end)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The variable a recorded write (<see cref="WritesOf"/>) stores to, or null.</summary>
    public ISymbol? TargetOfWrite(IOperation write) => _writeTargets.TryGetValue(write, out var symbol) ? symbol : null;

    /// <summary>
    /// For a lambda parameter, the collection whose elements it receives: <c>x</c> in
    /// <c>xs.Select(x => ...)</c> is an element of <c>xs</c>; <c>b</c> in <c>a.Zip(b2, (a, b) => ...)</c> of <c>b2</c>.
    /// </summary>
    public IOperation? LambdaSource(IParameterSymbol parameter)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol lambda || !_lambdaCalls.TryGetValue(lambda, out var call)
            || !_calls.IsEnumerable(call.TargetMethod))
        {
            return null;
        }

        if (call.TargetMethod.Name == "Zip")
        {
            return parameter.Ordinal <= 1 ? call.Argument(parameter.Ordinal) : null;
        }

        return parameter.Ordinal == 0 ? call.Argument(0) : null;
    }

    /// <summary>
    /// The operations that can produce the values of <paramref name="expression"/> (itself first):
    /// through variables and their writes, element access, views and copies, LINQ filters and
    /// projections (a <c>Select</c> yields its lambda's result), lambda parameters, and both arms
    /// of <c>?:</c> and <c>??</c>. Arithmetic is not looked through: <c>p[i] + eps</c> is its own value.
    /// </summary>
    public IEnumerable<IOperation> Origins(IOperation? expression) => Walk(expression, throughArithmetic: false);

    /// <summary>
    /// Everything <paramref name="expression"/> is computed from: <see cref="Origins"/> plus the
    /// operands of arithmetic and of scalar/tensor math calls (not array indices).
    /// </summary>
    public IEnumerable<IOperation> DataSlice(IOperation? expression) => Walk(expression, throughArithmetic: true);

    private IEnumerable<IOperation> Walk(IOperation? start, bool throughArithmetic)
    {
        var visited = new HashSet<IOperation>();
        var pending = new Stack<IOperation>();
        if (start is not null)
        {
            pending.Push(start);
        }

        var budget = Budget;
        while (pending.Count > 0 && budget-- > 0)
        {
            var operation = pending.Pop().Unwrap();
            if (operation is null || !visited.Add(operation))
            {
                continue;
            }

            yield return operation;
            foreach (var next in Expand(operation, throughArithmetic))
            {
                if (next is not null)
                {
                    pending.Push(next);
                }
            }
        }
    }

    private IEnumerable<IOperation?> Expand(IOperation operation, bool throughArithmetic)
    {
        switch (operation)
        {
            case ILocalReferenceOperation:
            case IFieldReferenceOperation:
            case IPropertyReferenceOperation { Property.IsIndexer: false }:
                foreach (var write in WritesOf(operation.ReferencedSymbol()!))
                {
                    yield return write;
                }

                break;
            case IParameterReferenceOperation parameter:
                foreach (var write in WritesOf(parameter.Parameter))
                {
                    yield return write;
                }

                yield return LambdaSource(parameter.Parameter);
                break;
            case IArrayElementReferenceOperation element:
                yield return element.ArrayReference;
                break;
            case IPropertyReferenceOperation { Property.IsIndexer: true } indexer:
                yield return indexer.Instance;
                break;
            case IImplicitIndexerReferenceOperation implicitIndexer:
                yield return implicitIndexer.Instance;
                break;
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional when conditional.Type is not null:
                yield return conditional.WhenTrue;
                yield return whenFalse;
                break;
            case ICoalesceOperation coalesce:
                yield return coalesce.Value;
                yield return coalesce.WhenNull;
                break;
            case IInvocationOperation invocation:
                foreach (var next in ExpandInvocation(invocation, throughArithmetic))
                {
                    yield return next;
                }

                break;
            case IBinaryOperation binary when throughArithmetic:
                yield return binary.LeftOperand;
                yield return binary.RightOperand;
                break;
            case IUnaryOperation unary when throughArithmetic:
                yield return unary.Operand;
                break;
            case ICompoundAssignmentOperation compound when throughArithmetic:
                yield return compound.Value;
                break;
        }
    }

    private IEnumerable<IOperation?> ExpandInvocation(IInvocationOperation invocation, bool throughArithmetic)
    {
        var method = invocation.TargetMethod;
        if (_calls.IsPassThrough(invocation))
        {
            yield return invocation.Receiver();
            if (method.Name is "Concat" or "Append" or "Prepend")
            {
                yield return invocation.Argument(1);
            }

            yield break;
        }

        if (method.Name == "CopyTo" && invocation.Instance is not null)
        {
            yield return invocation.Instance;
            yield break;
        }

        if (method.Name == "Copy" && method.ContainingType?.SpecialType == SpecialType.System_Array)
        {
            yield return invocation.Argument("sourceArray");
            yield break;
        }

        if (_calls.IsEnumerable(method) && method.Name is "Select" or "Zip")
        {
            if (invocation.Argument(method.Name == "Zip" ? 2 : 1).AsLambda() is { } lambda)
            {
                foreach (var value in lambda.ReturnedValues())
                {
                    yield return value;
                }
            }

            yield break;
        }

        if (throughArithmetic && IsElementwiseMath(method))
        {
            foreach (var argument in invocation.Arguments)
            {
                yield return argument.Value;
            }

            if (invocation.Instance is not null)
            {
                yield return invocation.Instance;
            }
        }
    }

    private bool IsElementwiseMath(IMethodSymbol method)
    {
        var type = method.ContainingType;
        if (type is null)
        {
            return false;
        }

        return KnownCalls.Is(type, _calls.Symbols.Math) || KnownCalls.Is(type, _calls.Symbols.MathF)
            || type.SpecialType is SpecialType.System_Single or SpecialType.System_Double
            || KnownCalls.Is(type, _calls.Symbols.TensorPrimitives) || _calls.IsInTorch(type);
    }
}
