using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using LmProb.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Rules;

/// <summary>
/// LMP012 (info): sequences of different lengths ranked by the raw sum of their token
/// log-probabilities, with no length convention stated.
/// </summary>
/// <remarks>
/// <para>
/// Raw sums: <c>Enumerable.Sum</c> (with or without a selector) and <c>TensorPrimitives.Sum</c> of
/// log-probabilities, an accumulator <c>score += lp[t]</c> (or <c>+= Math.Log(p[t])</c>),
/// <c>Probability.SequenceLogProbability</c>, <c>Hypothesis.LogProbability</c>, and TorchSharp
/// <c>(logProbs * mask).sum(dim)</c>. Log-probabilities: named <c>*logprob*</c>, <c>*logp*</c>,
/// <c>*loglik*</c>, <c>*nll*</c>, <c>lp</c>, or computed by a log or a log-softmax.
/// </para>
/// <para>
/// Rankings: key selectors of <c>OrderBy</c>/<c>OrderByDescending</c>/<c>ThenBy</c>/<c>ThenByDescending</c>/
/// <c>MaxBy</c>/<c>MinBy</c>/<c>Max</c>/<c>Min</c>; a comparison whose two sides are raw sums (the
/// running best of an argmax loop included); <c>Max</c>/<c>Min</c>/<c>Order</c> over a collection of raw
/// sums; TorchSharp <c>argmax</c>/<c>max</c>/<c>topk</c>/<c>sort</c>/<c>argsort</c> of masked sums.
/// </para>
/// <para>
/// Quiet: sums divided by a length (then they are not raw), <c>Average()</c>,
/// <c>Metrics.SequenceScore</c> with any mode (<c>LengthNormalization.None</c> states the convention),
/// <c>Hypothesis.Score</c>, sums over provably equal lengths (a <c>Length == Length</c> check in the
/// member, fixed-length slices <c>AsSpan(i * L, L)</c>, loops bounded by a fixed <c>L</c>), and
/// TorchSharp sums over whole rows without a mask (a rectangular tensor has equal lengths).
/// </para>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawSequenceScoreAnalyzer : DiagnosticAnalyzer
{
    private const int MaxDepth = 3;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.RawSequenceScore);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = WellKnownSymbols.Get(start.Compilation);
            var extra = new ExtraSymbols(start.Compilation, symbols);
            Action<OperationBlockAnalysisContext, WellKnownSymbols> analyze = (block, s) => Analyze(block, s, extra);
            start.RegisterOperationBlockAction(block => AnalyzerGuard.Run(block, symbols, analyze));
        });
    }

    /// <summary>Types this rule needs that <see cref="WellKnownSymbols"/> does not hold.</summary>
    private sealed class ExtraSymbols
    {
        public ExtraSymbols(Compilation compilation, WellKnownSymbols symbols)
        {
            Hypothesis = compilation.GetTypeByMetadataName("LmProb.Hypothesis");
            var lengthNormalization = compilation.GetTypeByMetadataName("LmProb.LengthNormalization");
            CanUseSequenceScore = lengthNormalization is not null && !lengthNormalization.GetMembers("Mean").IsEmpty
                && symbols.Metrics is { } metrics && !metrics.GetMembers("SequenceScore").IsEmpty;
        }

        /// <summary><c>LmProb.Hypothesis</c> (beam search results); null before the runtime has it.</summary>
        public INamedTypeSymbol? Hypothesis { get; }

        /// <summary>The fix's <c>Metrics.SequenceScore</c> and <c>LengthNormalization.Mean</c> exist.</summary>
        public bool CanUseSequenceScore { get; }
    }

    private static void Analyze(OperationBlockAnalysisContext context, WellKnownSymbols symbols, ExtraSymbols extra)
    {
        if (HasCandidate(context.OperationBlocks))
        {
            new Rule(context, Patterns.Create(context.OperationBlocks, symbols, context.CancellationToken), extra).Run();
        }
    }

    // Cheap pre-check before the value flow is built: something that ranks or compares.
    private static bool HasCandidate(ImmutableArray<IOperation> blocks)
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
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual }:
                    case IInvocationOperation { TargetMethod.Name: "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" or "MaxBy" or "MinBy" or "Max" or "Min" or "Order" or "OrderDescending" or "Sort" or "IndexOfMax" or "IndexOfMin" or "argmax" or "argmin" or "max" or "topk" or "sort" or "argsort" }:
                        return true;
                }
            }
        }

        return false;
    }

    private sealed class Rule
    {
        private readonly OperationBlockAnalysisContext _context;
        private readonly Patterns _patterns;
        private readonly ExtraSymbols _extra;
        private readonly Dictionary<IOperation, bool> _logProbValued = new();
        private readonly HashSet<IOperation> _reported = new();

        public Rule(OperationBlockAnalysisContext context, Patterns patterns, ExtraSymbols extra)
        {
            _context = context;
            _patterns = patterns;
            _extra = extra;
        }

        private KnownCalls Calls => _patterns.Calls;

        private ValueFlow Flow => _patterns.Flow;

        public void Run()
        {
            foreach (var operation in _patterns.Operations)
            {
                switch (operation)
                {
                    case IInvocationOperation invocation:
                        CheckRankingCall(invocation);
                        break;
                    case IBinaryOperation comparison when IsRelational(comparison.OperatorKind):
                        CheckComparison(comparison);
                        break;
                }
            }
        }

        private void Report(IOperation site, params IOperation?[] fixSums)
        {
            if (!_reported.Add(site))
            {
                return;
            }

            var fixable = _extra.CanUseSequenceScore && fixSums.Length > 0;
            foreach (var sum in fixSums)
            {
                fixable &= sum is not null;
            }

            _context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.RawSequenceScore,
                site.Syntax.GetLocation(),
                fixable ? Reporting.Locations(fixSums) : null,
                Reporting.Fix(fixable ? DiagnosticProperties.UseSequenceScore : null),
                Reporting.Text(site)));
        }

        // ---- rankings

        private void CheckRankingCall(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (Calls.IsEnumerable(method))
            {
                switch (method.Name)
                {
                    case "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" or "MaxBy" or "MinBy" or "Max" or "Min"
                        when invocation.Argument(1).AsLambda() is { } selector:
                        // A fix changes the key type from float to double: fine for orderings and
                        // MaxBy/MinBy (they return elements), not for Max/Min or explicit type arguments.
                        var keyCanChange = method.Name is not ("Max" or "Min") && !HasExplicitTypeArguments(invocation);
                        foreach (var value in selector.ReturnedValues())
                        {
                            var key = WithoutNegation(value);
                            if (IsRawSum(key, 0) && !IsFixedLength(key))
                            {
                                Report(value, keyCanChange ? FixableSum(key) : null);
                            }
                        }

                        return;
                    case "Max" or "Min" or "Order" or "OrderDescending" or "OrderBy" or "OrderByDescending" when IsCollectionOfRawSums(invocation.Argument(0)):
                        Report(invocation);
                        return;
                }

                return;
            }

            if ((Calls.IsTensorPrimitives(method, "Max") || Calls.IsTensorPrimitives(method, "Min") || Calls.IsTensorPrimitives(method, "IndexOfMax")
                    || Calls.IsTensorPrimitives(method, "IndexOfMin"))
                && invocation.Arguments.Length == 1 && IsCollectionOfRawSums(invocation.Argument(0)))
            {
                Report(invocation);
                return;
            }

            if (method.Name == "Sort" && method.ContainingType?.SpecialType == SpecialType.System_Array && invocation.Arguments.Length >= 1
                && IsCollectionOfRawSums(invocation.Arguments[0].Value))
            {
                Report(invocation);
                return;
            }

            if (method.Name is "argmax" or "argmin" or "max" or "min" or "topk" or "sort" or "argsort" && Calls.IsTorch(method, method.Name)
                && (invocation.Instance ?? invocation.Argument(0)) is { } scores && IsMaskedTorchLogProbSum(scores))
            {
                Report(invocation);
            }
        }

        private static bool HasExplicitTypeArguments(IInvocationOperation invocation) =>
            invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: GenericNameSyntax } or GenericNameSyntax };

        // a.Sum() > b.Sum(), s > best with best the running maximum of raw sums.
        private void CheckComparison(IBinaryOperation comparison)
        {
            if (comparison.LeftOperand.Type?.SpecialType is not (SpecialType.System_Single or SpecialType.System_Double)
                || !IsRawScore(comparison.LeftOperand, out var leftSums) || !IsRawScore(comparison.RightOperand, out var rightSums)
                || (AllFixedLength(leftSums) && AllFixedLength(rightSums))
                || HaveEqualLengthCheck(leftSums, rightSums))
            {
                return;
            }

            var left = WithoutNegation(comparison.LeftOperand);
            var right = WithoutNegation(comparison.RightOperand);
            var direct = left == comparison.LeftOperand.Unwrap() && right == comparison.RightOperand.Unwrap();
            Report(comparison, direct ? FixableSum(left) : null, direct ? FixableSum(right) : null);
        }

        /// <summary>Some value of <paramref name="expression"/> is a raw log-probability sum; <paramref name="sums"/> are those sums.</summary>
        private bool IsRawScore(IOperation expression, out List<IOperation> sums)
        {
            sums = new List<IOperation>();
            foreach (var node in Flow.Origins(WithoutNegation(expression)))
            {
                if (IsRawSumNode(node, 0))
                {
                    sums.Add(node);
                }
            }

            return sums.Count > 0;
        }

        private bool IsCollectionOfRawSums(IOperation? collection)
        {
            if (collection is null)
            {
                return false;
            }

            foreach (var node in Flow.Origins(collection))
            {
                if (IsRawSumNode(node, 0) && !IsFixedLength(node))
                {
                    return true;
                }
            }

            return false;
        }

        // ---- raw sums

        private bool IsRawSum(IOperation? expression, int depth)
        {
            foreach (var node in Flow.Origins(expression))
            {
                if (IsRawSumNode(node, depth))
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsRawSumNode(IOperation node, int depth)
        {
            if (depth > MaxDepth)
            {
                return false;
            }

            switch (node)
            {
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    if (Calls.IsEnumerable(method, "Sum"))
                    {
                        var source = invocation.Argument(0);
                        if (invocation.Argument(1).AsLambda() is { } selector)
                        {
                            foreach (var value in selector.ReturnedValues())
                            {
                                if (IsLogProbValued(value))
                                {
                                    return true;
                                }
                            }

                            return false;
                        }

                        return IsLogProbValued(source);
                    }

                    if (Calls.IsTensorPrimitives(method, "Sum"))
                    {
                        return IsLogProbValued(invocation.Argument(0));
                    }

                    if (Calls.IsProbability(method, "SequenceLogProbability"))
                    {
                        return true;
                    }

                    return Calls.IsTorch(method, "sum") && IsMaskedTorchLogProbSum(invocation);
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } accumulation:
                    // score += lp[t], nll -= Math.Log(p): token by token (not totalNll += batchNll across a dataset).
                    return accumulation.Type?.SpecialType is SpecialType.System_Single or SpecialType.System_Double
                        && IsTokenLevel(accumulation.Value) && IsLogProbValued(WithoutNegation(accumulation.Value));
                case IPropertyReferenceOperation { Property.Name: "LogProbability" } property:
                    return _extra.Hypothesis is not null && KnownCalls.Is(property.Property.ContainingType, _extra.Hypothesis);
                default:
                    return false;
            }
        }

        /// <summary>
        /// One token's value: an element read (<c>lp[t]</c>, <c>tokens[t].LogProb</c>), a <c>foreach</c> or
        /// lambda variable drawn from a collection, a log (<c>Math.Log(p)</c>), or a local holding one.
        /// </summary>
        private bool IsTokenLevel(IOperation value, int depth = 0)
        {
            if (depth > MaxDepth)
            {
                return false;
            }

            foreach (var node in Flow.Origins(WithoutNegation(value)))
            {
                switch (node)
                {
                    case IArrayElementReferenceOperation:
                    case IPropertyReferenceOperation { Property.IsIndexer: true }:
                        return true;
                    case IPropertyReferenceOperation { Instance: { } instance } when IsTokenLevel(instance, depth + 1):
                        return true;
                    case IParameterReferenceOperation parameter when Flow.LambdaSource(parameter.Parameter) is not null:
                        return true;
                    case IInvocationOperation when _patterns.TryGetLog(node, out _, out _):
                        return true;
                    case ILocalReferenceOperation local:
                        foreach (var write in Flow.WritesOf(local.Local))
                        {
                            if (write.Parent is IForEachLoopOperation)
                            {
                                return true;
                            }
                        }

                        break;
                }
            }

            return false;
        }

        /// <summary>Log-probabilities: named like them, or computed by a log or a log-softmax.</summary>
        private bool IsLogProbValued(IOperation? expression)
        {
            if (expression is null)
            {
                return false;
            }

            if (_logProbValued.TryGetValue(expression, out var known))
            {
                return known;
            }

            _logProbValued[expression] = false;
            var result = false;
            foreach (var node in Flow.Origins(expression))
            {
                if (IsLogProbName(node) || _patterns.TryGetLog(node, out _, out _)
                    || (node is IInvocationOperation invocation
                        && (Calls.IsProbability(invocation.TargetMethod, "LogSoftmax") || Calls.IsTorch(invocation.TargetMethod, "log_softmax"))))
                {
                    result = true;
                    break;
                }
            }

            _logProbValued[expression] = result;
            return result;
        }

        private static bool IsLogProbName(IOperation node)
        {
            // A variable or member, or what a call returns: model.TokenLogProbs(x), logProbsOf(c).
            var symbol = node switch
            {
                IInvocationOperation { TargetMethod.Name: "Invoke", Instance: { } target } => target.ReferencedSymbol(),
                IInvocationOperation invocation => invocation.TargetMethod,
                _ => node.ReferencedSymbol(),
            };
            if (symbol is null)
            {
                return false;
            }

            var name = OperationHelpers.NormalizedName(symbol.Name);
            return name.Contains("logprob", StringComparison.Ordinal) || name.Contains("logp", StringComparison.Ordinal)
                || name.Contains("loglik", StringComparison.Ordinal) || name.Contains("nll", StringComparison.Ordinal)
                || name is "lp" or "lps" or "lprobs";
        }

        // TorchSharp: (logProbs * mask).sum(dim), logProbs.masked_fill(...).sum(dim): per-row sums over different lengths.
        private bool IsMaskedTorchLogProbSum(IOperation scores)
        {
            foreach (var node in Flow.Origins(scores))
            {
                if (node is not IInvocationOperation invocation || !Calls.IsTorch(invocation.TargetMethod, "sum")
                    || (invocation.Instance ?? invocation.Argument(0)) is not { } summed)
                {
                    continue;
                }

                var masked = false;
                var logProbs = false;
                foreach (var part in Flow.DataSlice(summed))
                {
                    masked |= part is IInvocationOperation { TargetMethod.Name: "masked_fill" or "masked_fill_" or "where" }
                        || (part.ReferencedSymbol() is { } symbol && OperationHelpers.NormalizedName(symbol.Name).Contains("mask", StringComparison.Ordinal));
                    logProbs |= IsLogProbName(part)
                        || (part is IInvocationOperation call && (Calls.IsTorch(call.TargetMethod, "log_softmax") || Calls.IsTorch(call.TargetMethod, "log")));
                }

                if (masked && logProbs)
                {
                    return true;
                }
            }

            return false;
        }

        // ---- equal lengths

        private bool AllFixedLength(List<IOperation> sums)
        {
            foreach (var sum in sums)
            {
                if (!IsFixedLength(sum))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The sum runs over a fixed number of tokens: a fixed-length view (<c>AsSpan(i * L, L)</c>,
        /// <c>Slice(s, L)</c>, <c>Take(L)</c>) or a loop bounded by a fixed <c>L</c>, with <c>L</c> a
        /// constant, a parameter, a field or a property.
        /// </summary>
        private bool IsFixedLength(IOperation sum)
        {
            IOperation? source = null;
            foreach (var node in Flow.Origins(sum))
            {
                switch (node)
                {
                    case IInvocationOperation invocation when Calls.IsEnumerable(invocation.TargetMethod, "Sum") || Calls.IsTensorPrimitives(invocation.TargetMethod, "Sum"):
                        source = invocation.Argument(0);
                        break;
                    case ICompoundAssignmentOperation accumulation:
                        return IsInFixedLoop(accumulation);
                }

                if (source is not null)
                {
                    break;
                }
            }

            if (source is null)
            {
                return false;
            }

            foreach (var node in Flow.Origins(source))
            {
                if (node is IInvocationOperation view
                    && (view.TargetMethod.Name is "AsSpan" or "AsMemory" or "Slice" && view.Arguments.Length >= 2
                        || Calls.IsEnumerable(view.TargetMethod, "Take"))
                    && IsFixed(view.Arguments[view.Arguments.Length - 1].Value))
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsInFixedLoop(IOperation accumulation)
        {
            for (var current = accumulation.Parent; current is not null; current = current.Parent)
            {
                if (current is IForLoopOperation { Condition: IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual } condition })
                {
                    return IsFixed(condition.RightOperand);
                }

                if (current is ILoopOperation or IAnonymousFunctionOperation)
                {
                    return false;
                }
            }

            return false;
        }

        private static bool IsFixed(IOperation length)
        {
            var unwrapped = length.Unwrap();
            return unwrapped is not null
                && (unwrapped.ConstantValue.HasValue || unwrapped is IParameterReferenceOperation or IFieldReferenceOperation
                    || unwrapped is IPropertyReferenceOperation { Property.IsIndexer: false, Property.Name: not ("Length" or "Count" or "LongLength") });
        }

        // a.Length == b.Length (or !=, in a guard) over the collections the two sides sum.
        private bool HaveEqualLengthCheck(List<IOperation> leftSums, List<IOperation> rightSums)
        {
            var left = SummedCollections(leftSums);
            var right = SummedCollections(rightSums);
            if (left.Count == 0 || right.Count == 0)
            {
                return false;
            }

            foreach (var operation in _patterns.Operations)
            {
                if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } equality
                    && LengthOf(equality.LeftOperand) is { } a && LengthOf(equality.RightOperand) is { } b
                    && ((left.Contains(a) && right.Contains(b)) || (left.Contains(b) && right.Contains(a))))
                {
                    return true;
                }
            }

            return false;
        }

        private HashSet<ISymbol> SummedCollections(List<IOperation> sums)
        {
            var collections = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var sum in sums)
            {
                if (sum is IInvocationOperation invocation && Flow.SourceSymbol(invocation.Argument(0)) is { } collection)
                {
                    collections.Add(collection);
                }
            }

            return collections;
        }

        private ISymbol? LengthOf(IOperation operation) => operation.Unwrap() switch
        {
            IPropertyReferenceOperation { Property.Name: "Length" or "Count" or "LongLength", Instance: { } instance } => Flow.SourceSymbol(instance),
            IInvocationOperation { TargetMethod.Name: "Count" } count when Calls.IsEnumerable(count.TargetMethod) => Flow.SourceSymbol(count.Argument(0)),
            _ => null,
        };

        // ---- fix

        /// <summary>
        /// The sum the fix can rewrite to <c>Metrics.SequenceScore(x, LengthNormalization.Mean)</c>:
        /// <c>x.Sum()</c> (no selector) or <c>TensorPrimitives.Sum(x)</c> with <c>x</c> a float, Half or
        /// BFloat16 array or span.
        /// </summary>
        private IOperation? FixableSum(IOperation? expression)
        {
            if (expression is not IInvocationOperation invocation
                || !((Calls.IsEnumerable(invocation.TargetMethod, "Sum") && invocation.Arguments.Length == 1)
                    || (Calls.IsTensorPrimitives(invocation.TargetMethod, "Sum") && invocation.Arguments.Length == 1)))
            {
                return null;
            }

            var source = invocation.Argument(0).Unwrap();
            var type = source?.Type;
            var element = KnownCalls.ElementType(type);
            var spanLike = type is IArrayTypeSymbol { Rank: 1 } || Calls.IsSpan(type) || KnownCalls.Is(type, Calls.Symbols.ReadOnlySpan);
            var supported = element is not null && (element.SpecialType == SpecialType.System_Single
                || KnownCalls.Is(element, Calls.Symbols.Half) || KnownCalls.Is(element, Calls.Symbols.BFloat16));
            return spanLike && supported ? invocation : null;
        }

        private static IOperation WithoutNegation(IOperation expression)
        {
            var unwrapped = expression.Unwrap()!;
            return unwrapped is IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation ? negation.Operand.Unwrap()! : unwrapped;
        }

        private static bool IsRelational(BinaryOperatorKind kind) => kind is BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
            or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual;
    }
}
