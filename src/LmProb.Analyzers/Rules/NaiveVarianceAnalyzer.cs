using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using LmProb.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Rules;

/// <summary>
/// LMP010: a variance computed as <c>E[x²] - E[x]²</c> (or <c>Σx² - (Σx)²/n</c>).
/// </summary>
/// <remarks>
/// <para>
/// Reported: a subtraction whose left side is a sum or mean of squares of the elements of a
/// collection and whose right side is the square of a sum or mean of the same collection. Second
/// moments: an accumulator <c>s2 += x[i] * x[i]</c> (also <c>v * v</c> over <c>foreach</c> or a local
/// element, <c>Math(F).Pow(v, 2)</c>), <c>x.Select(v =&gt; v * v).Average()</c>, <c>x.Average(v =&gt; v * v)</c>,
/// <c>x.Sum(v =&gt; v * v)</c>, <c>TensorPrimitives.SumOfSquares(x)</c>, <c>TensorPrimitives.Dot(x, x)</c>,
/// TorchSharp <c>(x * x).mean()</c>, <c>x.pow(2).mean()</c>, <c>x.square().sum()</c>, each possibly
/// divided by a count. Squared first moments: <c>mean * mean</c>, <c>(sum / n) * (sum / n)</c>,
/// <c>n * mean * mean</c>, <c>sum * sum / n</c>, <c>Math.Pow(mean, 2)</c>, TorchSharp
/// <c>x.mean().pow(2)</c>/<c>square()</c>, or the square of a variable named like a mean when its
/// origin is not visible.
/// </para>
/// <para>
/// Not reported: the two-pass <c>Σ(x - mean)² / n</c> and Welford's update (the squares are of
/// differences, not of elements), <c>E[xy] - E[x]E[y]</c> (different collections), integer arithmetic.
/// </para>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NaiveVarianceAnalyzer : DiagnosticAnalyzer
{
    private const int MaxDepth = 4;
    private const int MaxProductLeaves = 8;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.NaiveVariance);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = WellKnownSymbols.Get(start.Compilation);
            start.RegisterOperationBlockAction(block => AnalyzerGuard.Run(block, symbols, Analyze));
        });
    }

    private static void Analyze(OperationBlockAnalysisContext context, WellKnownSymbols symbols)
    {
        if (!HasFloatingSubtraction(context.OperationBlocks))
        {
            return;
        }

        var moments = new Moments(Patterns.Create(context.OperationBlocks, symbols, context.CancellationToken));
        foreach (var operation in moments.Patterns.Operations)
        {
            if (operation is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } subtraction
                || !IsFloatingOrTensor(subtraction.Type, moments.Calls)
                || !moments.TryGetSecondMoment(subtraction.LeftOperand, 0, out var squares)
                || !moments.TryGetSquaredFirstMoment(subtraction.RightOperand, out var squaredMean)
                || (squares.Source is not null && squaredMean.Source is not null
                    && !SymbolEqualityComparer.Default.Equals(squares.Source, squaredMean.Source)))
            {
                continue;
            }

            var fix = CanUseMetricsVariance(moments, subtraction, squares, squaredMean) ? DiagnosticProperties.UseVariance : null;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.NaiveVariance,
                subtraction.Syntax.GetLocation(),
                Reporting.Locations(fix is null ? null : squares.Reference),
                Reporting.Fix(fix),
                Reporting.Text(subtraction)));
        }
    }

    // Cheap pre-check before the value flow is built.
    private static bool HasFloatingSubtraction(ImmutableArray<IOperation> blocks)
    {
        foreach (var block in blocks)
        {
            if (block is null)
            {
                continue;
            }

            foreach (var operation in block.SelfAndDescendants())
            {
                if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } subtraction
                    && subtraction.Type is { SpecialType: not (SpecialType.System_Int32 or SpecialType.System_Int64) })
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsFloatingOrTensor(ITypeSymbol? type, KnownCalls calls) =>
        type is not null
        && (type.SpecialType is SpecialType.System_Single or SpecialType.System_Double
            || KnownCalls.Is(type, calls.Symbols.Half) || calls.IsTensor(type)
            || type.TypeKind == TypeKind.TypeParameter);

    /// <summary>
    /// <c>Metrics.Variance(x)</c> replaces the subtraction exactly when it is the population variance
    /// of all of <c>x</c> (a float, Half or BFloat16 array or span): mean of squares over every element
    /// divided by <c>x.Length</c> (or <c>Average</c>) minus the square of the mean computed the same way.
    /// </summary>
    private static bool CanUseMetricsVariance(Moments moments, IBinaryOperation subtraction, Moment squares, Moment squaredMean)
    {
        var symbols = moments.Calls.Symbols;
        if (symbols.Metrics is null || symbols.Metrics.GetMembers("Variance").IsEmpty
            || subtraction.Type?.SpecialType is not (SpecialType.System_Single or SpecialType.System_Double)
            || !squares.IsMeanOverAll || !squaredMean.IsMeanOverAll || squares.Reference is null
            || !SymbolEqualityComparer.Default.Equals(squares.Source, squaredMean.Source))
        {
            return false;
        }

        // The moments must be computed here: a mean or mean of squares kept in a field or property
        // may hold another member's value, which this member-local analysis cannot see.
        foreach (var node in subtraction.SelfAndDescendants())
        {
            var member = node switch
            {
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation { Property.Name: not ("Length" or "Count" or "LongLength") } property => property.Property,
                _ => (ISymbol?)null,
            };
            if (member is not null && !SymbolEqualityComparer.Default.Equals(member, squares.Source))
            {
                return false;
            }
        }

        var type = squares.Reference.Type;
        var element = KnownCalls.ElementType(type);
        var spanLike = type is IArrayTypeSymbol { Rank: 1 } || moments.Calls.IsSpan(type) || KnownCalls.Is(type, symbols.ReadOnlySpan);
        return spanLike && element is not null
            && (element.SpecialType == SpecialType.System_Single || KnownCalls.Is(element, symbols.Half) || KnownCalls.Is(element, symbols.BFloat16));
    }

    /// <summary>A sum or mean over a collection: of its elements (first moment) or of their squares (second).</summary>
    private readonly struct Moment
    {
        public Moment(ISymbol? source, IOperation? reference, bool normalized, bool overAll)
        {
            Source = source;
            Reference = reference;
            Normalized = normalized;
            OverAll = overAll;
        }

        /// <summary>The collection, or null when it cannot be named.</summary>
        public ISymbol? Source { get; }

        /// <summary>A plain reference to the collection (a local, parameter or field), for the fix.</summary>
        public IOperation? Reference { get; }

        /// <summary>Divided by a count (or an <c>Average</c>/<c>mean</c>).</summary>
        public bool Normalized { get; }

        /// <summary>Every element is summed once and the divisor is the collection's length.</summary>
        public bool OverAll { get; }

        public bool IsMeanOverAll => Normalized && OverAll;

        public Moment WithNormalization(bool overAll) => new(Source, Reference, normalized: true, OverAll && overAll);
    }

    /// <summary>The moment shapes, over one member's value flow.</summary>
    private sealed class Moments
    {
        public Moments(Patterns patterns)
        {
            Patterns = patterns;
            Calls = patterns.Calls;
        }

        public Patterns Patterns { get; }

        public KnownCalls Calls { get; }

        private ValueFlow Flow => Patterns.Flow;

        // ---- second moments: Σx², mean(x²)

        public bool TryGetSecondMoment(IOperation expression, int depth, out Moment moment)
        {
            moment = default;
            if (depth > MaxDepth)
            {
                return false;
            }

            foreach (var node in Flow.Origins(expression))
            {
                switch (node)
                {
                    case IInvocationOperation invocation when TryGetSecondMomentCall(invocation, out moment):
                        return true;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division
                        when TryGetSecondMoment(division.LeftOperand, depth + 1, out var sum) && !sum.Normalized:
                        moment = sum.WithNormalization(IsLengthOf(division.RightOperand, sum.Source, 0));
                        return true;
                    case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } accumulation
                        when TryGetSquaredElement(accumulation.Value, out var element):
                        moment = Accumulated(accumulation, element);
                        return true;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } addition
                        when SelfAccumulated(addition) is { } term && TryGetSquaredElement(term, out var element):
                        moment = Accumulated(addition, element);
                        return true;
                }
            }

            return false;
        }

        private bool TryGetSecondMomentCall(IInvocationOperation invocation, out Moment moment)
        {
            moment = default;
            var method = invocation.TargetMethod;
            if (Calls.IsEnumerable(method, "Average") || Calls.IsEnumerable(method, "Sum"))
            {
                var normalized = method.Name == "Average";
                var source = invocation.Argument(0);
                if (invocation.Argument(1).AsLambda() is { } selector)
                {
                    // x.Average(v => v * v)
                    if (AllReturnSquares(selector))
                    {
                        moment = Over(source, normalized);
                        return true;
                    }

                    return false;
                }

                // x.Select(v => v * v).Average()
                if (source.Unwrap() is IInvocationOperation select && Calls.IsEnumerable(select.TargetMethod, "Select")
                    && select.Argument(1).AsLambda() is { } projection && AllReturnSquares(projection))
                {
                    moment = Over(select.Argument(0), normalized);
                    return true;
                }

                return false;
            }

            if (Calls.IsTensorPrimitives(method, "SumOfSquares"))
            {
                moment = Over(invocation.Argument(0), normalized: false);
                return true;
            }

            if (Calls.IsTensorPrimitives(method, "Dot") && SameSymbol(invocation.Argument(0), invocation.Argument(1)))
            {
                moment = Over(invocation.Argument(0), normalized: false);
                return true;
            }

            if ((Calls.IsTorch(method, "mean") || Calls.IsTorch(method, "sum"))
                && TryGetSquaredTensor(invocation.Instance ?? invocation.Argument(0), out var tensor))
            {
                moment = new Moment(Flow.SourceSymbol(tensor), null, normalized: method.Name == "mean", overAll: false);
                return true;
            }

            return false;
        }

        private bool AllReturnSquares(IAnonymousFunctionOperation lambda)
        {
            var any = false;
            foreach (var value in lambda.ReturnedValues())
            {
                if (!TryGetSquaredElement(value, out _))
                {
                    return false;
                }

                any = true;
            }

            return any;
        }

        // ---- first moments: Σx, mean(x)

        public bool TryGetFirstMoment(IOperation? expression, int depth, out Moment moment)
        {
            moment = default;
            if (expression is null || depth > MaxDepth)
            {
                return false;
            }

            foreach (var node in Flow.Origins(expression))
            {
                switch (node)
                {
                    case IInvocationOperation invocation when TryGetFirstMomentCall(invocation, out moment):
                        return true;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division
                        when TryGetFirstMoment(division.LeftOperand, depth + 1, out var sum) && !sum.Normalized:
                        moment = sum.WithNormalization(IsLengthOf(division.RightOperand, sum.Source, 0));
                        return true;
                    case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } accumulation
                        when TryGetElement(accumulation.Value, out var element):
                        moment = Accumulated(accumulation, element);
                        return true;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } addition
                        when SelfAccumulated(addition) is { } term && TryGetElement(term, out var element):
                        moment = Accumulated(addition, element);
                        return true;
                }
            }

            return false;
        }

        private bool TryGetFirstMomentCall(IInvocationOperation invocation, out Moment moment)
        {
            moment = default;
            var method = invocation.TargetMethod;
            if (Calls.IsEnumerable(method, "Average") || Calls.IsEnumerable(method, "Sum"))
            {
                var source = invocation.Argument(0);
                if (invocation.Argument(1) is { } selector && !IsIdentity(selector))
                {
                    return false;
                }

                if (source.Unwrap() is IInvocationOperation { TargetMethod.Name: "Select" })
                {
                    return false;
                }

                moment = Over(source, normalized: method.Name == "Average");
                return true;
            }

            if (Calls.IsTensorPrimitives(method, "Sum"))
            {
                moment = Over(invocation.Argument(0), normalized: false);
                return true;
            }

            if ((Calls.IsTorch(method, "mean") || Calls.IsTorch(method, "sum"))
                && (invocation.Instance ?? invocation.Argument(0)) is { } tensor && !TryGetSquaredTensor(tensor, out _))
            {
                moment = new Moment(Flow.SourceSymbol(tensor), null, normalized: method.Name == "mean", overAll: false);
                return true;
            }

            return false;
        }

        private static bool IsIdentity(IOperation selector) =>
            selector.AsLambda() is { } lambda && lambda.Symbol.Parameters.Length == 1
            && AllAre(lambda.ReturnedValues(), value => value.Unwrap() is IParameterReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Parameter, lambda.Symbol.Parameters[0]));

        private static bool AllAre(IEnumerable<IOperation> values, Func<IOperation, bool> predicate)
        {
            var any = false;
            foreach (var value in values)
            {
                if (!predicate(value))
                {
                    return false;
                }

                any = true;
            }

            return any;
        }

        // ---- squared first moments: mean², Σx·Σx / n, n·mean²

        public bool TryGetSquaredFirstMoment(IOperation expression, out Moment moment)
        {
            moment = default;
            foreach (var node in Flow.Origins(expression))
            {
                switch (node)
                {
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product when TryGetProductOfMeans(product, out moment):
                        return true;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division when TryGetSquaredFirstMoment(division.LeftOperand, out var squared):
                        // Σx·Σx / n is not a mean squared: no fix.
                        moment = new Moment(squared.Source, null, normalized: true, overAll: false);
                        return true;
                    case IInvocationOperation invocation when TryGetSquaredCall(invocation, out var squaredBase):
                        if (TryGetFirstMoment(squaredBase, 0, out moment) || IsNamedLikeAMean(squaredBase))
                        {
                            return true;
                        }

                        break;
                }
            }

            return false;
        }

        // mean * mean, (sum / n) * (sum / n), n * mean * mean: at least two factors are first moments of one collection.
        private bool TryGetProductOfMeans(IBinaryOperation product, out Moment moment)
        {
            moment = default;
            var leaves = new List<IOperation>();
            CollectFactors(product, leaves, 0);
            if (leaves.Count > MaxProductLeaves)
            {
                return false;
            }

            var means = new List<Moment>();
            var namedMeans = 0;
            foreach (var leaf in leaves)
            {
                if (TryGetFirstMoment(leaf, 0, out var mean))
                {
                    means.Add(mean);
                }
                else if (IsNamedLikeAMean(leaf))
                {
                    namedMeans++;
                }
            }

            if (means.Count >= 2)
            {
                for (var i = 1; i < means.Count; i++)
                {
                    if (means[i].Source is not null && means[0].Source is not null && !SymbolEqualityComparer.Default.Equals(means[i].Source, means[0].Source))
                    {
                        return false;
                    }
                }

                // Exactly mean * mean over all of x can become Metrics.Variance.
                var exact = leaves.Count == 2 && means[0].IsMeanOverAll && means[1].IsMeanOverAll;
                moment = new Moment(means[0].Source ?? means[1].Source, null, normalized: true, overAll: exact);
                return true;
            }

            // mean * mean with a mean whose origin is not visible (a parameter, a field).
            if (leaves.Count == 2 && means.Count == 0 && namedMeans == 2 && SameSymbol(leaves[0], leaves[1]))
            {
                moment = new Moment(null, null, normalized: true, overAll: false);
                return true;
            }

            return false;
        }

        private static void CollectFactors(IOperation operation, List<IOperation> leaves, int depth)
        {
            var unwrapped = operation.Unwrap()!;
            if (depth < MaxProductLeaves && unwrapped is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product)
            {
                CollectFactors(product.LeftOperand, leaves, depth + 1);
                CollectFactors(product.RightOperand, leaves, depth + 1);
            }
            else
            {
                leaves.Add(unwrapped);
            }
        }

        // Math.Pow(m, 2), MathF.Pow(m, 2f), float.Pow(m, 2), TorchSharp m.pow(2), m.square(), torch.square(m).
        private bool TryGetSquaredCall(IInvocationOperation invocation, out IOperation? squaredBase)
        {
            squaredBase = null;
            var method = invocation.TargetMethod;
            if (Calls.IsScalarMath(method, "Pow", 2) && invocation.Argument(1).IsNumber(2))
            {
                squaredBase = invocation.Argument(0);
                return true;
            }

            if (Calls.IsTorch(method, "pow") && invocation.Instance is { } instance && invocation.Argument(0).Unwrap().IsNumber(2))
            {
                squaredBase = instance;
                return true;
            }

            if (Calls.IsTorch(method, "square"))
            {
                squaredBase = invocation.Instance ?? invocation.Argument(0);
                return true;
            }

            return false;
        }

        private static bool IsNamedLikeAMean(IOperation? operation)
        {
            if (operation.Unwrap().ReferencedSymbol() is not { } symbol)
            {
                return false;
            }

            var name = OperationHelpers.NormalizedName(symbol.Name);
            return name.Contains("mean", StringComparison.Ordinal) || name.Contains("avg", StringComparison.Ordinal)
                || name.Contains("average", StringComparison.Ordinal) || name is "mu" or "m" or "ex" or "ex1";
        }

        // ---- elements and squares

        /// <summary><c>x[i] * x[i]</c>, <c>v * v</c>, <c>Math(F).Pow(v, 2)</c> with <c>v</c> an element.</summary>
        private bool TryGetSquaredElement(IOperation? expression, out Element element)
        {
            element = default;
            switch (expression.Unwrap())
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product:
                    return TryGetElement(product.LeftOperand, out element) && TryGetElement(product.RightOperand, out var other)
                        && SameElement(product.LeftOperand, product.RightOperand) && SymbolEqualityComparer.Default.Equals(element.Source, other.Source);
                case IInvocationOperation invocation when Calls.IsScalarMath(invocation.TargetMethod, "Pow", 2) && invocation.Argument(1).IsNumber(2):
                    return TryGetElement(invocation.Argument(0), out element);
                default:
                    return false;
            }
        }

        /// <summary>
        /// An element of a collection: <c>x[i]</c>, a <c>foreach</c> variable, a lambda parameter
        /// drawn from a collection, or a local holding one of those.
        /// </summary>
        private bool TryGetElement(IOperation? expression, out Element element) => TryGetElement(expression, 0, out element);

        private bool TryGetElement(IOperation? expression, int depth, out Element element)
        {
            element = default;
            var unwrapped = expression.Unwrap();
            if (unwrapped?.Type is not { } type || KnownCalls.ElementType(type) is not null || Calls.IsTensor(type) || depth > 2)
            {
                return false;
            }

            switch (unwrapped)
            {
                case IArrayElementReferenceOperation { Indices.Length: 1 } array:
                    element = new Element(Flow.StorageSymbol(array.ArrayReference), PlainReference(array.ArrayReference), IsFullIndex(array, array.Indices[0], array.ArrayReference));
                    return element.Source is not null;
                case IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1, Instance: { } instance } indexer:
                    element = new Element(Flow.StorageSymbol(instance), PlainReference(instance), IsFullIndex(indexer, indexer.Arguments[0].Value, instance));
                    return element.Source is not null;
                case IParameterReferenceOperation parameter when Flow.LambdaSource(parameter.Parameter) is { } collection:
                    element = new Element(Flow.SourceSymbol(collection), PlainReference(collection), overAll: PlainReference(collection) is not null);
                    return element.Source is not null;
                case ILocalReferenceOperation local:
                    var writes = Flow.WritesOf(local.Local);
                    if (writes.Count != 1)
                    {
                        return false;
                    }

                    if (writes[0].Parent is IForEachLoopOperation loop && loop.Collection == writes[0])
                    {
                        element = new Element(Flow.SourceSymbol(loop.Collection), PlainReference(loop.Collection), overAll: PlainReference(loop.Collection) is not null);
                        return element.Source is not null;
                    }

                    return TryGetElement(writes[0], depth + 1, out element);
                default:
                    return false;
            }
        }

        // The same value twice: one variable, or one collection at one index variable.
        private static bool SameElement(IOperation left, IOperation right)
        {
            var a = left.Unwrap();
            var b = right.Unwrap();
            switch (a)
            {
                case IArrayElementReferenceOperation { Indices.Length: 1 } x when b is IArrayElementReferenceOperation { Indices.Length: 1 } y:
                    return SameSymbol(x.ArrayReference, y.ArrayReference) && SameIndex(x.Indices[0], y.Indices[0]);
                case IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1 } x
                    when b is IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1 } y:
                    return SameSymbol(x.Instance, y.Instance) && SameIndex(x.Arguments[0].Value, y.Arguments[0].Value);
                default:
                    return a.ReferencedSymbol() is { } symbol && SymbolEqualityComparer.Default.Equals(symbol, b.ReferencedSymbol());
            }
        }

        private static bool SameIndex(IOperation a, IOperation b) =>
            (a.Unwrap().ReferencedSymbol() is { } symbol && SymbolEqualityComparer.Default.Equals(symbol, b.Unwrap().ReferencedSymbol()))
            || (a.TryGetNumber(out var x) && b.TryGetNumber(out var y) && x == y);

        private static bool SameSymbol(IOperation? a, IOperation? b) =>
            a.Unwrap().ReferencedSymbol() is { } symbol && SymbolEqualityComparer.Default.Equals(symbol, b.Unwrap().ReferencedSymbol());

        // TorchSharp x * x, x.pow(2), x.square(), torch.square(x), torch.pow(x, 2), x.mul(x).
        private bool TryGetSquaredTensor(IOperation? expression, out IOperation? tensor)
        {
            tensor = null;
            foreach (var node in Flow.Origins(expression))
            {
                switch (node)
                {
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product when Calls.IsTensor(product.Type)
                        && SameSymbol(product.LeftOperand, product.RightOperand):
                        tensor = product.LeftOperand;
                        return true;
                    case IInvocationOperation invocation when Calls.IsTensor(invocation.Type):
                        var method = invocation.TargetMethod;
                        if ((Calls.IsTorch(method, "pow") && (invocation.Instance is null ? invocation.Argument(1) : invocation.Argument(0)).Unwrap().IsNumber(2))
                            || Calls.IsTorch(method, "square"))
                        {
                            tensor = invocation.Instance ?? invocation.Argument(0);
                            return true;
                        }

                        if (Calls.IsTorch(method, "mul") && invocation.Instance is { } instance && SameSymbol(instance, invocation.Argument(0)))
                        {
                            tensor = instance;
                            return true;
                        }

                        break;
                }
            }

            return false;
        }

        // ---- accumulators, lengths, full passes

        private Moment Accumulated(IOperation accumulation, Element element) =>
            new(element.Source, element.Reference, normalized: false, overAll: element.OverAll && IsSoleAccumulation(accumulation));

        private Moment Over(IOperation? collection, bool normalized) =>
            new(Flow.SourceSymbol(collection), PlainReference(collection), normalized, overAll: PlainReference(collection) is not null);

        // s = s + term: the term.
        private IOperation? SelfAccumulated(IBinaryOperation addition)
        {
            var accumulator = Flow.TargetOfWrite(addition);
            if (accumulator is null)
            {
                return null;
            }

            if (SymbolEqualityComparer.Default.Equals(addition.LeftOperand.Unwrap().ReferencedSymbol(), accumulator))
            {
                return addition.RightOperand;
            }

            return SymbolEqualityComparer.Default.Equals(addition.RightOperand.Unwrap().ReferencedSymbol(), accumulator) ? addition.LeftOperand : null;
        }

        // The accumulator starts at 0, this is its only other write, and it runs once per loop iteration (not under an if).
        private bool IsSoleAccumulation(IOperation accumulation)
        {
            if (Flow.TargetOfWrite(accumulation) is not { } accumulator)
            {
                return false;
            }

            var writes = Flow.WritesOf(accumulator);
            if (writes.Count != 2 || !(writes[0] == accumulation ? writes[1] : writes[0]).IsNumber(0))
            {
                return false;
            }

            for (var current = accumulation.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case IExpressionStatementOperation:
                    case IBlockOperation:
                    case ISimpleAssignmentOperation:
                        continue;
                    case ILoopOperation:
                        return true;
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary><c>x.Length</c>, <c>x.Count</c>, <c>x.Count()</c>, <c>x.LongLength</c>, or a local holding one, for the collection <paramref name="source"/>.</summary>
        public bool IsLengthOf(IOperation? denominator, ISymbol? source, int depth)
        {
            if (source is null || depth > 2)
            {
                return false;
            }

            switch (denominator.Unwrap())
            {
                case IPropertyReferenceOperation { Property.Name: "Length" or "Count" or "LongLength", Instance: { } instance }:
                    return SymbolEqualityComparer.Default.Equals(Flow.StorageSymbol(instance), source);
                case IInvocationOperation invocation when Calls.IsEnumerable(invocation.TargetMethod, "Count") && invocation.Arguments.Length == 1:
                    return SymbolEqualityComparer.Default.Equals(Flow.StorageSymbol(invocation.Argument(0)), source);
                case ILocalReferenceOperation local:
                    var writes = Flow.WritesOf(local.Local);
                    return writes.Count == 1 && IsLengthOf(writes[0], source, depth + 1);
                default:
                    return false;
            }
        }

        // for (int i = 0; i < x.Length; i++) around the element read x[i].
        private bool IsFullIndex(IOperation element, IOperation index, IOperation collection)
        {
            if (index.Unwrap() is not ILocalReferenceOperation { Local: var i } || PlainReference(collection) is null)
            {
                return false;
            }

            for (var current = element.Parent; current is not null; current = current.Parent)
            {
                if (current is not IForLoopOperation loop || !loop.Locals.Contains(i, SymbolEqualityComparer.Default))
                {
                    continue;
                }

                return loop.Condition is IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan } condition
                    && SymbolEqualityComparer.Default.Equals(condition.LeftOperand.Unwrap().ReferencedSymbol(), i)
                    && IsLengthOf(condition.RightOperand, Flow.StorageSymbol(collection), 0)
                    && StartsAtZero(loop, i) && StepsByOne(loop, i);
            }

            return false;
        }

        private static bool StartsAtZero(IForLoopOperation loop, ILocalSymbol i)
        {
            foreach (var before in loop.Before)
            {
                foreach (var node in before.SelfAndDescendants())
                {
                    if (node is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, i))
                    {
                        return declarator.GetVariableInitializer()?.Value.IsNumber(0) == true;
                    }
                }
            }

            return false;
        }

        private static bool StepsByOne(IForLoopOperation loop, ILocalSymbol i)
        {
            if (loop.AtLoopBottom.Length != 1)
            {
                return false;
            }

            var step = loop.AtLoopBottom[0] is IExpressionStatementOperation statement ? statement.Operation : loop.AtLoopBottom[0];
            return step switch
            {
                IIncrementOrDecrementOperation { Kind: OperationKind.Increment } increment => SymbolEqualityComparer.Default.Equals(increment.Target.ReferencedSymbol(), i),
                ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound =>
                    SymbolEqualityComparer.Default.Equals(compound.Target.ReferencedSymbol(), i) && compound.Value.IsNumber(1),
                _ => false,
            };
        }

        /// <summary>The collection itself as a local, parameter or field (not a filtered view or a call), or null.</summary>
        private static IOperation? PlainReference(IOperation? collection) => collection.Unwrap() switch
        {
            ILocalReferenceOperation local => local,
            IParameterReferenceOperation parameter => parameter,
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field,
            _ => null,
        };
    }

    private readonly struct Element
    {
        public Element(ISymbol? source, IOperation? reference, bool overAll)
        {
            Source = source;
            Reference = reference;
            OverAll = overAll;
        }

        public ISymbol? Source { get; }

        public IOperation? Reference { get; }

        /// <summary>Read once for every index of the collection (<c>foreach</c>, <c>for (i = 0; i &lt; x.Length; i++)</c>, LINQ).</summary>
        public bool OverAll { get; }
    }
}
