using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LmProb.Analyzers;
using LmProb.CodeFixes.Internal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace LmProb.CodeFixes.Rules;

/// <summary>
/// LMP001: <c>Loss.CrossEntropy(logits, V, inputIds)</c> becomes <c>Loss.NextTokenLoss(logits, V, inputIds)</c>;
/// a target read <c>ids[t]</c> in <c>for (...; t &lt; n; ...)</c> becomes <c>ids[t + 1]</c> with the bound <c>n - 1</c>
/// (the last position has no next token).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnshiftedLabelsFixer)), Shared]
public sealed class UnshiftedLabelsFixer : CodeFixProvider
{
    private const string NextTokenTitle = "Use Loss.NextTokenLoss (shifts the labels)";
    private const string ShiftTitle = "Score position t against token t + 1";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnshiftedLabels);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix)
                || LmProbSyntax.NodeAt(root, diagnostic.Location.SourceSpan) is not ExpressionSyntax targets)
            {
                continue;
            }

            var document = context.Document;
            if (fix == DiagnosticProperties.UseNextTokenLoss && CrossEntropyCall(targets) is { } call)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(NextTokenTitle, ct => UseNextTokenLossAsync(document, call, ct), equivalenceKey: NextTokenTitle),
                    diagnostic);
            }
            else if (fix == DiagnosticProperties.ShiftIndex && targets is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } read
                && read.ArgumentList.Arguments[0].Expression is IdentifierNameSyntax position
                && TryGetLoop(read, position.Identifier.ValueText, out _, out _))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(ShiftTitle, ct => ShiftAsync(document, read, ct), equivalenceKey: ShiftTitle),
                    diagnostic);
            }
        }
    }

    // Loss.CrossEntropy(logits, V, targets[, options]) with targets the diagnostic's expression.
    private static InvocationExpressionSyntax? CrossEntropyCall(ExpressionSyntax targets)
    {
        if (targets.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } list }
            || list.Arguments.Count is < 3 or > 4)
        {
            return null;
        }

        var name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name,
            SimpleNameSyntax simple => simple,
            _ => null,
        };
        return name?.Identifier.ValueText == "CrossEntropy" ? invocation : null;
    }

    private static async Task<Document> UseNextTokenLossAsync(Document document, InvocationExpressionSyntax call, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var expression = call.Expression switch
        {
            MemberAccessExpressionSyntax member => (ExpressionSyntax)member.WithName(IdentifierName("NextTokenLoss").WithTriviaFrom(member.Name)),
            SimpleNameSyntax simple => IdentifierName("NextTokenLoss").WithTriviaFrom(simple),
            _ => call.Expression,
        };

        // NextTokenLoss(logits, vocabSize, inputIds, attentionMask = default, options = null): the
        // targets parameter is renamed and options moves from 4th to 5th, so name it.
        var arguments = call.ArgumentList.Arguments;
        var rewritten = SeparatedList<ArgumentSyntax>();
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (argument.NameColon is { Name.Identifier.ValueText: "targets" } targetsName)
            {
                argument = argument.WithNameColon(targetsName.WithName(IdentifierName("inputIds")));
            }
            else if (argument.NameColon is null && i == 3)
            {
                argument = argument.WithNameColon(NameColon(IdentifierName("options")));
            }

            rewritten = rewritten.Add(argument);
        }

        var replacement = call.WithExpression(expression)
            .WithArgumentList(call.ArgumentList.WithArguments(SeparatedList(rewritten, arguments.GetSeparators())));
        return document.WithSyntaxRoot(root.ReplaceNode(call, replacement));
    }

    /// <summary>
    /// The <c>for</c> loop over <paramref name="position"/> around <paramref name="read"/>, with a
    /// condition <c>t &lt; bound</c> (<paramref name="shortenBound"/>) or already one short
    /// (<c>t &lt; n - 1</c>, <c>t + 1 &lt; n</c>), so that <c>t + 1</c> stays in range.
    /// </summary>
    private static bool TryGetLoop(SyntaxNode read, string position, out ForStatementSyntax? loop, out bool shortenBound)
    {
        loop = null;
        shortenBound = false;
        for (var node = read.Parent; node is not null; node = node.Parent)
        {
            if (node is not ForStatementSyntax candidate || candidate.Declaration is not { } declaration
                || !declaration.Variables.Any(v => v.Identifier.ValueText == position))
            {
                continue;
            }

            loop = candidate;
            switch (candidate.Condition)
            {
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LessThanExpression, Left: IdentifierNameSyntax left, Right: var right }
                    when left.Identifier.ValueText == position:
                    shortenBound = !IsMinusOne(right);
                    return true;
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LessThanExpression, Left: BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression, Left: IdentifierNameSyntax left, Right: LiteralExpressionSyntax { Token.ValueText: "1" } } }
                    when left.Identifier.ValueText == position:
                    return true;
                default:
                    return false;
            }
        }

        return false;
    }

    private static bool IsMinusOne(ExpressionSyntax bound) =>
        bound is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression, Right: LiteralExpressionSyntax { Token.ValueText: "1" } };

    private static async Task<Document> ShiftAsync(Document document, ElementAccessExpressionSyntax read, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var index = read.ArgumentList.Arguments[0].Expression;
        if (root is null || !TryGetLoop(read, ((IdentifierNameSyntax)index).Identifier.ValueText, out var loop, out var shortenBound))
        {
            return document;
        }

        var shifted = BinaryExpression(SyntaxKind.AddExpression, index.WithoutTrivia(), One()).WithTriviaFrom(index);
        var nodes = shortenBound ? new SyntaxNode[] { index, ((BinaryExpressionSyntax)loop!.Condition!).Right } : new SyntaxNode[] { index };
        var updated = root.ReplaceNodes(nodes, (original, _) =>
        {
            if (original == index)
            {
                return shifted;
            }

            var bound = (ExpressionSyntax)original;
            var left = bound is BinaryExpressionSyntax or ConditionalExpressionSyntax or AssignmentExpressionSyntax
                && !bound.IsKind(SyntaxKind.AddExpression) && !bound.IsKind(SyntaxKind.SubtractExpression)
                && !bound.IsKind(SyntaxKind.MultiplyExpression) && !bound.IsKind(SyntaxKind.DivideExpression)
                ? ParenthesizedExpression(bound.WithoutTrivia())
                : bound.WithoutTrivia();
            return BinaryExpression(SyntaxKind.SubtractExpression, left, One()).WithTriviaFrom(bound);
        });
        return document.WithSyntaxRoot(updated);
    }

    private static LiteralExpressionSyntax One() => LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(1));
}
