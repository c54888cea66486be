using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Analysis;

/// <summary>TorchSharp tensor ranks that the method itself makes visible (LMP005).</summary>
internal sealed partial class Patterns
{
    // Rank lattice values besides a real rank (>= 0).
    private const int UnknownRank = -1;
    private const int AnyRank = -2; // a cycle (x = x * 2): says nothing, agrees with everything

    /// <summary>
    /// The number of dimensions of the TorchSharp tensor <paramref name="tensor"/>, when every
    /// value it can hold was created in this method with a visible shape: <c>torch.zeros/ones/
    /// empty/rand/randn/full(B, T, V)</c> or <c>(new long[] { B, T, V })</c>, <c>torch.tensor</c> of a
    /// multi-dimensional array, <c>view</c>/<c>reshape</c> with the sizes written out, <c>unsqueeze</c>,
    /// <c>*_like</c>, and element-wise operations of such tensors. Null when unknown: a parameter, a
    /// field, a model's output, anything that moves axes (<c>transpose</c>, <c>permute</c>) or may
    /// drop them (<c>squeeze</c>, indexing, reductions).
    /// </summary>
    public int? TensorRank(IOperation? tensor)
    {
        if (tensor is null || !Calls.IsTensor(tensor.Unwrap()?.Type))
        {
            return null;
        }

        var budget = ValueFlow.Budget;
        var rank = Rank(tensor, new HashSet<ISymbol>(SymbolEqualityComparer.Default), 0, ref budget);
        return rank >= 0 ? rank : null;
    }

    private int Rank(IOperation? operation, HashSet<ISymbol> visiting, int depth, ref int budget)
    {
        operation = operation.Unwrap();
        if (operation is null || depth > 16 || budget-- <= 0)
        {
            return UnknownRank;
        }

        switch (operation)
        {
            case ILocalReferenceOperation local:
                return RankOfLocal(local.Local, visiting, depth, ref budget);
            case IInvocationOperation invocation:
                return RankOfInvocation(invocation, visiting, depth, ref budget);
            case IBinaryOperation binary:
                return Broadcast(RankOfOperand(binary.LeftOperand, visiting, depth, ref budget), RankOfOperand(binary.RightOperand, visiting, depth, ref budget));
            case IUnaryOperation unary:
                return Rank(unary.Operand, visiting, depth + 1, ref budget);
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                return Agree(Rank(conditional.WhenTrue, visiting, depth + 1, ref budget), Rank(whenFalse, visiting, depth + 1, ref budget));
            case ICoalesceOperation coalesce:
                return Agree(Rank(coalesce.Value, visiting, depth + 1, ref budget), Rank(coalesce.WhenNull, visiting, depth + 1, ref budget));
            default:
                return UnknownRank; // parameters, fields, properties, indexing: the shape is decided elsewhere
        }
    }

    // A scalar operand of a tensor operation broadcasts without adding dimensions.
    private int RankOfOperand(IOperation operand, HashSet<ISymbol> visiting, int depth, ref int budget) =>
        Calls.IsTensor(operand.Unwrap()?.Type) ? Rank(operand, visiting, depth + 1, ref budget) : AnyRank;

    private int RankOfLocal(ILocalSymbol local, HashSet<ISymbol> visiting, int depth, ref int budget)
    {
        if (!visiting.Add(local))
        {
            return AnyRank;
        }

        var rank = AnyRank;
        var writes = Flow.WritesOf(local);
        if (writes.Count == 0)
        {
            rank = UnknownRank;
        }

        foreach (var write in writes)
        {
            var value = write switch
            {
                // x *= 2, x += bias: element-wise with the variable's own value.
                ICompoundAssignmentOperation compound => Broadcast(
                    Rank(compound.Target, visiting, depth + 1, ref budget), RankOfOperand(compound.Value, visiting, depth, ref budget)),

                // Written through out/ref (Forward(ids, out logits)) or by a call that does not return a tensor.
                IInvocationOperation call when !Calls.IsTensor(call.Type) => UnknownRank,
                _ => Rank(write, visiting, depth + 1, ref budget),
            };
            rank = Agree(rank, value);
            if (rank == UnknownRank)
            {
                break;
            }
        }

        visiting.Remove(local);
        return rank;
    }

    private int RankOfInvocation(IInvocationOperation invocation, HashSet<ISymbol> visiting, int depth, ref int budget)
    {
        var method = invocation.TargetMethod;
        if (!Calls.IsInTorch(method.ContainingType) || !Calls.IsTensor(method.ReturnType))
        {
            return UnknownRank;
        }

        var receiver = invocation.Instance;
        var isTorchStatic = receiver is null && KnownCalls.Is(method.ContainingType, Calls.Symbols.Torch);
        switch (method.Name)
        {
            case "zeros" or "ones" or "empty" or "rand" or "randn" or "full" when isTorchStatic:
                return CreationRank(invocation);
            case "tensor" or "from_array" when isTorchStatic:
                return DataRank(invocation);
            case "view" or "reshape":
                return ShapeLength(receiver is null ? invocation.Argument(1) : invocation.Argument(0));
            case "unsqueeze" or "unsqueeze_":
                var inner = Rank(receiver ?? invocation.Argument(0), visiting, depth + 1, ref budget);
                return inner >= 0 ? inner + 1 : inner;
            case "flatten" when receiver is not null && HasNoExplicitArguments(invocation):
                return 1;
        }

        if (IsRankPreserving(method.Name))
        {
            var source = receiver ?? invocation.Argument(0);
            var rank = Rank(source, visiting, depth + 1, ref budget);

            // add/sub/mul/div/maximum with a second tensor: broadcasting can only add leading dimensions.
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Value != source && Calls.IsTensor(argument.Value.Unwrap()?.Type))
                {
                    rank = Broadcast(rank, Rank(argument.Value, visiting, depth + 1, ref budget));
                }
            }

