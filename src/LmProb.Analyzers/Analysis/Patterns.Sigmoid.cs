using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Analysis;

/// <summary>Sigmoid probabilities and their complements (LMP007).</summary>
internal sealed partial class Patterns
{
    /// <summary>
    /// <paramref name="node"/> computes a sigmoid of <paramref name="logit"/>: <c>1 / (1 + exp(-x))</c>,
    /// <c>exp(x) / (1 + exp(x))</c> (scalar or TorchSharp operators), <c>TensorPrimitives.Sigmoid(x, d)</c>,
    /// TorchSharp <c>sigmoid</c>/<c>expit</c>, or a one-argument method named <c>Sigmoid</c> or <c>Logistic</c>.
    /// </summary>
    public bool TryGetSigmoid(IOperation node, out IOperation? logit)
    {
        logit = null;
        switch (node)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division:
                return TryGetLogisticQuotient(division, out logit);
            case IInvocationOperation invocation:
                var method = invocation.TargetMethod;
                if (Calls.IsTensorPrimitives(method, "Sigmoid"))
                {
                    logit = invocation.Argument(0);
                    return true;
                }

                if (Calls.IsInTorch(method.ContainingType))
                {
                    if (method.Name is "sigmoid" or "sigmoid_" or "expit")
                    {
                        logit = invocation.Instance ?? invocation.Argument(0);
                        return logit is not null;
                    }

                    return false;
                }

                // A hand-written helper: static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
                if (method.Name is "Sigmoid" or "Logistic" && method.Parameters.Length == 1 && invocation.Arguments.Length == 1
                    && method.ReturnType.SpecialType is SpecialType.System_Single or SpecialType.System_Double)
                {
                    logit = invocation.Arguments[0].Value;
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    // 1 / (1 + exp(-x)) or exp(x) / (1 + exp(x)), the exps possibly held in locals.
    private bool TryGetLogisticQuotient(IBinaryOperation division, out IOperation? logit)
    {
        logit = null;
        if (division.RightOperand.Unwrap() is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } denominator)
        {
            return false;
        }

        var other = denominator.LeftOperand.IsNumber(1) ? denominator.RightOperand
            : denominator.RightOperand.IsNumber(1) ? denominator.LeftOperand : null;
        if (other is null || !TryGetSingleExp(other, out var exponent))
        {
            return false;
        }

        if (division.LeftOperand.IsNumber(1))
        {
            // 1 / (1 + exp(-x)): the logit is x.
            if (exponent.Unwrap() is IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation)
            {
                logit = negation.Operand;
                return true;
            }

            return false;
        }

        // exp(x) / (1 + exp(x)).
        if (TryGetSingleExp(division.LeftOperand, out var numerator)
            && SyntaxFactory.AreEquivalent(numerator.Unwrap()!.Syntax, exponent.Unwrap()!.Syntax))
        {
            logit = numerator;
            return true;
        }

        return false;
    }

    private bool TryGetSingleExp(IOperation expression, out IOperation exponent)
    {
        foreach (var node in Flow.Origins(expression))
        {
            if (TryGetExp(node, out var input, out _) && input is not null && node is IInvocationOperation { TargetMethod.Name: "Exp" or "exp" })
            {
                exponent = input;
                return true;
            }
        }

        exponent = expression;
        return false;
    }

    /// <summary>The sigmoid that produced a value of <paramref name="expression"/> (through variables, elements, copies), and its logit.</summary>
    public bool TryGetSigmoidOrigin(IOperation? expression, out IOperation? sigmoid, out IOperation? logit)
    {
        foreach (var node in Flow.Origins(expression))
        {
            if (TryGetSigmoid(node, out logit))
            {
                sigmoid = node;
                return true;
            }
        }

        sigmoid = null;
        logit = null;
        return false;
    }

    /// <summary>
    /// <paramref name="node"/> is one minus a value: <c>1 - s</c> (scalar or TorchSharp operator) or
    /// <c>TensorPrimitives.Subtract(1, s, d)</c>; <paramref name="value"/> is <c>s</c>.
    /// </summary>
    public bool TryGetComplement(IOperation node, out IOperation? value)
    {
        value = node switch
        {
            IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference when difference.LeftOperand.Unwrap().IsNumber(1) => difference.RightOperand,
            IInvocationOperation invocation when Calls.IsTensorPrimitives(invocation.TargetMethod, "Subtract") && invocation.Argument(0).Unwrap().IsNumber(1) =>
                invocation.Argument(1),
            _ => null,
        };
        return value is not null;
    }
}
