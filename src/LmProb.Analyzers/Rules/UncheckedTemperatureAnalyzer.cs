using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using LmProb.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Rules;

/// <summary>
/// LMP009 (info): division by a temperature that nothing checks to be &gt; 0.
/// </summary>
/// <remarks>
/// <para>
/// Divisions: <c>a / t</c>, <c>a /= t</c>, <c>TensorPrimitives.Divide(x, t, d)</c>, TorchSharp
/// <c>logits / t</c> and <c>div</c>, where <c>t</c> is a floating-point parameter, field, property or
/// local named like a temperature. A name containing <c>temperature</c> is enough; the short names
/// <c>t</c>, <c>T</c>, <c>temp</c> and <c>tau</c> count only in a softmax context (the quotient feeds an
/// <c>exp</c>, a softmax or a log-softmax, or the dividend is named like logits).
/// </para>
/// <para>
/// Guarded, so quiet (flow-insensitive, anywhere in the member): a comparison of <c>t</c>
/// (<c>if (t &lt;= 0) throw</c>, <c>t &gt; 0 ? … : …</c>, <c>t is &gt; 0</c>, <c>Debug.Assert(t &gt; 0)</c>),
/// <c>ArgumentOutOfRangeException.ThrowIf…(t)</c> and other <c>ThrowIf…</c>/<c>…Positive…</c> guards,
/// <c>Math.Max(t, eps)</c>/<c>Clamp</c>; a local whose every value is a positive constant, a
/// <c>Max</c>/<c>Clamp</c>, a checked conditional or a guarded variable; a field or property compared
/// or validated anywhere in its type (a constructor or setter check). Constant divisors are never reported.
/// </para>
/// <para>
/// One diagnostic per member and temperature, at the first division, so the fix (one guard at the
/// top of the method) is applied once by Fix All.
/// </para>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UncheckedTemperatureAnalyzer : DiagnosticAnalyzer
{
    private const int MaxDepth = 3;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UncheckedTemperature);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = WellKnownSymbols.Get(start.Compilation);
            var state = new CompilationState(start.Compilation);
            Action<OperationBlockAnalysisContext, WellKnownSymbols> analyze = (block, s) => Analyze(block, s, state);
            start.RegisterOperationBlockAction(block => AnalyzerGuard.Run(block, symbols, analyze));
        });
    }

    /// <summary>What one compilation needs beyond <see cref="WellKnownSymbols"/>, and the member-guard cache.</summary>
    private sealed class CompilationState
    {
        public CompilationState(Compilation compilation)
        {
            var outOfRange = compilation.GetTypeByMetadataName("System.ArgumentOutOfRangeException");
            HasThrowIfNegativeOrZero = outOfRange is not null && !outOfRange.GetMembers("ThrowIfNegativeOrZero").IsEmpty;
        }

        /// <summary>Whether the fix's <c>ArgumentOutOfRangeException.ThrowIfNegativeOrZero</c> exists (.NET 8 and later).</summary>
        public bool HasThrowIfNegativeOrZero { get; }

        /// <summary>Fields and properties already looked up in their type's syntax: guarded or not.</summary>
        public ConcurrentDictionary<ISymbol, bool> GuardedMembers { get; } = new(SymbolEqualityComparer.Default);
    }

    private static void Analyze(OperationBlockAnalysisContext context, WellKnownSymbols symbols, CompilationState state)
    {
        if (!HasCandidateDivision(context.OperationBlocks))
        {
            return;
        }

        var patterns = Patterns.Create(context.OperationBlocks, symbols, context.CancellationToken);
        var reported = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        HashSet<IOperation>? feedsSoftmax = null;
        foreach (var operation in patterns.Operations)
        {
            var divisor = patterns.Divisor(operation).Unwrap();
            if (divisor is null || divisor.ConstantValue.HasValue || !IsFloating(divisor.Type, symbols)
                || divisor.ReferencedSymbol() is not { } temperature || reported.Contains(temperature)
                || !IsTemperatureName(temperature.Name, out var strong))
            {
                continue;
            }

            if (!strong)
            {
                feedsSoftmax ??= SoftmaxInputs(patterns);
                if (!IsSoftmaxContext(patterns, operation, feedsSoftmax))
                {
                    continue;
                }
            }

            if (IsGuarded(patterns, state, context.OwningSymbol, temperature, 0, context.CancellationToken))
            {
                continue;
            }

            reported.Add(temperature);
            var fix = state.HasThrowIfNegativeOrZero && IsFixable(divisor, temperature, context.OwningSymbol)
                ? DiagnosticProperties.UseTemperatureGuard
                : null;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.UncheckedTemperature,
                operation.Syntax.GetLocation(),
                Reporting.Locations(divisor),
                Reporting.Fix(fix),
                Reporting.Text(divisor)));
        }
    }

    // Cheap pre-check before the value flow is built: a division by something that is not a constant.
    private static bool HasCandidateDivision(ImmutableArray<IOperation> blocks)
    {
        foreach (var block in blocks)
        {
            if (block is null)
            {
                continue;
            }

            foreach (var operation in block.SelfAndDescendants())
            {
                switch (operation)
                {
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division when !division.RightOperand.ConstantValue.HasValue:
                    case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide }:
                    case IInvocationOperation { TargetMethod.Name: "Divide" or "div" or "div_" }:
                        return true;
                }
            }
        }

        return false;
    }

    private static bool IsFloating(ITypeSymbol? type, WellKnownSymbols symbols) =>
        type is not null
        && (type.SpecialType is SpecialType.System_Single or SpecialType.System_Double
            || type.TypeKind == TypeKind.TypeParameter
            || KnownCalls.Is(type, symbols.Half));

    /// <summary>
    /// <c>temperature</c>, <c>Temperature</c>, <c>_temperature</c>, <c>samplingTemperature</c>
    /// (<paramref name="strong"/>); or <c>t</c>, <c>T</c>, <c>temp</c>, <c>tau</c>, which need a softmax context.
    /// </summary>
    internal static bool IsTemperatureName(string name, out bool strong)
    {
        var normalized = OperationHelpers.NormalizedName(name);
        strong = normalized.Contains("temperature", StringComparison.Ordinal);
        return strong || normalized is "t" or "temp" or "tau" or "τ";
    }

    // Every operation an exp, softmax, log-softmax or log-sum-exp input is computed from.
    private static HashSet<IOperation> SoftmaxInputs(Patterns patterns)
    {
        var inputs = new HashSet<IOperation>();
        foreach (var operation in patterns.Operations)
        {
            IOperation? input = null;
            if (patterns.TryGetExp(operation, out var expInput, out _))
            {
                input = expInput;
            }
            else if (patterns.TryGetLibrarySoftmax(operation, out var softmaxInput))
            {
                input = softmaxInput;
            }
            else if (operation is IInvocationOperation invocation && IsLogSoftmaxOrLogSumExp(patterns.Calls, invocation))
            {
                input = invocation.Instance ?? invocation.Argument(0);
            }

            if (input is not null)
            {
                foreach (var node in patterns.Flow.DataSlice(input))
                {
                    inputs.Add(node);
                }
            }
        }

        return inputs;
    }

    private static bool IsLogSoftmaxOrLogSumExp(KnownCalls calls, IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        return calls.IsProbability(method, "LogSoftmax") || calls.IsProbability(method, "LogSumExp")
            || calls.IsTorch(method, "log_softmax") || calls.IsTorch(method, "logsumexp");
    }

    // The quotient feeds an exp or a softmax, or what is divided is named like logits.
    private static bool IsSoftmaxContext(Patterns patterns, IOperation division, HashSet<IOperation> feedsSoftmax)
    {
        if (feedsSoftmax.Contains(division))
        {
            return true;
        }

        foreach (var node in patterns.Flow.DataSlice(patterns.Dividend(division)))
        {
            if (node.ReferencedSymbol() is { } symbol && IsLogitsName(symbol.Name))
            {
                return true;
            }
        }

        // TensorPrimitives.Divide(x, t, destination): the destination's name counts too.
        return division is IInvocationOperation invocation && invocation.Arguments.Length == 3
            && patterns.Flow.StorageSymbol(invocation.Arguments[2].Value) is { } destination && IsLogitsName(destination.Name);
    }

    private static bool IsLogitsName(string name)
    {
        var normalized = OperationHelpers.NormalizedName(name);
        return normalized.Contains("logit", StringComparison.Ordinal) || normalized.Contains("scores", StringComparison.Ordinal);
    }

    /// <summary>Whether something in the member (or, for a field or property, in its type) keeps <paramref name="symbol"/> above 0.</summary>
    private static bool IsGuarded(Patterns patterns, CompilationState state, ISymbol owner, ISymbol symbol, int depth, CancellationToken cancellationToken)
    {
        if (IsCheckedInBlock(patterns, symbol))
        {
            return true;
        }

        switch (symbol)
        {
            case ILocalSymbol local:
                return depth < MaxDepth && AllValuesAreSafe(patterns, state, owner, local, depth, cancellationToken);
            case IFieldSymbol or IPropertySymbol:
                return state.GuardedMembers.GetOrAdd(symbol, s => IsCheckedInContainingType(s, cancellationToken));
            case IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } constructor }
                when !SymbolEqualityComparer.Default.Equals(constructor, owner):
                // A primary constructor's parameter captured by another member: its checks live in the type.
                return state.GuardedMembers.GetOrAdd(symbol, s => IsCheckedInContainingType(s, cancellationToken));
            default:
                return false;
        }
    }

    // A comparison, a pattern test, a ThrowIf/positive check or a Max/Clamp of the symbol anywhere in the member.
    private static bool IsCheckedInBlock(Patterns patterns, ISymbol symbol)
    {
        foreach (var operation in patterns.Operations)
        {
            switch (operation)
            {
                case IBinaryOperation binary when IsComparison(binary.OperatorKind):
                    if (Refers(binary.LeftOperand, symbol) || Refers(binary.RightOperand, symbol))
                    {
                        return true;
                    }

                    break;
                case IIsPatternOperation pattern when Refers(pattern.Value, symbol):
                case ISwitchExpressionOperation switchExpression when Refers(switchExpression.Value, symbol):
                case ISwitchOperation switchStatement when Refers(switchStatement.Value, symbol):
                    return true;
                case IInvocationOperation invocation when IsGuardCall(invocation.TargetMethod.Name):
                    foreach (var argument in invocation.Arguments)
                    {
                        if (Refers(argument.Value, symbol))
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }

    private static bool IsComparison(BinaryOperatorKind kind) => kind is BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
        or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals;

    /// <summary><c>ThrowIfNegativeOrZero</c>, <c>ThrowIfLessThan</c>, guard libraries' <c>IsPositive</c>/<c>GreaterThan</c>, and <c>Max</c>/<c>Clamp</c>.</summary>
    private static bool IsGuardCall(string name) =>
        name.StartsWith("ThrowIf", StringComparison.Ordinal) || name is "Max" or "Clamp" or "MaxMagnitude"
        || name.Contains("Positive", StringComparison.Ordinal) || name.Contains("GreaterThan", StringComparison.Ordinal);

    private static bool Refers(IOperation? operation, ISymbol symbol) =>
        SymbolEqualityComparer.Default.Equals(operation.Unwrap().ReferencedSymbol(), symbol);

    // Every value the local ever holds is safe: a positive constant, a Max/Clamp, a checked conditional, a guarded variable.
    private static bool AllValuesAreSafe(Patterns patterns, CompilationState state, ISymbol owner, ILocalSymbol local, int depth, CancellationToken cancellationToken)
    {
        var writes = patterns.Flow.WritesOf(local);
        if (writes.Count == 0)
        {
            return false;
        }

        foreach (var write in writes)
        {
            var value = write.Unwrap();
            if (value is null)
            {
                return false;
            }

            if (value.TryGetNumber(out var constant))
            {
                if (constant > 0)
                {
                    continue;
                }

                return false;
            }

            switch (value)
            {
                case IInvocationOperation invocation when IsGuardCall(invocation.TargetMethod.Name):
                    continue;
                case IConditionalOperation conditional when conditional.Condition is IBinaryOperation or IIsPatternOperation or IUnaryOperation:
                    continue;
            }

            if (value.ReferencedSymbol() is { } source && !SymbolEqualityComparer.Default.Equals(source, local)
                && IsGuarded(patterns, state, owner, source, depth + 1, cancellationToken))
            {
                continue;
            }

            return false;
        }

        return true;
    }

    /// <summary>
    /// A field or property compared, validated or clamped anywhere in the declarations of its type (a
    /// constructor check, a guarded setter, a clamped initializer). Syntax only, by name: it errs towards quiet.
    /// </summary>
    private static bool IsCheckedInContainingType(ISymbol member, CancellationToken cancellationToken)
    {
        var type = member.ContainingType;
        if (type is null)
        {
            return false;
        }

        var name = member.Name;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            foreach (var node in syntax.DescendantNodes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (node)
                {
                    case BinaryExpressionSyntax binary when IsComparisonSyntax(binary) && (Names(binary.Left, name) || Names(binary.Right, name)):
                    case IsPatternExpressionSyntax pattern when Names(pattern.Expression, name):
                    case SwitchExpressionSyntax switchExpression when Names(switchExpression.GoverningExpression, name):
                        return true;
                    case InvocationExpressionSyntax invocation when IsGuardCall(CalleeName(invocation)):
                        foreach (var argument in invocation.ArgumentList.Arguments)
                        {
                            if (Names(argument.Expression, name))
                            {
                                return true;
                            }
                        }

                        break;
                    case PropertyDeclarationSyntax property when property.Identifier.ValueText == name && HasCheckedAccessor(property):
                    case AssignmentExpressionSyntax assignment when Names(assignment.Left, name) && IsCheckedValue(assignment.Right):
                    case VariableDeclaratorSyntax { Initializer.Value: { } initial } declarator when declarator.Identifier.ValueText == name && IsCheckedValue(initial):
                        return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A value stored into the member that was checked: it contains a check (<c>v &gt; 0 ? v : throw</c>,
    /// <c>Math.Max(v, eps)</c>), or it is a variable checked in the same method (a constructor that
    /// validates its parameter, then stores it).
    /// </summary>
    private static bool IsCheckedValue(ExpressionSyntax value)
    {
        if (HasCheck(value))
        {
            return true;
        }

        if (Unparenthesized(value) is not IdentifierNameSyntax source)
        {
            return false;
        }

        for (var node = value.Parent; node is not null; node = node.Parent)
        {
            if (node is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax or TypeDeclarationSyntax)
            {
                foreach (var descendant in node.DescendantNodes())
                {
                    switch (descendant)
                    {
                        case BinaryExpressionSyntax binary when IsComparisonSyntax(binary) && (Names(binary.Left, source.Identifier.ValueText) || Names(binary.Right, source.Identifier.ValueText)):
                        case IsPatternExpressionSyntax pattern when Names(pattern.Expression, source.Identifier.ValueText):
                            return true;
                        case InvocationExpressionSyntax invocation when IsGuardCall(CalleeName(invocation)):
                            foreach (var argument in invocation.ArgumentList.Arguments)
                            {
                                if (Names(argument.Expression, source.Identifier.ValueText))
                                {
                                    return true;
                                }
                            }

                            break;
                    }
                }

                return false;
            }
        }

        return false;
    }

    private static bool HasCheck(SyntaxNode node)
    {
        foreach (var descendant in node.DescendantNodesAndSelf())
        {
            if (descendant is ThrowExpressionSyntax or ThrowStatementSyntax or IsPatternExpressionSyntax
                || (descendant is BinaryExpressionSyntax binary && IsComparisonSyntax(binary))
                || (descendant is InvocationExpressionSyntax invocation && IsGuardCall(CalleeName(invocation))))
            {
                return true;
            }
        }

        return false;
    }

    private static ExpressionSyntax Unparenthesized(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }

    private static bool IsComparisonSyntax(BinaryExpressionSyntax binary) => binary.Kind() is SyntaxKind.LessThanExpression
        or SyntaxKind.LessThanOrEqualExpression or SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression
        or SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression;

    // A setter or init accessor with a comparison or a throw in it.
    private static bool HasCheckedAccessor(PropertyDeclarationSyntax property)
    {
        if (property.AccessorList is null)
        {
            return false;
        }

        foreach (var accessor in property.AccessorList.Accessors)
        {
            if (accessor.Kind() is SyntaxKind.SetAccessorDeclaration or SyntaxKind.InitAccessorDeclaration && HasCheck(accessor))
            {
                return true;
            }
        }

        return false;
    }

    private static string CalleeName(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        _ => string.Empty,
    };

    // `name`, `this.name`, `x.name`, through parentheses and casts.
    private static bool Names(ExpressionSyntax expression, string name)
    {
        while (true)
        {
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    expression = parenthesized.Expression;
                    continue;
                case CastExpressionSyntax cast:
                    expression = cast.Expression;
                    continue;
                case IdentifierNameSyntax identifier:
                    return identifier.Identifier.ValueText == name;
                case MemberAccessExpressionSyntax member:
                    return member.Name.Identifier.ValueText == name;
                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// The fix inserts <c>ArgumentOutOfRangeException.ThrowIfNegativeOrZero(divisor)</c> at the top of the
    /// method: the divisor must be a parameter of that method (or a member reached from it through
    /// <c>this</c>, a type or a parameter), of a concrete floating-point type, inside a method or
    /// local function (not top-level code, a lambda's own parameter or an accessor).
    /// </summary>
    private static bool IsFixable(IOperation divisor, ISymbol temperature, ISymbol owner)
    {
        if (divisor.Type is not { } type || type.TypeKind == TypeKind.TypeParameter
            || owner is not IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.Constructor or MethodKind.StaticConstructor } method
            || method.IsImplicitlyDeclared || IsFromTopLevelStatements(method))
        {
            return false;
        }

        switch (temperature)
        {
            case IParameterSymbol parameter:
                return parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.LocalFunction or MethodKind.Constructor }
                    && (SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, method) || parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction })
                    && parameter.RefKind is RefKind.None or RefKind.In or RefKind.Ref;
            case IFieldSymbol or IPropertySymbol:
                var instance = divisor switch
                {
                    IFieldReferenceOperation field => field.Instance,
                    IPropertyReferenceOperation property => property.Instance,
                    _ => null,
                };
                return instance is null or IInstanceReferenceOperation
                    || (instance.Unwrap() is IParameterReferenceOperation owning && SymbolEqualityComparer.Default.Equals(owning.Parameter.ContainingSymbol, method));
            default:
                return false;
        }
    }

    private static bool IsFromTopLevelStatements(IMethodSymbol method) =>
        method.Name == WellKnownMemberNames.TopLevelStatementsEntryPointMethodName;
}
