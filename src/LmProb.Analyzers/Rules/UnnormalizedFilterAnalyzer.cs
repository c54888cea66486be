using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using LmProb.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Rules;

/// <summary>
/// LMP011: top-k/top-p filtered probabilities used as a distribution without renormalizing, and
/// top-p filters that can keep no token.
/// </summary>
/// <remarks>
/// <para>
/// Unnormalized: a probability array with entries set to 0 (<c>p[j] = 0</c>, <c>p[i] = keep ? p[i] : 0</c>)
/// or the <c>topValues</c> of <c>Decoding.TopK</c>, then sampled with an unscaled uniform draw
/// (<c>cum += p[i]; if (u &lt; cum) …</c> or <c>r -= p[i]</c> with <c>u</c> from <c>Random.NextDouble</c>/<c>NextSingle</c>)
/// or passed to <c>Probability.Entropy</c>/<c>CrossEntropy</c>/<c>KLDivergence</c>, when nothing in the
/// member divides it by its kept mass (<c>p[i] /= kept</c>, <c>TensorPrimitives.Divide</c>, a softmax,
/// <c>Decoding.FilterTopK/FilterTopP</c>) and the draw is not scaled by it (<c>u * kept</c>).
/// </para>
/// <para>
/// Empty nucleus: in a loop that accumulates probability mass, a check of the mass <em>including
/// the current token</em> against the threshold (<c>cum + p[i] &gt; topP</c>, or <c>cum &gt; topP</c> after
/// <c>cum += p[i]</c>) that breaks before the token is counted, or zeroes the current token; a
/// <c>while (cum + p[k] &lt;= topP)</c> loop; TorchSharp <c>cumsum(...) &gt; p</c> masks that are never
/// shifted. Not reported: checks of the mass before the current token (<c>if (cum &gt;= topP) break;</c>
/// at the top, <c>cum - p[i] &gt; topP</c>), checks that keep one token (<c>count &gt; 0 &amp;&amp; …</c>,
/// <c>Math.Max(count, 1)</c>), and loops that do not look like top-p (integer budgets, thresholds and
/// values not named like probabilities).
/// </para>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnnormalizedFilterAnalyzer : DiagnosticAnalyzer
{
    private const string SampledFiltered = "'{0}' has entries set to 0 by a filter but is sampled as if it still summed to 1, so a draw above the kept mass falls through to a removed token";
    private const string SampledTopK = "'{0}' holds only the k largest probabilities, which sum to less than 1, but is sampled as a distribution";
    private const string FilteredDistribution = "'{0}' has entries set to 0 by a filter but is used as a distribution that sums to 1";
    private const string EmptyNucleus = "This check counts the current token's probability before the token is kept, so the nucleus is empty when the first probability alone reaches p";
    private const string EmptyTorchNucleus = "This mask removes every token whose cumulative probability exceeds p, the first one too when its probability alone does, so the nucleus can be empty";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnnormalizedFilter);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = WellKnownSymbols.Get(start.Compilation);
            var extra = new ExtraSymbols(start.Compilation);
            Action<OperationBlockAnalysisContext, WellKnownSymbols> analyze = (block, s) => Analyze(block, s, extra);
            start.RegisterOperationBlockAction(block => AnalyzerGuard.Run(block, symbols, analyze));
        });
    }

    /// <summary>Types this rule needs that <see cref="WellKnownSymbols"/> does not hold.</summary>
    private sealed class ExtraSymbols
    {
        public ExtraSymbols(Compilation compilation)
        {
            Random = compilation.GetTypeByMetadataName("System.Random");
            Decoding = compilation.GetTypeByMetadataName("LmProb.Decoding");
        }

        public INamedTypeSymbol? Random { get; }

        /// <summary><c>LmProb.Decoding</c> (<c>TopK</c>, <c>FilterTopK</c>, <c>FilterTopP</c>); null before the runtime has it.</summary>
        public INamedTypeSymbol? Decoding { get; }
    }

    private static void Analyze(OperationBlockAnalysisContext context, WellKnownSymbols symbols, ExtraSymbols extra)
    {
        if (!HasCandidate(context.OperationBlocks))
        {
            return;
        }

        var rule = new Rule(context, Patterns.Create(context.OperationBlocks, symbols, context.CancellationToken), extra);
        rule.Run();
    }

    // Cheap pre-check before the value flow is built: a floating-point accumulation, a TorchSharp
    // cumsum, or a call of LmProb's distribution functions.
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
                    case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract, Type.SpecialType: SpecialType.System_Single or SpecialType.System_Double }:
                    case ISimpleAssignmentOperation { Value: IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_Single or SpecialType.System_Double } }:
                    case IInvocationOperation { TargetMethod.Name: "cumsum" or "Entropy" or "CrossEntropy" or "KLDivergence" }:
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
        private readonly HashSet<IOperation> _reported = new();
        private readonly Dictionary<ISymbol, bool> _unnormalized = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _topKOnly = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _probabilityMass = new(SymbolEqualityComparer.Default);

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
                    case ILoopOperation loop:
                        CheckNucleusLoop(loop);
                        break;
                    case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } accumulation:
                        CheckDraw(accumulation);
                        break;
                    case IInvocationOperation invocation:
                        CheckDistributionArguments(invocation);
                        break;
                    case IBinaryOperation comparison when Calls.IsTensor(comparison.Type):
                        CheckTorchCumulativeMask(comparison, comparison.OperatorKind, comparison.LeftOperand, comparison.RightOperand);
                        break;
                }

                if (operation is IInvocationOperation { Instance: { } instance, TargetMethod.Name: "gt" or "ge" } torchComparison
                    && Calls.IsTorch(torchComparison.TargetMethod, torchComparison.TargetMethod.Name) && torchComparison.Arguments.Length >= 1)
                {
                    var kind = torchComparison.TargetMethod.Name == "gt" ? BinaryOperatorKind.GreaterThan : BinaryOperatorKind.GreaterThanOrEqual;
                    CheckTorchCumulativeMask(torchComparison, kind, instance, torchComparison.Arguments[0].Value);
                }
            }
        }

        private void Report(IOperation site, string subject)
        {
            if (_reported.Add(site))
            {
                _context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnnormalizedFilter, site.Syntax.GetLocation(), subject));
            }
        }

        // ================= unnormalized filtered probabilities =================

        // cum += p[i] compared with an unscaled uniform draw; or r -= p[i] with r an unscaled draw.
        private void CheckDraw(ICompoundAssignmentOperation accumulation)
        {
            // The array the accumulated value is read from: p[i], or the collection of foreach (var v in p).
            var array = accumulation.Value.Unwrap() switch
            {
                IArrayElementReferenceOperation element => element.ArrayReference,
                IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance } => instance,
                ILocalReferenceOperation local => ForEachCollection(local.Local),
                _ => null,
            };
            if (accumulation.Target.Unwrap() is not ILocalReferenceOperation { Local: var accumulator }
                || accumulator.Type.SpecialType is not (SpecialType.System_Single or SpecialType.System_Double)
                || Flow.StorageSymbol(array) is not { } probabilities
                || Enclosing<ILoopOperation>(accumulation) is not { } loop
                || !IsUnnormalized(probabilities))
            {
                return;
            }

            var draw = accumulation.OperatorKind == BinaryOperatorKind.Subtract
                ? UnscaledDrawWrite(accumulator)
                : UnscaledDrawComparedWith(loop, accumulator);
            if (draw is null)
            {
                return;
            }

            var format = IsTopKOnly(probabilities) ? SampledTopK : SampledFiltered;
            var random = ScalableDraw(draw, loop, array, accumulator);
            if (_reported.Add(accumulation))
            {
                _context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.UnnormalizedFilter,
                    accumulation.Syntax.GetLocation(),
                    Reporting.Locations(random, random is null ? null : array),
                    Reporting.Fix(random is null ? null : DiagnosticProperties.ScaleDraw),
                    string.Format(CultureInfo.InvariantCulture, format, probabilities.Name)));
            }
        }

        private IOperation? ForEachCollection(ILocalSymbol local)
        {
            var writes = Flow.WritesOf(local);
            return writes.Count == 1 && writes[0].Parent is IForEachLoopOperation loop && loop.Collection == writes[0] ? loop.Collection : null;
        }

        // The draw compared with the accumulator somewhere in the loop (u in u < cum), or null.
        private IOperation? UnscaledDrawComparedWith(ILoopOperation loop, ILocalSymbol accumulator)
        {
            foreach (var node in loop.SelfAndDescendants())
            {
                if (node is IBinaryOperation binary && IsRelational(binary.OperatorKind))
                {
                    if (Refers(binary.LeftOperand, accumulator) && IsUnscaledDraw(binary.RightOperand))
                    {
                        return binary.RightOperand;
                    }

                    if (Refers(binary.RightOperand, accumulator) && IsUnscaledDraw(binary.LeftOperand))
                    {
                        return binary.LeftOperand;
                    }
                }
            }

            return null;
        }

        // The draw the accumulator starts from (r = rng.NextDouble(); ... r -= p[i]), or null.
        private IOperation? UnscaledDrawWrite(ILocalSymbol accumulator)
        {
            foreach (var write in Flow.WritesOf(accumulator))
            {
                if (write is not ICompoundAssignmentOperation && IsUnscaledDraw(write))
                {
                    return write;
                }
            }

            return null;
        }

        /// <summary>
        /// The <c>Random.NextDouble()</c>/<c>NextSingle()</c> call the fix multiplies by <c>p.Sum()</c>:
        /// the draw is a local (or the accumulator) whose only other value is that call, made once
        /// outside the loop, and <c>p</c> is a float or double array in a local or parameter whose
        /// sum keeps the draw's type. Null when any of it does not hold.
        /// </summary>
        private IOperation? ScalableDraw(IOperation draw, ILoopOperation loop, IOperation? array, ILocalSymbol accumulator)
        {
            if (array.Unwrap() is not (ILocalReferenceOperation or IParameterReferenceOperation)
                || array!.Type is not IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Single or SpecialType.System_Double } arrayType)
            {
                return null;
            }

            // u in `u < cum`, or the accumulator itself in `r -= p[i]`: its one value must be the call.
            var variable = draw.Unwrap() is ILocalReferenceOperation local ? local.Local : accumulator;
            IOperation? call = null;
            foreach (var write in Flow.WritesOf(variable))
            {
                if (write is ICompoundAssignmentOperation compound && SymbolEqualityComparer.Default.Equals(variable, accumulator))
                {
                    continue;
                }

                if (call is not null)
                {
                    return null;
                }

                call = write.Unwrap();
            }

            if (call is not IInvocationOperation { TargetMethod.Name: "NextDouble" or "NextSingle" } invocation || invocation.IsWithin(loop)
                || (invocation.TargetMethod.Name == "NextSingle" && arrayType.ElementType.SpecialType == SpecialType.System_Double))
            {
                return null;
            }

            return invocation;
        }

        /// <summary>A value drawn from <c>Random.NextDouble()</c>/<c>NextSingle()</c> that nothing multiplies or divides.</summary>
        private bool IsUnscaledDraw(IOperation? expression)
        {
            var random = false;
            foreach (var node in Flow.DataSlice(expression))
            {
                switch (node)
                {
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide }:
                    case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide }:
                        return false;
                    case IInvocationOperation { TargetMethod.Name: "NextDouble" or "NextSingle" } invocation when IsRandom(invocation.TargetMethod.ContainingType):
                        random = true;
                        break;
                }
            }

            return random;
        }

        private bool IsRandom(ITypeSymbol? type)
        {
            for (var current = type; current is not null && _extra.Random is not null; current = current.BaseType)
            {
                if (KnownCalls.Is(current, _extra.Random))
                {
                    return true;
                }
            }

            return false;
        }

        // Probability.Entropy(p), CrossEntropy(p, q), KLDivergence(p, q) with p or q filtered and not renormalized.
        private void CheckDistributionArguments(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (!Calls.IsProbability(method, "Entropy") && !Calls.IsProbability(method, "CrossEntropy") && !Calls.IsProbability(method, "KLDivergence"))
            {
                return;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Name is "probabilities" or "p" or "q" && Flow.StorageSymbol(argument.Value) is { } probabilities
                    && IsUnnormalized(probabilities))
                {
                    Report(argument.Value, string.Format(CultureInfo.InvariantCulture, FilteredDistribution, probabilities.Name));
                }
            }
        }

        /// <summary>
        /// Probabilities with entries zeroed (or the top-k values of <c>Decoding.TopK</c>) that nothing
        /// in the member divides by their kept mass.
        /// </summary>
        private bool IsUnnormalized(ISymbol probabilities)
        {
            if (_unnormalized.TryGetValue(probabilities, out var known))
            {
                return known;
            }

            // Writes in source order: a normalization counts only after the first filtering write
            // (the softmax that produced the probabilities does not renormalize what is zeroed later).
            var writes = new List<IOperation>(Flow.WritesOf(probabilities));
            writes.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
            var zeroed = false;
            var topK = false;
            var renormalized = false;
            foreach (var write in writes)
            {
                if (IsZeroing(write, out var normalizesKept))
                {
                    zeroed = true;
                    renormalized |= normalizesKept;
                }
                else if (IsTopKValues(write, probabilities))
                {
                    topK = true;
                }
                else if ((zeroed || topK) && IsNormalizing(write))
                {
                    renormalized = true;
                }
            }

            var result = !renormalized && (topK || (zeroed && IsProbabilityLike(probabilities)));
            _unnormalized[probabilities] = result;
            if (result && topK && !zeroed)
            {
                _topKOnly.Add(probabilities);
            }

            return result;
        }

        // p[j] = 0, p[i] = keep ? p[i] : 0 (element writes only; a whole new array is not a filter).
        // normalizesKept: p[i] = keep ? p[i] / kept : 0 filters and renormalizes in one write.
        private bool IsZeroing(IOperation write, out bool normalizesKept)
        {
            normalizesKept = false;
            if (!IsElementWrite(write))
            {
                return false;
            }

            var value = write.Unwrap();
            if (value.IsNumber(0))
            {
                return true;
            }

            if (value is IConditionalOperation { WhenFalse: { } whenFalse } conditional)
            {
                var kept = conditional.WhenTrue.Unwrap().IsNumber(0) ? whenFalse : whenFalse.Unwrap().IsNumber(0) ? conditional.WhenTrue : null;
                if (kept is null)
                {
                    return false;
                }

                normalizesKept = IsNormalizing(kept);
                return true;
            }

            return false;
        }

        private static bool IsElementWrite(IOperation write) =>
            write.Parent is ISimpleAssignmentOperation { Target: var target } && target.Unwrap() is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true };

        // Decoding.TopK(probabilities, indices, topValues): topValues holds the k largest probabilities, which sum to less than 1.
        private bool IsTopKValues(IOperation write, ISymbol values)
        {
            if (_extra.Decoding is null || write is not IInvocationOperation invocation || invocation.TargetMethod.Name != "TopK"
                || !KnownCalls.Is(invocation.TargetMethod.ContainingType, _extra.Decoding))
            {
                return false;
            }

            return invocation.Argument("topValues") is { } topValues && SymbolEqualityComparer.Default.Equals(Flow.StorageSymbol(topValues), values)
                && (IsProbabilityName(Flow.SourceSymbol(invocation.Argument(0))) || _patterns.IsSoftmaxValued(invocation.Argument(0)));
        }

        // p[i] /= kept, p[i] *= inverse, p[i] = p[i] / kept, TensorPrimitives.Divide(p, kept, p), a softmax, Decoding.FilterTopK/FilterTopP.
        private bool IsNormalizing(IOperation write)
        {
            switch (write)
            {
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide or BinaryOperatorKind.Multiply }:
                    return true;
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    return Calls.IsTensorPrimitives(method, "Divide") || Calls.IsTensorPrimitives(method, "Multiply")
                        || Calls.IsProbability(method, "Softmax") || Calls.IsTensorPrimitives(method, "SoftMax")
                        || (method.Name is "FilterTopK" or "FilterTopP" && KnownCalls.Is(method.ContainingType, _extra.Decoding));
            }

            foreach (var node in Flow.Origins(write))
            {
                if (node is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide or BinaryOperatorKind.Multiply })
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsTopKOnly(ISymbol probabilities) => _topKOnly.Contains(probabilities);

        private bool IsProbabilityLike(ISymbol symbol)
        {
            if (IsProbabilityName(symbol))
            {
                return true;
            }

            foreach (var write in Flow.WritesOf(symbol))
            {
                if (_patterns.IsSoftmaxValued(write) || IsProbabilityName(Flow.SourceSymbol(write)))
                {
                    return true;
                }
            }

            return false;
        }

        // ================= empty nucleus =================

        private void CheckNucleusLoop(ILoopOperation loop)
        {
            var statements = loop.Body is IBlockOperation block ? block.Operations : ImmutableArray.Create(loop.Body);
            var accumulations = Accumulations(loop, statements);
            if (accumulations.Count == 0)
            {
                return;
            }

            // while (cum + p[k] <= topP) { ... }: the loop condition tests the mass including the next token.
            var loopCondition = loop switch
            {
                IWhileLoopOperation { ConditionIsTop: true } whileLoop => whileLoop.Condition,
                IForLoopOperation forLoop => forLoop.Condition,
                _ => null,
            };
            if (loopCondition is not null && FindMassComparison(loopCondition, accumulations, -1, exceeds: false) is { } stayCheck
                && !KeepsOne(loopCondition, loop))
            {
                Report(stayCheck, EmptyNucleus);
            }

            for (var index = 0; index < statements.Length; index++)
            {
                if (statements[index] is not IConditionalOperation conditional
                    || FindMassComparison(conditional.Condition, accumulations, index, exceeds: true) is not { } check
                    || KeepsOne(conditional.Condition, loop))
                {
                    continue;
                }

                var excludesCurrent = ZeroesAnElement(conditional.WhenTrue)
                    || (Exits(conditional.WhenTrue, loop) && IncludesAfter(statements, index, accumulations));
                if (excludesCurrent)
                {
                    Report(check, EmptyNucleus);
                }
            }
        }

        /// <summary>Float accumulators of this loop (<c>cum += x</c>, <c>cum = cum + x</c>) and the indices of the top-level statements that add to them.</summary>
        private Dictionary<ISymbol, List<int>> Accumulations(ILoopOperation loop, ImmutableArray<IOperation> statements)
        {
            var result = new Dictionary<ISymbol, List<int>>(SymbolEqualityComparer.Default);
            for (var index = 0; index < statements.Length; index++)
            {
                foreach (var node in statements[index].SelfAndDescendants())
                {
                    ISymbol? accumulator = node switch
                    {
                        ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound => compound.Target.Unwrap().ReferencedSymbol(),
                        ISimpleAssignmentOperation { Value: IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } addition } assignment
                            when Refers(addition.LeftOperand, assignment.Target.Unwrap().ReferencedSymbol()) => assignment.Target.Unwrap().ReferencedSymbol(),
                        _ => null,
                    };
                    if (accumulator is ILocalSymbol { Type.SpecialType: SpecialType.System_Single or SpecialType.System_Double } local
                        && Enclosing<ILoopOperation>(node) == loop)
                    {
                        if (IsProbabilityMass(node, local))
                        {
                            _probabilityMass.Add(local);
                        }

                        if (!result.TryGetValue(local, out var indices))
                        {
                            result[local] = indices = new List<int>();
                        }

                        indices.Add(index);
                    }
                }
            }

            return result;
        }

        // What is accumulated is a probability: a softmax value, or read from something named like probabilities.
        private bool IsProbabilityMass(IOperation accumulation, ILocalSymbol accumulator)
        {
            var value = accumulation switch
            {
                ICompoundAssignmentOperation compound => compound.Value,
                ISimpleAssignmentOperation { Value: IBinaryOperation addition } => addition.RightOperand,
                _ => null,
            };
            if (value is null)
            {
                return false;
            }

            if (IsProbabilityName(accumulator) || _patterns.IsSoftmaxValued(value))
            {
                return true;
            }

            foreach (var node in Flow.Origins(value))
            {
                if (IsProbabilityName(Flow.StorageSymbol(node)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A comparison in <paramref name="condition"/> of the mass <em>including the current token</em>
        /// with a top-p threshold: <c>cum + p[i] &gt; topP</c>, or <c>cum &gt; topP</c> after a statement
        /// before <paramref name="statementIndex"/> added the current token to <c>cum</c>.
        /// <paramref name="exceeds"/>: the comparison is true when the mass exceeds the threshold
        /// (<c>&gt;</c>, <c>&gt;=</c>), else when it stays below (a loop condition).
        /// </summary>
        private IBinaryOperation? FindMassComparison(IOperation condition, Dictionary<ISymbol, List<int>> accumulations, int statementIndex, bool exceeds)
        {
            foreach (var node in condition.SelfAndDescendants())
            {
                if (node is not IBinaryOperation comparison || !IsRelational(comparison.OperatorKind))
                {
                    continue;
                }

                var massOnLeft = comparison.OperatorKind is BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual;
                if (!exceeds)
                {
                    massOnLeft = !massOnLeft;
                }

                var mass = massOnLeft ? comparison.LeftOperand : comparison.RightOperand;
                var threshold = massOnLeft ? comparison.RightOperand : comparison.LeftOperand;
                if (IncludedAccumulator(mass, accumulations, statementIndex) is { } accumulator
                    && IsTopPThreshold(threshold, massIsProbability: _probabilityMass.Contains(accumulator)))
                {
                    return comparison;
                }
            }

            return null;
        }

        // The accumulator whose mass, as tested, includes the current token; null when it does not.
        private static ISymbol? IncludedAccumulator(IOperation mass, Dictionary<ISymbol, List<int>> accumulations, int statementIndex)
        {
            var unwrapped = mass.Unwrap();
            if (unwrapped is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } addition)
            {
                // cum + p[i]: the accumulated mass plus the token being considered.
                if (addition.LeftOperand.Unwrap().ReferencedSymbol() is { } left && accumulations.ContainsKey(left))
                {
                    return left;
                }

                return addition.RightOperand.Unwrap().ReferencedSymbol() is { } right && accumulations.ContainsKey(right) ? right : null;
            }

            // cum, after this iteration already added the current token.
            return statementIndex >= 0 && unwrapped.ReferencedSymbol() is { } symbol && accumulations.TryGetValue(symbol, out var indices)
                && indices[0] < statementIndex ? symbol : null;
        }

        /// <summary>
        /// A top-p threshold: named like one (<c>topP</c>, <c>top_p</c>, <c>p</c>, <c>*nucleus*</c>), or, when the
        /// accumulated mass is known to be probabilities, also <c>*threshold*</c>/<c>*cutoff*</c> or a
        /// constant. Never a random draw (<c>u &lt; cum + p[i]</c> is inverse-CDF sampling).
        /// </summary>
        private bool IsTopPThreshold(IOperation threshold, bool massIsProbability)
        {
            if (threshold.Type?.SpecialType is not (SpecialType.System_Single or SpecialType.System_Double))
            {
                return false;
            }

            var strong = false;
            var weak = false;
            foreach (var node in Flow.DataSlice(threshold))
            {
                if (node is IInvocationOperation { TargetMethod.Name: "NextDouble" or "NextSingle" })
                {
                    return false;
                }

                if (node.ReferencedSymbol() is { } symbol)
                {
                    var name = OperationHelpers.NormalizedName(symbol.Name);
                    strong |= name is "p" or "topp" || name.Contains("topp", StringComparison.Ordinal) || name.Contains("nucleus", StringComparison.Ordinal);
                    weak |= name.Contains("threshold", StringComparison.Ordinal) || name.Contains("cutoff", StringComparison.Ordinal) || name == "minmass";
                }
            }

            return strong || (massIsProbability && (weak || threshold.Unwrap()?.ConstantValue.HasValue == true));
        }

        /// <summary>The condition (or the member) makes sure one token is kept: <c>count &gt; 0 &amp;&amp; …</c>, <c>i == 0 ||</c>, <c>Math.Max(count, 1)</c>.</summary>
        private bool KeepsOne(IOperation condition, ILoopOperation loop)
        {
            foreach (var node in condition.SelfAndDescendants())
            {
                if (node is IBinaryOperation comparison && (IsRelational(comparison.OperatorKind) || comparison.OperatorKind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals)
                    && (IsCountAgainstZeroOrOne(comparison.LeftOperand, comparison.RightOperand) || IsCountAgainstZeroOrOne(comparison.RightOperand, comparison.LeftOperand)))
                {
                    return true;
                }
            }

            // After the loop: if (count == 0) count = 1; / Math.Max(count, 1) on what the loop counts.
            var counted = CountedSymbols(loop);
            foreach (var node in _patterns.Operations)
            {
                switch (node)
                {
                    case IInvocationOperation { TargetMethod.Name: "Max" } max when max.Arguments.Length == 2
                        && (max.Arguments[0].Value.IsNumber(1) || max.Arguments[1].Value.IsNumber(1))
                        && (RefersToAny(max.Arguments[0].Value, counted) || RefersToAny(max.Arguments[1].Value, counted)):
                        return true;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual } comparison
                        when !comparison.IsWithin(loop) && (comparison.RightOperand.IsNumber(0) || comparison.RightOperand.IsNumber(1))
                        && RefersToAny(comparison.LeftOperand, counted):
                        return true;
                }
            }

            return false;
        }

        private static bool IsCountAgainstZeroOrOne(IOperation count, IOperation constant) =>
            (constant.IsNumber(0) || constant.IsNumber(1)) && !count.ConstantValue.HasValue
            && count.Type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;

        // What a loop counts: incremented ints, collections added to, arrays written, and its own index variables.
        private HashSet<ISymbol> CountedSymbols(ILoopOperation loop)
        {
            var counted = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var local in loop.Locals)
            {
                counted.Add(local);
            }

            foreach (var node in loop.SelfAndDescendants())
            {
                switch (node)
                {
                    case IIncrementOrDecrementOperation increment when increment.Target.Unwrap().ReferencedSymbol() is { } symbol:
                        counted.Add(symbol);
                        break;
                    case IInvocationOperation { TargetMethod.Name: "Add" or "Push" or "Enqueue" } add when Flow.StorageSymbol(add.Instance) is { } list:
                        counted.Add(list);
                        break;
                    case ISimpleAssignmentOperation assignment when IsElementWrite(assignment.Value) && Flow.StorageSymbol(assignment.Target) is { } array:
                        counted.Add(array);
                        break;
                }
            }

            return counted;
        }

        private bool RefersToAny(IOperation operation, HashSet<ISymbol> symbols)
        {
            foreach (var node in operation.SelfAndDescendants())
            {
                var symbol = node is IPropertyReferenceOperation { Property.Name: "Count" or "Length", Instance: { } instance }
                    ? Flow.StorageSymbol(instance)
                    : node.ReferencedSymbol();
                if (symbol is not null && symbols.Contains(symbol))
                {
                    return true;
                }
            }

            return false;
        }

        // The branch leaves the loop: break (of this loop, not of a switch inside it) or return.
        private static bool Exits(IOperation branch, ILoopOperation loop)
        {
            foreach (var node in branch.SelfAndDescendants())
            {
                if (node is IReturnOperation { Kind: OperationKind.Return })
                {
                    return true;
                }

                if (node is IBranchOperation { BranchKind: BranchKind.Break } exit && Enclosing<ILoopOperation>(exit) == loop
                    && (Enclosing<ISwitchOperation>(exit) is not { } inner || !inner.IsWithin(loop)))
                {
                    return true;
                }
            }

            return false;
        }

        // The branch zeroes a probability or bans a token: p[i] = 0, logits[j] = -inf, keep[i] = false.
        private static bool ZeroesAnElement(IOperation branch)
        {
            foreach (var node in branch.SelfAndDescendants())
            {
                if (node is ISimpleAssignmentOperation assignment
                    && assignment.Target.Unwrap() is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true })
                {
                    var value = assignment.Value.Unwrap();
                    if (value.IsNumber(0) || (value?.ConstantValue.Value is false)
                        || (value.TryGetNumber(out var number) && double.IsNegativeInfinity(number))
                        || value is IFieldReferenceOperation { Field.Name: "NegativeInfinity" })
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        // A statement after the check counts the token in: count++, kept.Add(i), keep[i] = true, indices[n] = i, cum += p[i].
        private static bool IncludesAfter(ImmutableArray<IOperation> statements, int index, Dictionary<ISymbol, List<int>> accumulations)
        {
            for (var i = index + 1; i < statements.Length; i++)
            {
                foreach (var node in statements[i].SelfAndDescendants())
                {
                    switch (node)
                    {
                        case IIncrementOrDecrementOperation:
                        case IInvocationOperation { TargetMethod.Name: "Add" or "Push" or "Enqueue" }:
                            return true;
                        case ISimpleAssignmentOperation assignment when assignment.Target.Unwrap() is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true }:
                            return true;
                        case ICompoundAssignmentOperation compound when compound.Target.Unwrap().ReferencedSymbol() is { } symbol
                            && (accumulations.ContainsKey(symbol) || (compound.Value.IsNumber(1) && compound.OperatorKind == BinaryOperatorKind.Add)):
                            return true;
                    }
                }
            }

            return false;
        }

        // ================= TorchSharp =================

        // cumsum(sorted) > p as the removal mask, never shifted: the first token is removed when its probability alone exceeds p.
        private void CheckTorchCumulativeMask(IOperation comparison, BinaryOperatorKind kind, IOperation left, IOperation right)
        {
            // cdf > u with a random u is inverse-CDF sampling, not a nucleus: the threshold must look like top-p.
            if (kind is not (BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual) || Calls.IsTensor(right.Unwrap()?.Type)
                || left.Unwrap() is IBinaryOperation || !IsCumulativeSum(left) || right.Unwrap() is not { } threshold
                || !IsTopPThreshold(threshold, massIsProbability: true))
            {
                return;
            }

            // A mask stored and then edited (mask[..., 0] = false, shifted by one) keeps the first token.
            if (Flow.TargetOfWrite(comparison) is { } mask && Flow.WritesOf(mask).Count > 1)
            {
                return;
            }

            Report(comparison, EmptyTorchNucleus);
        }

        private bool IsCumulativeSum(IOperation operation)
        {
            foreach (var node in Flow.Origins(operation))
            {
                if (node is IInvocationOperation invocation && Calls.IsTorch(invocation.TargetMethod, "cumsum"))
                {
                    return true;
                }
            }

            return false;
        }

        // ================= helpers =================

        private static bool IsRelational(BinaryOperatorKind kind) => kind is BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
            or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual;

        private static bool Refers(IOperation? operation, ISymbol? symbol) =>
            symbol is not null && SymbolEqualityComparer.Default.Equals(operation.Unwrap().ReferencedSymbol(), symbol);

        private static T? Enclosing<T>(IOperation operation)
            where T : class, IOperation
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is T match)
                {
                    return match;
                }

                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return null;
                }
            }

            return null;
        }

        private static bool IsProbabilityName(ISymbol? symbol)
        {
            if (symbol is null)
            {
                return false;
            }

            var name = OperationHelpers.NormalizedName(symbol.Name);
            return name.Contains("prob", StringComparison.Ordinal) || name is "p" or "ps" or "dist" or "distribution" or "weights" or "sortedp" or "pi";
        }
    }
}
