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
/// LMP003: <c>result.Sum / n</c> of a <c>CrossEntropyResult</c> becomes <c>result.Mean</c>; the
/// loop <c>if (mask[i]) sum += values[i];</c> followed by <c>sum / n</c> becomes
/// <c>Loss.MaskedMean(values, mask)</c> (the loop is left for the user to delete).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PaddedMeanFixer)), Shared]
public sealed class PaddedMeanFixer : CodeFixProvider
{
    private const string MeanTitle = "Use CrossEntropyResult.Mean (Sum / Count)";
    private const string MaskedMeanTitle = "Use Loss.MaskedMean";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.PaddedMean);

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
                || LmProbSyntax.NodeAt(root, diagnostic.Location.SourceSpan) is not BinaryExpressionSyntax { RawKind: (int)SyntaxKind.DivideExpression } division)
            {
                continue;
            }

            var document = context.Document;
            if (fix == DiagnosticProperties.UseResultMean
                && LmProbSyntax.WithoutParentheses(division.Left) is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Sum" } sum)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(MeanTitle, ct => UseMeanAsync(document, division, sum, ct), equivalenceKey: MeanTitle),
                    diagnostic);
            }
            else if (fix == DiagnosticProperties.UseMaskedMean && diagnostic.AdditionalLocations.Count == 2
                && LmProbSyntax.NodeAt(root, diagnostic.AdditionalLocations[0].SourceSpan) is ExpressionSyntax values
                && LmProbSyntax.NodeAt(root, diagnostic.AdditionalLocations[1].SourceSpan) is ExpressionSyntax mask)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(MaskedMeanTitle, ct => UseMaskedMeanAsync(document, division, values, mask, ct), equivalenceKey: MaskedMeanTitle),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> UseMeanAsync(Document document, BinaryExpressionSyntax division, MemberAccessExpressionSyntax sum, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var mean = sum.WithName(IdentifierName("Mean")).WithTriviaFrom(division);
        return document.WithSyntaxRoot(root.ReplaceNode(division, mean));
    }

    private static async Task<Document> UseMaskedMeanAsync(Document document, BinaryExpressionSyntax division, ExpressionSyntax values, ExpressionSyntax mask, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var needsUsing = false;
        ExpressionSyntax call = InvocationExpression(
            LmProbSyntax.Member(model, division.SpanStart, "Loss", "MaskedMean", ref needsUsing),
            ArgumentList(SeparatedList(new[] { Argument(values.WithoutTrivia()), Argument(mask.WithoutTrivia()) })));

        // MaskedMean returns float; keep the expression's type when the sum was a double.
        if (model.GetTypeInfo(division, cancellationToken).Type is { SpecialType: not SpecialType.System_Single } type)
        {
            call = CastExpression(PredefinedType(Token(type.SpecialType == SpecialType.System_Double ? SyntaxKind.DoubleKeyword : SyntaxKind.FloatKeyword)), call);
        }

        var updated = root.ReplaceNode(division, call.WithTriviaFrom(division));
        return document.WithSyntaxRoot(needsUsing ? LmProbSyntax.AddUsing(updated) : updated);
    }
}
