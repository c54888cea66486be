using System.Collections.Generic;
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
/// LMP012: each raw sum the analyzer points at, <c>x.Sum()</c> or <c>TensorPrimitives.Sum(x)</c>,
/// becomes <c>Metrics.SequenceScore(x, LengthNormalization.Mean)</c>; both sides of a comparison
/// are rewritten together so they stay comparable.
/// </summary>
/// <remarks>
/// The analyzer offers it for ordering/MaxBy key selectors and for comparisons of two direct sums
/// over float (Half, BFloat16) arrays or spans. <c>SequenceScore</c> returns double and throws for
/// empty sequences and positive entries, which the page says.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RawSequenceScoreFixer)), Shared]
public sealed class RawSequenceScoreFixer : CodeFixProvider
{
    private const string Title = "Use Metrics.SequenceScore(..., LengthNormalization.Mean)";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.RawSequenceScore);

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
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) || fix != DiagnosticProperties.UseSequenceScore
                || diagnostic.AdditionalLocations.Count == 0)
            {
                continue;
            }

            var sums = new List<(InvocationExpressionSyntax Sum, ExpressionSyntax Source)>();
            foreach (var location in diagnostic.AdditionalLocations)
            {
                if (LmProbSyntax.NodeAt(root, location.SourceSpan) is InvocationExpressionSyntax sum && SummedSource(sum) is { } source)
                {
                    sums.Add((sum, source));
                }
            }

            if (sums.Count != diagnostic.AdditionalLocations.Count)
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => UseSequenceScoreAsync(document, sums, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    // x.Sum() -> x; Enumerable.Sum(x) / TensorPrimitives.Sum(x) -> x.
    private static ExpressionSyntax? SummedSource(InvocationExpressionSyntax sum) => sum switch
    {
        { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Sum" } member, ArgumentList.Arguments.Count: 0 } => member.Expression,
        { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Sum" } member, ArgumentList.Arguments.Count: 1 }
            when IsStaticHolder(member.Expression) && sum.ArgumentList.Arguments[0].NameColon is null => sum.ArgumentList.Arguments[0].Expression,
        _ => null,
    };

    // Enumerable, System.Linq.Enumerable, TensorPrimitives, System.Numerics.Tensors.TensorPrimitives.
    private static bool IsStaticHolder(ExpressionSyntax expression)
    {
        var name = expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            _ => null,
        };
        return name is "Enumerable" or "TensorPrimitives";
    }

    private static async Task<Document> UseSequenceScoreAsync(Document document, List<(InvocationExpressionSyntax Sum, ExpressionSyntax Source)> sums, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var needsUsing = false;
        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        foreach (var (sum, source) in sums)
        {
            var score = InvocationExpression(
                LmProbSyntax.Member(model, sum.SpanStart, "Metrics", "SequenceScore", ref needsUsing),
                ArgumentList(SeparatedList(new[]
                {
                    Argument(source.WithoutTrivia()),
                    Argument(LmProbSyntax.Member(model, sum.SpanStart, "LengthNormalization", "Mean", ref needsUsing)),
                })));
            replacements[sum] = score.WithTriviaFrom(sum);
        }

        var updated = root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
        return document.WithSyntaxRoot(needsUsing ? LmProbSyntax.AddUsing(updated) : updated);
    }
}
