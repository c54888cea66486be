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

/// <summary>
/// LMP010: <c>E[x²] - E[x]²</c> over all of a float (Half, BFloat16) array or span becomes
/// <c>Metrics.Variance(x)</c>, cast to <c>float</c> when the expression was a float. The loops
/// or locals that computed the sums are left for the user to delete.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NaiveVarianceFixer)), Shared]
public sealed class NaiveVarianceFixer : CodeFixProvider
{
    private const string Title = "Use Metrics.Variance (two-pass, no cancellation)";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.NaiveVariance);

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
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) || fix != DiagnosticProperties.UseVariance
                || diagnostic.AdditionalLocations.Count != 1
                || LmProbSyntax.NodeAt(root, diagnostic.Location.SourceSpan) is not BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression } subtraction
                || LmProbSyntax.NodeAt(root, diagnostic.AdditionalLocations[0].SourceSpan) is not ExpressionSyntax values
                || values is not (IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }))
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => UseVarianceAsync(document, subtraction, values, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> UseVarianceAsync(Document document, BinaryExpressionSyntax subtraction, ExpressionSyntax values, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var needsUsing = false;
        ExpressionSyntax call = InvocationExpression(
            LmProbSyntax.Member(model, subtraction.SpanStart, "Metrics", "Variance", ref needsUsing),
            ArgumentList(SingletonSeparatedList(Argument(values.WithoutTrivia()))));

        // Variance returns double; keep a float expression a float.
        if (model.GetTypeInfo(subtraction, cancellationToken).Type?.SpecialType == SpecialType.System_Single)
        {
            call = CastExpression(PredefinedType(Token(SyntaxKind.FloatKeyword)), call);
        }

        var updated = root.ReplaceNode(subtraction, call.WithTriviaFrom(subtraction));
        return document.WithSyntaxRoot(needsUsing ? LmProbSyntax.AddUsing(updated) : updated);
    }
}