            return rank;
        }

        return UnknownRank;
    }

    // Same shape as the input: dtype/device moves, copies, element-wise math, activations, and
    // the normalizations themselves (softmax keeps every axis where it was).
    private static bool IsRankPreserving(string name)
    {
        switch (name.TrimEnd('_'))
        {
            case "clone":
            case "detach":
            case "contiguous":
            case "cpu":
            case "cuda":
            case "to":
            case "to_type":
            case "type":
            case "float":
            case "double":
            case "half":
            case "bfloat16":
            case "zeros_like":
            case "ones_like":
            case "empty_like":
            case "rand_like":
            case "randn_like":
            case "full_like":
            case "exp":
            case "log":
            case "abs":
            case "neg":
            case "sqrt":
            case "pow":
            case "tanh":
            case "sigmoid":
            case "relu":
            case "gelu":
            case "silu":
            case "softmax":
            case "log_softmax":
            case "add":
            case "sub":
            case "mul":
            case "div":
            case "maximum":
            case "minimum":
            case "clamp":
            case "clamp_min":
            case "clamp_max":
            case "masked_fill":
            case "dropout":
                return true;
            default:
                return false;
        }
    }

    // torch.zeros(B, T, V) counts its leading integer parameters; torch.zeros(new long[] { B, T, V }) its array.
    private int CreationRank(IInvocationOperation invocation)
    {
        var parameters = invocation.TargetMethod.Parameters;
        if (parameters.Length == 0)
        {
            return UnknownRank;
        }

        if (parameters[0].Type is IArrayTypeSymbol || KnownCalls.Is(parameters[0].Type, Calls.Symbols.ReadOnlySpan))
        {
            return ShapeLength(invocation.Argument(0));
        }

        var count = 0;
        while (count < parameters.Length && parameters[count].Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64)
        {
            count++;
        }

        return count > 0 ? count : UnknownRank;
    }

    // torch.tensor(float[,,]) has the array's rank; torch.tensor(data, B, T, V) or (data, new long[] { ... }) the sizes given.
    private int DataRank(IInvocationOperation invocation)
    {
        var parameters = invocation.TargetMethod.Parameters;
        if (parameters.Length == 0)
        {
            return UnknownRank;
        }

        if (parameters[0].Type is IArrayTypeSymbol { Rank: > 1 } multi)
        {
            return multi.Rank;
        }

        if (parameters.Length > 1 && parameters[1].Name == "dimensions")
        {
            return ShapeLength(invocation.Argument(1));
        }

        var sizes = 0;
        for (var i = 1; i < parameters.Length && parameters[i].Type.SpecialType is SpecialType.System_Int64 or SpecialType.System_Int32; i++)
        {
            sizes++;
        }

        if (sizes > 0)
        {
            return sizes;
        }

        // A 1-D array with no sizes (torch.tensor(new float[] { ... })) is a vector; Array (from_array) could be anything.
        return parameters[0].Type is IArrayTypeSymbol { Rank: 1 } && invocation.Argument(0).Unwrap()?.Type is IArrayTypeSymbol { Rank: 1 }
            ? 1
            : invocation.Argument(0).Unwrap()?.Type is IArrayTypeSymbol array ? array.Rank : UnknownRank;
    }

    // The number of sizes in a shape argument: new long[] { B, T, V }, params B, T, V, [B, T, V], or a local holding one.
    private int ShapeLength(IOperation? shape)
    {
        for (var steps = 0; shape is not null && steps < 4; steps++)
        {
            shape = shape.Unwrap();
            switch (shape)
            {
                case IArrayCreationOperation { Initializer: { } initializer }:
                    return initializer.ElementValues.Length;
                case IArrayCreationOperation { DimensionSizes.Length: 1 } creation when creation.DimensionSizes[0].TryGetNumber(out var length):
                    return (int)length;
                case ICollectionExpressionOperation collection:
                    foreach (var element in collection.Elements)
                    {
                        if (element is ISpreadOperation)
                        {
                            return UnknownRank;
                        }
                    }

                    return collection.Elements.Length;
                case ILocalReferenceOperation local when Flow.WritesOf(local.Local) is { Count: 1 } writes:
                    shape = writes[0];
                    continue;
                default:
                    return UnknownRank;
            }
        }

        return UnknownRank;
    }

    private static bool HasNoExplicitArguments(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.IsExplicit())
            {
                return false;
            }
        }

        return true;
    }

    // Two possible values of one variable: the rank is known only when they agree.
    private static int Agree(int a, int b) =>
        a == AnyRank ? b : b == AnyRank ? a : a == b ? a : UnknownRank;

    // Broadcasting: the larger rank, known only when both are.
    private static int Broadcast(int a, int b) =>
        a == UnknownRank || b == UnknownRank ? UnknownRank : a == AnyRank ? b : b == AnyRank ? a : System.Math.Max(a, b);
}
