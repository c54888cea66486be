using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Analysis;

/// <summary>What a per-token value is: a loss (a negative log-likelihood) or a log-probability.</summary>
internal enum TokenValueKind
{
    /// <summary>No evidence either way.</summary>
    Unknown,

    /// <summary>A negative log-likelihood: <c>Loss.*</c>, <c>-log(p)</c>, <c>lse - x[t]</c>, TorchSharp <c>cross_entropy</c>, a name with <c>loss</c>/<c>nll</c>.</summary>
    Loss,

    /// <summary>A log-probability: <c>log(p)</c>, a log-softmax, <c>x[t] - lse</c>, a name with <c>logprob</c>/<c>logp</c>.</summary>
    LogProbability,
}

/// <summary>Sums over tokens, and whether they add up losses or log-probabilities (LMP008).</summary>
internal sealed partial class Patterns
{
    /// <summary>
    /// <paramref name="expression"/> is a total over tokens, not a mean: its values come from an
    /// accumulator (<c>s += v</c>, <c>s -= v</c>, <c>s = s + v</c>), <c>Enumerable.Sum</c>,
    /// <c>TensorPrimitives.Sum</c>, TorchSharp <c>sum</c>, <c>CrossEntropyResult.Sum</c>,
    /// <c>PerplexityResult.TotalNll</c> or a TorchSharp loss with <c>reduction: Sum</c> (possibly
    /// negated), and none of them is divided (<c>s / n</c>, <c>s /= n</c> anywhere make it a mean).
    /// <paramref name="kind"/> says what the total adds up, after the sign: <c>-sum(log p)</c> is a loss.
    /// </summary>
    public bool TryGetTotal(IOperation? expression, out IOperation? sum, out TokenValueKind kind) =>
        TryGetTotal(expression, out sum, out kind, 0);

    private bool TryGetTotal(IOperation? expression, out IOperation? sum, out TokenValueKind kind, int depth)
    {
        sum = null;
        kind = TokenValueKind.Unknown;
        var conflicting = false;
        foreach (var node in Flow.Origins(expression))
        {
            IOperation? found = null;
            var foundKind = TokenValueKind.Unknown;
            switch (node)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide }:
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide }:
                    return false; // divided somewhere: a mean (flow-insensitive, so on the quiet side)
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation when depth < 3:
                    if (TryGetTotal(negation.Operand, out var inner, out var innerKind, depth + 1))
                    {
                        found = inner;
                        foundKind = Flip(innerKind);
                    }

                    break;
                default:
                    if (TryGetSumKind(node, out var summed))
                    {
                        found = node;
                        foundKind = summed;
                    }

