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
/// LMP007: <c>-(y * log(s) + (1 - y) * log(1 - s))</c> with <c>s = sigmoid(x)</c> becomes
/// <c>Loss.BinaryCrossEntropyWithLogits(x, y)</c> (cast to double where the expression was one);
/// TorchSharp <c>binary_cross_entropy(sigmoid(x), y, ...)</c> becomes
/// <c>binary_cross_entropy_with_logits(x, y, ...)</c>. A sigmoid computed into a variable is left
/// for the user to delete once nothing else reads it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BinaryCrossEntropyFromProbabilitiesFixer)), Shared]
public sealed class BinaryCrossEntropyFromProbabilitiesFixer : CodeFixProvider
{
    private const string Title = "Use Loss.BinaryCrossEntropyWithLogits";
    private const string TorchTitle = "Use binary_cross_entropy_with_logits";
    private const string TorchWithLogits = "binary_cross_entropy_with_logits";

    // One key for both forms, so Fix All rewrites every binary cross-entropy in scope.
    private const string EquivalenceKey = "LMP007.UseWithLogits";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.BinaryCrossEntropyFromProbabilities);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix)
                || LmProbSyntax.NodeAt(root, diagnostic.Location.SourceSpan) is not ExpressionSyntax loss)
            {
                continue;
            }

            var extra = diagnostic.AdditionalLocations.Select(l => LmProbSyntax.NodeAt(root, l.SourceSpan) as ExpressionSyntax).ToArray();
            if (extra.Any(e => e is null))
            {
                continue;
            }

            var document = context.Document;
            if (fix == DiagnosticProperties.UseBceWithLogits && extra.Length is 2 or 3
                && (extra.Length == 2 || extra[2] is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 }))
            {
                var logit = extra.Length == 2
                    ? extra[0]!
                    : ElementAccessExpression(extra[0]!.WithoutTrivia(), ((ElementAccessExpressionSyntax)extra[2]!).ArgumentList.WithoutTrivia());
                var target = extra[1]!;
                context.RegisterCodeFix(
                    CodeAction.Create(Title, ct => UseWithLogitsAsync(document, loss, logit, target, ct), equivalenceKey: EquivalenceKey),
                    diagnostic);
            }
            else if (fix == DiagnosticProperties.UseTorchBceWithLogits && extra.Length == 2 && loss is InvocationExpressionSyntax call
                && extra[0]!.Parent is ArgumentSyntax { Parent: ArgumentListSyntax list } && list.Parent == call
                && HasWithLogitsTwin(model, call, context.CancellationToken))
            {
                var probabilities = extra[0]!;
                var logit = extra[1]!;
                context.RegisterCodeFix(
                    CodeAction.Create(TorchTitle, ct => UseTorchWithLogitsAsync(document, call, probabilities, logit, ct), equivalenceKey: EquivalenceKey),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> UseWithLogitsAsync(Document document, ExpressionSyntax loss, ExpressionSyntax logit, ExpressionSyntax target, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var needsUsing = false;
        ExpressionSyntax call = InvocationExpression(
            LmProbSyntax.Member(model, loss.SpanStart, "Loss", "BinaryCrossEntropyWithLogits", ref needsUsing),
            ArgumentList(SeparatedList(new[] { Argument(LmProbSyntax.WithoutParentheses(logit).WithoutTrivia()), Argument(LmProbSyntax.WithoutParentheses(target).WithoutTrivia()) })));

        // The loss was a double (Math.Log): keep its type.
        if (model.GetTypeInfo(loss, cancellationToken).Type?.SpecialType == SpecialType.System_Double)
        {
            call = CastExpression(PredefinedType(Token(SyntaxKind.DoubleKeyword)), call);
        }

        var updated = root.ReplaceNode(loss, call.WithTriviaFrom(loss));
        return document.WithSyntaxRoot(needsUsing ? LmProbSyntax.AddUsing(updated) : updated);
    }

    // nn.functional.binary_cross_entropy(input, target, weight, reduction) has a *_with_logits twin taking the same arguments first.
    private static bool HasWithLogitsTwin(SemanticModel model, InvocationExpressionSyntax call, CancellationToken cancellationToken) =>
        call.Expression is MemberAccessExpressionSyntax or IdentifierNameSyntax
        && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol method
        && method.ContainingType.GetMembers(TorchWithLogits).OfType<IMethodSymbol>().Any(twin =>
            twin.Parameters.Length >= method.Parameters.Length
            && method.Parameters.All(p => p.Ordinal < twin.Parameters.Length && twin.Parameters[p.Ordinal].Name == p.Name)
            && twin.Parameters.Skip(method.Parameters.Length).All(p => p.IsOptional));

    private static async Task<Document> UseTorchWithLogitsAsync(Document document, InvocationExpressionSyntax call, ExpressionSyntax probabilities, ExpressionSyntax logit, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var updated = call.ReplaceNode(probabilities, LmProbSyntax.WithoutParentheses(logit).WithTriviaFrom(probabilities));
        updated = updated.Expression switch
        {
            MemberAccessExpressionSyntax member => updated.WithExpression(member.WithName(IdentifierName(TorchWithLogits).WithTriviaFrom(member.Name))),
            IdentifierNameSyntax name => updated.WithExpression(IdentifierName(TorchWithLogits).WithTriviaFrom(name)),
            _ => updated,
        };
        return document.WithSyntaxRoot(root.ReplaceNode(call, updated));
    }
}
