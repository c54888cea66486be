using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Analysis;

/// <summary>Small, null-tolerant helpers over <see cref="IOperation"/>.</summary>
internal static class OperationHelpers
{
    /// <summary>Strips conversions (numeric, array to span, user-defined) and parentheses.</summary>
    public static IOperation? Unwrap(this IOperation? operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    continue;
                default:
                    return operation;
            }
        }
    }

    /// <summary>The receiver of a call: the instance, or the first argument of an extension method.</summary>
    public static IOperation? Receiver(this IInvocationOperation invocation)
    {
        if (invocation.Instance is { } instance)
        {
            return instance;
        }

        return invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0
            ? invocation.Arguments[0].Value
            : null;
    }

    /// <summary>The value bound to the parameter at <paramref name="ordinal"/>, or null.</summary>
    public static IOperation? Argument(this IInvocationOperation invocation, int ordinal)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { } parameter && parameter.Ordinal == ordinal)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>The value bound to the parameter named <paramref name="name"/>, or null.</summary>
    public static IOperation? Argument(this IInvocationOperation invocation, string name)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { } parameter && parameter.Name == name)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>Whether an argument was written by the user (not a default value filled in by the compiler).</summary>
    public static bool IsExplicit(this IArgumentOperation argument) =>
        argument.ArgumentKind != ArgumentKind.DefaultValue && !argument.IsImplicit;

    /// <summary>The constant value of <paramref name="operation"/> as a double, if it has a numeric one.</summary>
    public static bool TryGetNumber(this IOperation? operation, out double value)
    {
        value = 0;
        if (operation is null || !operation.ConstantValue.HasValue)
        {
            return false;
        }

        switch (operation.ConstantValue.Value)
        {
            case int i: value = i; return true;
            case long l: value = l; return true;
            case float f: value = f; return true;
            case double d: value = d; return true;
            case short s: value = s; return true;
            case byte b: value = b; return true;
            case uint u: value = u; return true;
            case ulong ul: value = ul; return true;
            default: return false;
        }
    }

    /// <summary>Whether <paramref name="operation"/> is the numeric constant <paramref name="expected"/>.</summary>
    public static bool IsNumber(this IOperation? operation, double expected) =>
        operation.TryGetNumber(out var value) && value == expected;

    /// <summary>The lambda passed as <paramref name="argument"/> (possibly through a delegate creation), or null.</summary>
    public static IAnonymousFunctionOperation? AsLambda(this IOperation? argument) => argument.Unwrap() switch
    {
        IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda } => lambda,
        IAnonymousFunctionOperation lambda => lambda,
        _ => null,
    };

    /// <summary>The method named by a method group passed as <paramref name="argument"/> (<c>Select(MathF.Exp)</c>), or null.</summary>
    public static IMethodReferenceOperation? AsMethodReference(this IOperation? argument) => argument.Unwrap() switch
    {
        IDelegateCreationOperation { Target: IMethodReferenceOperation reference } => reference,
        IMethodReferenceOperation reference => reference,
        _ => null,
    };

    /// <summary>The values a lambda returns (expression body or <c>return</c> statements, not those of nested lambdas).</summary>
    public static IEnumerable<IOperation> ReturnedValues(this IAnonymousFunctionOperation lambda)
    {
        var stack = new Stack<IOperation>();
        stack.Push(lambda.Body);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            if (operation is IReturnOperation { ReturnedValue: { } value })
            {
                yield return value;
                continue;
            }

            foreach (var child in operation.ChildOperations)
            {
                if (child is not IAnonymousFunctionOperation and not ILocalFunctionOperation)
                {
                    stack.Push(child);
                }
            }
        }
    }

    /// <summary>The symbol a reference names: a local, parameter, field or (non-indexer) property; else null.</summary>
    public static ISymbol? ReferencedSymbol(this IOperation? operation) => operation.Unwrap() switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        IPropertyReferenceOperation { Property.IsIndexer: false } property => property.Property,
        _ => null,
    };

    /// <summary>Whether <paramref name="operation"/> lies inside <paramref name="ancestor"/> (or is it).</summary>
    public static bool IsWithin(this IOperation operation, IOperation ancestor)
    {
        for (var current = operation; current is not null; current = current.Parent)
        {
            if (current == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="operation"/> may run many times: it is inside a loop, a lambda or a local function.</summary>
    public static bool IsInLoopOrLambda(this IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><paramref name="root"/> and every operation below it, in document order (pre-order).</summary>
    public static IEnumerable<IOperation> SelfAndDescendants(this IOperation root)
    {
        var stack = new Stack<IOperation>();
        var children = new List<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            yield return operation;
            children.Clear();
            foreach (var child in operation.ChildOperations)
            {
                children.Add(child);
            }

            for (var i = children.Count - 1; i >= 0; i--)
            {
                stack.Push(children[i]);
            }
        }
    }

    /// <summary>Case- and underscore-insensitive name, for name heuristics (<c>input_ids</c> = <c>inputIds</c>).</summary>
    public static string NormalizedName(string name)
    {
        var buffer = new char[name.Length];
        var length = 0;
        foreach (var c in name)
        {
            if (c != '_' && c != '@')
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer, 0, length);
    }

    public static bool Contains(this string text, string value, StringComparison comparison) =>
        text.IndexOf(value, comparison) >= 0;
}
