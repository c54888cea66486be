using System.Collections.Immutable;
using System.Composition;
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

/// <summary>LMP005: the <c>dim</c> of a softmax or log-softmax becomes <c>-1</c>, the vocabulary axis (a name, <c>dim:</c>, is kept).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SoftmaxOverWrongAxisFixer)), Shared]
public sealed class SoftmaxOverWrongAxisFixer : CodeFixProvider
{
    private const string Title = "Normalize over the last axis (dim: -1)";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SoftmaxOverWrongAxis);

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
            // The diagnostic spans the argument; for a positional one that is also the span of its expression.
            var node = LmProbSyntax.NodeAt(root, diagnostic.Location.SourceSpan);
            var argument = node as ArgumentSyntax ?? node?.Parent as ArgumentSyntax;
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) || fix != DiagnosticProperties.UseLastAxis
                || argument is null || argument.Span != diagnostic.Location.SourceSpan
                || argument.Parent?.Parent is not InvocationExpressionSyntax)
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => UseLastAxisAsync(document, argument, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> UseLastAxisAsync(Document document, ArgumentSyntax argument, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var minusOne = PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(1)));
        var replacement = argument.WithExpression(minusOne.WithTriviaFrom(argument.Expression));
        return document.WithSyntaxRoot(root.ReplaceNode(argument, replacement));
    }
}
