using System.Collections.Generic;
using System.Collections.Immutable;
using LmProb.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LmProb.Analyzers.Rules;

/// <summary>
/// LMP007: binary cross-entropy computed from sigmoid probabilities instead of from the logit.
/// </summary>
/// <remarks>
/// Reported:
/// <list type="bullet">
/// <item>one expression holding <c>log(s)</c> and <c>log(1 - s)</c> of the same sigmoid
/// (<c>-(y * log(s) + (1 - y) * log(1 - s))</c>, <c>y ? -log(s) : -log(1 - s)</c>, TorchSharp
/// <c>(1 - p).log()</c>), once, on the whole expression;</item>
/// <item>any other <c>log(1 - s)</c>, and a <c>log(s)</c> whose sigmoid also has a <c>log(1 - s)</c>
/// in the method (the two branches of an <c>if</c>), each on its log;</item>
/// <item>TorchSharp <c>binary_cross_entropy(sigmoid(x), y)</c> and the <c>BCELoss</c> module given a sigmoid.</item>
/// </list>
/// <c>s</c> is any sigmoid of <see cref="Patterns.TryGetSigmoid"/>, through locals, arrays and loops,
/// with or without an epsilon (<c>log(s + 1e-7)</c>). A lone <c>log(sigmoid(x))</c> (a log-sigmoid, as in
/// a DPO loss) is not reported.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BinaryCrossEntropyFromProbabilitiesAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.BinaryCrossEntropyFromProbabilities);

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

    /// <summary>A log of a sigmoid probability (<c>log(s)</c>) or of its complement (<c>log(1 - s)</c>).</summary>
    private sealed class Term
    {
        public Term(IInvocationOperation log, IOperation site, bool complement, IOperation sigmoid, IOperation? logit, IOperation probability, bool inline)
        {
            Inline = inline;
            Log = log;
            Site = site;
            Complement = complement;
            Sigmoid = sigmoid;
            Logit = logit;
            Probability = probability;
        }

        public IInvocationOperation Log { get; }
        public IOperation Site { get; }
        public bool Complement { get; }
        public IOperation Sigmoid { get; }
        public IOperation? Logit { get; }

        /// <summary>The <c>s</c> this term reads (<c>s</c> itself, or the <c>s</c> in <c>1 - s</c>).</summary>
        public IOperation Probability { get; }

        /// <summary>The log's argument is <c>s</c>, or <c>1 - s</c> written out (an inline epsilon allowed), not a variable holding <c>1 - s</c>.</summary>
        public bool Inline { get; }

        public bool Reported { get; set; }

        public bool SameSource(Term other) =>
            Sigmoid == other.Sigmoid
            || (Logit is not null && other.Logit is not null && SyntaxFactory.AreEquivalent(Logit.Syntax, other.Logit.Syntax));
    }

    private static void Analyze(OperationBlockAnalysisContext context, WellKnownSymbols symbols)
    {
        var patterns = Patterns.Create(context.OperationBlocks, symbols, context.CancellationToken);
        if (!HasSigmoid(patterns))
        {
            return; // most methods: no sigmoid, so no log needs tracing
        }

        var terms = new List<Term>();
        foreach (var operation in patterns.Operations)
        {
            if (operation is not IInvocationOperation invocation)
            {
                continue;
            }

            if (patterns.TryGetLog(invocation, out var input, out var site))
            {
                if (TryGetTerm(patterns, invocation, site, input) is { } term)
                {
                    terms.Add(term);
                }
            }
            else if (IsTorchBinaryCrossEntropy(patterns.Calls, invocation, out var module)
                && patterns.TryGetSigmoidOrigin(invocation.Argument(0), out var sigmoid, out var logit))
            {
                var fix = !module && FixableLogit(patterns, invocation.Argument(0)!, sigmoid!, logit, invocation) is { } available
                    ? new[] { invocation.Argument(0), available }
                    : null;
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.BinaryCrossEntropyFromProbabilities,
                    invocation.Syntax.GetLocation(),
                    Reporting.Locations(fix ?? System.Array.Empty<IOperation?>()),
                    Reporting.Fix(fix is null ? null : DiagnosticProperties.UseTorchBceWithLogits),
                    Reporting.Text(invocation)));
            }
        }

        ReportTerms(context, patterns, terms);
    }

    private static bool HasSigmoid(Patterns patterns)
    {
        foreach (var operation in patterns.Operations)
        {
            if (patterns.TryGetSigmoid(operation, out _))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTorchBinaryCrossEntropy(KnownCalls calls, IInvocationOperation invocation, out bool module)
    {
        module = false;
        if (calls.IsTorch(invocation.TargetMethod, "binary_cross_entropy"))
        {
            return true;
        }

        module = invocation.TargetMethod.Name is "forward" or "call" && calls.IsTorchModule(invocation.Instance?.Type, "BCELoss");
        return module;
    }

    private static Term? TryGetTerm(Patterns patterns, IInvocationOperation log, IOperation site, IOperation? input)
    {
        foreach (var node in patterns.Flow.Origins(input))
        {
            // log(s + eps), log(1 - s + eps): look at what the epsilon guards.
            if (patterns.TryGetEpsilonFloor(node, out var guarded))
            {
                foreach (var candidate in patterns.Flow.Origins(guarded))
                {
                    if (TryGetTerm(patterns, log, site, candidate, guarded!, readInline: node == input.Unwrap()) is { } term)
                    {
                        return term;
                    }
                }
            }
            else if (TryGetTerm(patterns, log, site, node, input!, readInline: true) is { } term)
            {
                return term;
            }
        }

        return null;
    }

    // node is a sigmoid (log(s)) or one minus a sigmoid (log(1 - s)); read is what the log reads, and
    // readInline says it is the log's own argument (or the value its inline epsilon guards).
    private static Term? TryGetTerm(Patterns patterns, IInvocationOperation log, IOperation site, IOperation node, IOperation read, bool readInline)
    {
        if (patterns.TryGetSigmoid(node, out var logit))
        {
            return new Term(log, site, complement: false, node, logit, read, readInline);
        }

        if (patterns.TryGetComplement(node, out var complemented) && patterns.TryGetSigmoidOrigin(complemented, out var sigmoid, out logit))
        {
            return new Term(log, site, complement: true, sigmoid!, logit, complemented!, readInline && node == read.Unwrap());
        }

        return null;
    }

    private static void ReportTerms(OperationBlockAnalysisContext context, Patterns patterns, List<Term> terms)
    {
        // Both terms in one expression: one diagnostic on the whole loss.
        foreach (var complement in terms)
        {
            if (!complement.Complement || complement.Reported)
            {
                continue;
            }

            foreach (var positive in terms)
            {
                if (positive.Complement || positive.Reported || !positive.SameSource(complement)
                    || CommonExpression(positive.Log, complement.Log) is not { } common)
                {
                    continue;
                }

                var loss = WithLeadingMinus(common);
                var fix = TryGetBinaryCrossEntropyFix(patterns, loss, positive, complement);
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.BinaryCrossEntropyFromProbabilities,
                    loss.Syntax.GetLocation(),
                    Reporting.Locations(fix ?? System.Array.Empty<IOperation?>()),
                    Reporting.Fix(fix is null ? null : DiagnosticProperties.UseBceWithLogits),
                    Reporting.Text(loss)));
                positive.Reported = complement.Reported = true;
                break;
            }
        }

        // Terms on their own: every log(1 - s), and a log(s) whose sigmoid also has a log(1 - s) somewhere.
        foreach (var term in terms)
        {
            if (term.Reported || (!term.Complement && !terms.Exists(t => t.Complement && t.SameSource(term))))
            {
                continue;
            }

            term.Reported = true;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.BinaryCrossEntropyFromProbabilities, term.Site.Syntax.GetLocation(), Reporting.Text(term.Site)));
        }
    }

    // The smallest expression holding both logs, within one statement.
    private static IOperation? CommonExpression(IOperation a, IOperation b)
    {
        for (var current = a.Parent; current is not null && IsExpression(current); current = current.Parent)
        {
            if (b.IsWithin(current))
            {
                return current;
            }
        }

        return null;
    }

    private static bool IsExpression(IOperation operation) =>
        operation.Type is not null && operation is not (IAnonymousFunctionOperation or IDelegateCreationOperation or IInvocationOperation { Type.SpecialType: SpecialType.System_Void });

    // -(y * log(s) + ...): report and replace the negation too.
    private static IOperation WithLeadingMinus(IOperation expression)
    {
        var current = expression;
        while (current.Parent is IConversionOperation { IsImplicit: true } or IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus })
        {
            if (current.Parent is IUnaryOperation minus)
            {
                return minus;
            }

            current = current.Parent;
        }

        return expression;
    }

    /// <summary>
    /// When <paramref name="loss"/> is exactly <c>-(y * log(s) + (1 - y) * log(1 - s))</c> (in any
    /// arrangement of signs, order and parentheses) over float scalars, the additional locations of the
    /// rewrite to <c>Loss.BinaryCrossEntropyWithLogits(x, y)</c>: the logit (or the logits collection and
    /// the element of <c>s</c> whose index it takes) and <c>y</c>.
    /// </summary>
    private static IOperation?[]? TryGetBinaryCrossEntropyFix(Patterns patterns, IOperation loss, Term positive, Term complement)
    {
        if (patterns.Calls.Symbols.Loss is null || !positive.Inline || !complement.Inline
            || !IsScalarLog(patterns, positive.Log) || !IsScalarLog(patterns, complement.Log)
            || loss.Type?.SpecialType is not (SpecialType.System_Single or SpecialType.System_Double))
        {
            return null;
        }

        var products = new List<(int Sign, IOperation? Coefficient, IOperation Log)>();
        if (!CollectProducts(loss, 1, positive.Log, complement.Log, products, 0) || products.Count != 2)
        {
            return null;
        }

        var p = products.Find(t => t.Log == positive.Log);
        var c = products.Find(t => t.Log == complement.Log);
        if (p.Log is null || c.Log is null || p.Sign != -1 || c.Sign != -1 || p.Coefficient is not { } target
            || c.Coefficient?.Unwrap() is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } oneMinus
            || !oneMinus.LeftOperand.IsNumber(1) || !SyntaxFactory.AreEquivalent(oneMinus.RightOperand.Unwrap()!.Syntax, target.Unwrap()!.Syntax)
            || !IsFloatCompatible(target.Unwrap()!.Type) || !IsPure(target))
        {
            return null;
        }

        // s must be read the same way in both logs (s and 1 - s of one variable or one inline sigmoid).
        if (!SyntaxFactory.AreEquivalent(positive.Probability.Unwrap()!.Syntax, complement.Probability.Unwrap()!.Syntax))
        {
            return null;
        }

        if (FixableLogit(patterns, positive.Probability, positive.Sigmoid, positive.Logit, loss) is { } logit
            && IsFloatCompatible(logit.Unwrap()!.Type) && IsPure(logit))
        {
            return new[] { logit, target.Unwrap() };
        }

        if (ElementwiseLogits(patterns, positive.Probability, positive.Sigmoid, loss) is { } logits)
        {
            return new[] { logits, target.Unwrap(), positive.Probability.Unwrap() };
        }

        return null;
    }

    private static bool IsScalarLog(Patterns patterns, IInvocationOperation log) =>
        patterns.Calls.IsScalarMath(log.TargetMethod, "Log") && log.Arguments.Length == 1;

    private static bool IsFloatCompatible(ITypeSymbol? type) =>
        type?.SpecialType is SpecialType.System_Single or SpecialType.System_Int32 or SpecialType.System_Int16 or SpecialType.System_Byte
            or SpecialType.System_SByte or SpecialType.System_UInt16;

    // Flattens sums, differences and negations into signed products coefficient * log.
    private static bool CollectProducts(IOperation? operation, int sign, IOperation positiveLog, IOperation complementLog, List<(int, IOperation?, IOperation)> products, int depth)
    {
        operation = operation.Unwrap();
        if (operation is null || depth > 8)
        {
            return false;
        }

        switch (operation)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } minus:
                return CollectProducts(minus.Operand, -sign, positiveLog, complementLog, products, depth + 1);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } sum:
                return CollectProducts(sum.LeftOperand, sign, positiveLog, complementLog, products, depth + 1)
                    && CollectProducts(sum.RightOperand, sign, positiveLog, complementLog, products, depth + 1);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference:
                return CollectProducts(difference.LeftOperand, sign, positiveLog, complementLog, products, depth + 1)
                    && CollectProducts(difference.RightOperand, -sign, positiveLog, complementLog, products, depth + 1);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product:
                foreach (var (log, coefficient) in new[] { (product.RightOperand, product.LeftOperand), (product.LeftOperand, product.RightOperand) })
                {
                    var unwrapped = log.Unwrap();
                    if (unwrapped == positiveLog || unwrapped == complementLog)
                    {
                        var factor = coefficient.Unwrap();
                        while (factor is IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negated)
                        {
                            sign = -sign;
                            factor = negated.Operand.Unwrap();
                        }

                        products.Add((sign, factor, unwrapped!));
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// The logit of the sigmoid behind <paramref name="probability"/>, when a rewrite at
    /// <paramref name="site"/> may read it: the sigmoid is inline, or a local holds it and its logit is
    /// made of locals, parameters and constants that nothing writes in between.
    /// </summary>
    private static IOperation? FixableLogit(Patterns patterns, IOperation probability, IOperation sigmoid, IOperation? logit, IOperation site)
    {
        if (logit is null || sigmoid is IInvocationOperation { Type.SpecialType: SpecialType.System_Void })
        {
            return null; // TensorPrimitives.Sigmoid writes a span: see ElementwiseLogits
        }

        if (sigmoid.IsWithin(site))
        {
            return logit;
        }

        if (probability.Unwrap() is ILocalReferenceOperation local && OnlyWrite(patterns, local.Local, sigmoid)
            && IsStable(patterns, logit, sigmoid, site))
        {
            return logit;
        }

        return null;
    }

    /// <summary>
    /// <c>s[i]</c> of an array of sigmoids of <c>x</c> taken element by element
    /// (<c>TensorPrimitives.Sigmoid(x, s)</c>, or <c>s[j] = sigmoid(x[j])</c> in a loop): the logit of
    /// <c>s[i]</c> is <c>x[i]</c>; returns <c>x</c> when it is a plain variable unchanged in between.
    /// </summary>
    private static IOperation? ElementwiseLogits(Patterns patterns, IOperation probability, IOperation sigmoid, IOperation site)
    {
        var array = probability.Unwrap() switch
        {
            IArrayElementReferenceOperation { Indices.Length: 1 } element => element.ArrayReference.Unwrap(),
            IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1 } indexer => indexer.Instance.Unwrap(),
            _ => null,
        };
        if (array is not (ILocalReferenceOperation or IParameterReferenceOperation) || !Patterns.IsSimplyIndexed(probability))
        {
            return null;
        }

        IOperation? logits = null;
        if (sigmoid is IInvocationOperation invocation && patterns.Calls.IsTensorPrimitives(invocation.TargetMethod, "Sigmoid"))
        {
            logits = invocation.Argument(0).Unwrap();
        }
        else if (sigmoid.Parent is ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { Indices.Length: 1 } written } assignment
            && assignment.Value == sigmoid && patterns.TryGetSigmoid(sigmoid, out var logit)
            && logit.Unwrap() is IArrayElementReferenceOperation { Indices.Length: 1 } read
            && read.Indices[0].Unwrap() is ILocalReferenceOperation readIndex && written.Indices[0].Unwrap() is ILocalReferenceOperation writtenIndex
            && SymbolEqualityComparer.Default.Equals(readIndex.Local, writtenIndex.Local))
        {
            logits = read.ArrayReference.Unwrap();
        }

        if (logits is not (ILocalReferenceOperation or IParameterReferenceOperation) || KnownCalls.ElementType(logits.Type)?.SpecialType != SpecialType.System_Single
            || !OnlyWrite(patterns, array!.ReferencedSymbol()!, sigmoid) || !patterns.Flow.IsUnchangedBetween(logits.ReferencedSymbol()!, sigmoid, site))
        {
            return null;
        }

        return logits;
    }

    // Every write of the variable is the sigmoid or an allocation with no values (new float[n]).
    private static bool OnlyWrite(Patterns patterns, ISymbol symbol, IOperation sigmoid)
    {
        foreach (var write in patterns.Flow.WritesOf(symbol))
        {
            if (write != sigmoid && write.Unwrap() is not IArrayCreationOperation { Initializer: null })
            {
                return false;
            }
        }

        return true;
    }

    // No calls, assignments or increments: reading it once instead of twice changes nothing.
    private static bool IsPure(IOperation expression)
    {
        foreach (var node in expression.SelfAndDescendants())
        {
            if (node is not (ILiteralOperation or IConversionOperation or IBinaryOperation or IUnaryOperation or IArrayElementReferenceOperation
                or ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: false }))
            {
                return false;
            }
        }

        return true;
    }

    // Made of constants, locals and parameters (element access included) that nothing writes between from and to.
    private static bool IsStable(Patterns patterns, IOperation expression, IOperation from, IOperation to)
    {
        foreach (var node in expression.SelfAndDescendants())
        {
            switch (node)
            {
                case ILiteralOperation:
                case IConversionOperation:
                case IBinaryOperation { OperatorMethod: null }:
                case IUnaryOperation { OperatorMethod: null }:
                case IArrayElementReferenceOperation:
                case IFieldReferenceOperation { Field.IsConst: true }:
                    continue;
                case ILocalReferenceOperation or IParameterReferenceOperation:
                    if (!patterns.Flow.IsUnchangedBetween(node.ReferencedSymbol()!, from, to))
                    {
                        return false;
                    }

                    continue;
                default:
                    return false;
            }
        }

        return true;
    }
}