                    break;
            }

            if (found is null)
            {
                continue;
            }

            // Several accumulations of one total: the kind is known when the decisive ones agree.
            sum ??= found;
            if (foundKind != TokenValueKind.Unknown && !conflicting)
            {
                conflicting = kind != TokenValueKind.Unknown && kind != foundKind;
                kind = conflicting ? TokenValueKind.Unknown : foundKind;
            }
        }

        return sum is not null;
    }

    private static TokenValueKind Flip(TokenValueKind kind) => kind switch
    {
        TokenValueKind.Loss => TokenValueKind.LogProbability,
        TokenValueKind.LogProbability => TokenValueKind.Loss,
        _ => TokenValueKind.Unknown,
    };

    private bool TryGetSumKind(IOperation node, out TokenValueKind kind)
    {
        kind = TokenValueKind.Unknown;
        switch (node)
        {
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound:
                var added = TokenValueKindOf(compound.Value, 0);
                kind = NameKind(Flow.TargetOfWrite(compound)?.Name)
                    ?? (compound.OperatorKind == BinaryOperatorKind.Add ? added : Flip(added));
                return true;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } addition when Flow.TargetOfWrite(addition) is { } accumulator && ReadsSymbol(addition, accumulator):
                kind = NameKind(accumulator.Name) ?? TokenValueKindOf(OtherOperand(addition, accumulator), 0);
                return true;
            case IInvocationOperation invocation:
                return TryGetSummingCall(invocation, out kind);
            case IPropertyReferenceOperation { Property.Name: "Sum" } property when KnownCalls.Is(property.Property.ContainingType, Calls.Symbols.CrossEntropyResult):
            case IPropertyReferenceOperation { Property.Name: "TotalNll" } total when KnownCalls.Is(total.Property.ContainingType, Calls.Symbols.PerplexityResult):
                kind = TokenValueKind.Loss;
                return true;
            default:
                return false;
        }
    }

    private bool TryGetSummingCall(IInvocationOperation invocation, out TokenValueKind kind)
    {
        kind = TokenValueKind.Unknown;
        var method = invocation.TargetMethod;
        if (Calls.IsEnumerable(method, "Sum"))
        {
            var source = invocation.Argument(0);
            if (invocation.Argument(1).AsLambda() is { } selector)
            {
                foreach (var value in selector.ReturnedValues())
                {
                    kind = TokenValueKindOf(value, 0);
                    break;
                }
            }

            if (kind == TokenValueKind.Unknown)
            {
                kind = TokenValueKindOf(source, 0);
            }

            return true;
        }

        if (Calls.IsTensorPrimitives(method, "Sum"))
        {
            kind = TokenValueKindOf(invocation.Argument(0), 0);
            return true;
        }

        if (Calls.IsTorch(method, "sum"))
        {
            kind = TokenValueKindOf(invocation.Instance ?? invocation.Argument(0), 0);
            return true;
        }

        // cross_entropy(..., reduction: Sum): the total loss of the batch.
        if (IsTorchLoss(method) && invocation.Argument("reduction").Unwrap() is IFieldReferenceOperation { Field.Name: "Sum" })
        {
            kind = TokenValueKind.Loss;
            return true;
        }

        return false;
    }

    private bool IsTorchLoss(IMethodSymbol method) =>
        method.Name is "cross_entropy" or "nll_loss" or "binary_cross_entropy" or "binary_cross_entropy_with_logits"
        && Calls.IsInTorch(method.ContainingType);

    /// <summary>What the per-token values of <paramref name="expression"/> are, from how they were computed or named.</summary>
    public TokenValueKind TokenValueKindOf(IOperation? expression, int depth)
    {
        foreach (var node in Flow.Origins(expression))
        {
            var kind = NodeKind(node, depth);
            if (kind != TokenValueKind.Unknown)
            {
                return kind;
            }
        }

        return TokenValueKind.Unknown;
    }

    private TokenValueKind NodeKind(IOperation node, int depth)
    {
        switch (node)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation when depth < 3:
                return Flip(TokenValueKindOf(negation.Operand, depth + 1));
            case IInvocationOperation invocation:
                var method = invocation.TargetMethod;
                if ((KnownCalls.Is(method.ContainingType, Calls.Symbols.Loss) && method.ReturnType.SpecialType is SpecialType.System_Single or SpecialType.System_Double)
                    || IsTorchLoss(method))
                {
                    return TokenValueKind.Loss;
                }

                if (TryGetLog(node, out _, out _) || Calls.IsProbability(method, "LogSoftmax") || Calls.IsTorch(method, "log_softmax")
                    || Calls.IsProbability(method, "SequenceLogProbability"))
                {
                    return TokenValueKind.LogProbability;
                }

                break;
            case IPropertyReferenceOperation { Property.Name: "Sum" or "Mean" } property when KnownCalls.Is(property.Property.ContainingType, Calls.Symbols.CrossEntropyResult):
                return TokenValueKind.Loss;

            // x[t] - LogSumExp(x) is a log-probability; LogSumExp(x) - x[t] a loss.
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference:
                if (IsLogSumExp(difference.RightOperand))
                {
                    return TokenValueKind.LogProbability;
                }

                if (IsLogSumExp(difference.LeftOperand))
                {
                    return TokenValueKind.Loss;
                }

                break;
        }

        if (node.ReferencedSymbol() is { } symbol)
        {
            if (IsPerTokenLossBuffer(symbol))
            {
                return TokenValueKind.Loss;
            }

            return NameKind(symbol.Name) ?? TokenValueKind.Unknown;
        }

        return TokenValueKind.Unknown;
    }

    private bool IsLogSumExp(IOperation operand)
    {
        foreach (var node in Flow.Origins(operand))
        {
            if (node is IInvocationOperation invocation && (Calls.IsProbability(invocation.TargetMethod, "LogSumExp") || Calls.IsTorch(invocation.TargetMethod, "logsumexp")))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The kind a name announces: <c>losses</c>, <c>totalNll</c>, <c>crossEntropy</c>; <c>logProbs</c>, <c>tokenLogP</c>, <c>logLikelihood</c>.</summary>
    private static TokenValueKind? NameKind(string? name)
    {
        if (name is null)
        {
            return null;
        }

        var normalized = OperationHelpers.NormalizedName(name);
        if (normalized.Contains("nll", StringComparison.Ordinal) || normalized.Contains("loss", StringComparison.Ordinal)
            || normalized.Contains("crossentropy", StringComparison.Ordinal) || normalized.Contains("negloglik", StringComparison.Ordinal))
        {
            return TokenValueKind.Loss;
        }

        if (normalized.Contains("logprob", StringComparison.Ordinal) || normalized.Contains("logp", StringComparison.Ordinal)
            || normalized.Contains("loglik", StringComparison.Ordinal))
        {
            return TokenValueKind.LogProbability;
        }

        return null;
    }

    // s = s + v: v.
    private static IOperation? OtherOperand(IBinaryOperation addition, ISymbol accumulator) =>
        SymbolEqualityComparer.Default.Equals(addition.LeftOperand.ReferencedSymbol(), accumulator) ? addition.RightOperand
        : SymbolEqualityComparer.Default.Equals(addition.RightOperand.ReferencedSymbol(), accumulator) ? addition.LeftOperand
        : null;
}
