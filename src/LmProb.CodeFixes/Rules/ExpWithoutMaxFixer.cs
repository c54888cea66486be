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

/// <summary>LMP004: <c>TensorPrimitives.SoftMax(x, d)</c> becomes <c>Probability.Softmax(x, d)</c>, which subtracts the max.</summary>
/// <remarks>Hand-written exp loops are not rewritten: which of the surrounding statements belong to the softmax is a guess.</remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ExpWithoutMaxFixer)), Shared]
public sealed class ExpWithoutMaxFixer : CodeFixProvider
{
    private const string Title = "Use Probability.Softmax (subtracts the max)";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ExpWithoutMax);

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
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) || fix != DiagnosticProperties.UseSoftmax
                || LmProbSyntax.NodeAt(root, diagnostic.Location.SourceSpan) is not InvocationExpressionSyntax invocation
                || invocation.ArgumentList.Arguments.Count != 2)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => UseProbabilitySoftmaxAsync(context.Document, invocation, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> UseProbabilitySoftmaxAsync(Document document, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var needsUsing = false;
        var callee = LmProbSyntax.Member(model, invocation.SpanStart, "Probability", "Softmax", ref needsUsing)
            .WithTriviaFrom(invocation.Expression);

        // TensorPrimitives names the input x; Probability names it logits.
        var arguments = invocation.ArgumentList;
        foreach (var argument in arguments.Arguments)
        {
            if (argument.NameColon is { Name.Identifier.ValueText: "x" } nameColon)
            {
                arguments = arguments.ReplaceNode(arguments.Arguments[arguments.Arguments.IndexOf(argument)],
                    argument.WithNameColon(nameColon.WithName(IdentifierName("logits"))));
            }
        }

        var updated = root.ReplaceNode(invocation, invocation.WithExpression(callee).WithArgumentList(arguments));
        return document.WithSyntaxRoot(needsUsing ? LmProbSyntax.AddUsing(updated) : updated);
    }
}
