using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Analysis;

/// <summary>Small constants added to, or used as a floor for, a value before its log (LMP006, LMP007).</summary>
internal sealed partial class Patterns
{
    /// <summary>The largest constant still read as "an epsilon to dodge log(0)".</summary>
    public const double MaxEpsilon = 1e-3;

    /// <summary>
    /// <paramref name="operation"/> is an epsilon: a numeric constant in (0, <see cref="MaxEpsilon"/>]
    /// (<c>1e-12</c>, <c>1e-9f</c>, <c>float.Epsilon</c>, a <c>const</c>), or a variable named like one
    /// (<c>eps</c>, <c>epsilon</c>, <c>kEps</c>, <c>tiny</c>).
    /// </summary>
    public static bool IsEpsilon(IOperation? operation)
    {
        var unwrapped = operation.Unwrap();
        if (unwrapped.TryGetNumber(out var value))
        {
            return value > 0 && value <= MaxEpsilon;
        }

        return unwrapped.ReferencedSymbol() is { } symbol && IsEpsilonName(symbol.Name);
    }

    // A word of the name (camelCase or snake_case) is eps, epsilon or tiny: kEps, LOG_EPS, minEpsilon; not steps.
    private static bool IsEpsilonName(string name)
    {
        var start = 0;
        for (var i = 1; i <= name.Length; i++)
        {
            if (i == name.Length || name[i] == '_' || (char.IsUpper(name[i]) && char.IsLower(name[i - 1])))
            {
                var word = name.Substring(start, i - start).Trim('_').ToLowerInvariant();
                if (word is "eps" or "epsilon" or "tiny")
                {
                    return true;
                }

                start = i;
            }
        }

        return false;
    }

    /// <summary>
    /// <paramref name="node"/> keeps <paramref name="guarded"/> away from 0 with an epsilon:
    /// <c>p + eps</c>, <c>p += eps</c>, <c>Math(F).Max(p, eps)</c>, <c>Math.Clamp(p, eps, 1)</c>,
    /// <c>TensorPrimitives.Add/Max(p, eps, d)</c>, <c>TensorPrimitives.Clamp(p, eps, 1, d)</c>, TorchSharp
    /// <c>p + eps</c>, <c>p.add(eps)</c>, <c>clamp(min: eps)</c>, <c>clamp_min(eps)</c>, <c>clip(eps, ...)</c>.
    /// </summary>
    public bool TryGetEpsilonFloor(IOperation node, out IOperation? guarded)
    {
        guarded = null;
        switch (node)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } addition:
                guarded = IsEpsilon(addition.RightOperand) ? addition.LeftOperand : IsEpsilon(addition.LeftOperand) ? addition.RightOperand : null;
                return guarded is not null;
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound when IsEpsilon(compound.Value):
                guarded = compound.Target;
                return true;
            case IInvocationOperation invocation:
                guarded = FlooredByCall(invocation);
                return guarded is not null;
            default:
                return false;
        }
    }

    private IOperation? FlooredByCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (Calls.IsScalarMath(method, "Max", 2) || Calls.IsTensorPrimitives(method, "Max") || Calls.IsTensorPrimitives(method, "Add")
            || (Calls.IsTorch(method, "add") && invocation.Instance is null))
        {
            // Symmetric: either operand may be the epsilon (TensorPrimitives' third argument is the destination).
            var first = invocation.Argument(0);
            var second = invocation.Argument(1);
            return IsEpsilon(second) ? first : IsEpsilon(first) ? second : null;
        }

        if (Calls.IsScalarMath(method, "Clamp", 3) || Calls.IsTensorPrimitives(method, "Clamp"))
        {
            return IsEpsilon(invocation.Argument(1)) ? invocation.Argument(0) : null;
        }

        if (Calls.IsInTorch(method.ContainingType))
        {
            var input = invocation.Instance ?? invocation.Argument(0);
            switch (method.Name)
            {
                case "add" when invocation.Instance is not null:
                    return IsEpsilon(invocation.Argument(0)) ? input : null;
                case "clamp" or "clamp_" or "clip" or "clamp_min" or "clamp_min_":
                    return IsEpsilon(invocation.Argument("min")) ? input : null;
            }
        }

        return null;
    }

    /// <summary>
    /// A value of <paramref name="input"/> (through variables and in-place writes) is a softmax
    /// probability kept away from 0 by an epsilon: <paramref name="floor"/> is the epsilon's
    /// operation, <paramref name="guarded"/> the softmax value it guards. LMP006 reports the log of
    /// such a value; LMP002 leaves it to LMP006.
    /// </summary>
    public bool TryGetEpsilonGuardedSoftmax(IOperation? input, out IOperation? floor, out IOperation? guarded)
    {
        foreach (var node in Flow.Origins(input))
        {
            // p + eps + eps, Max(p + eps, eps): look through a few nested floors.
            var current = node;
            for (var depth = 0; depth < 3 && TryGetEpsilonFloor(current, out guarded); depth++)
            {
                if (IsSoftmaxValued(guarded))
                {
                    floor = node;
                    return true;
                }

                current = guarded!.Unwrap()!;
            }
        }

        floor = null;
        guarded = null;
        return false;
    }
}
