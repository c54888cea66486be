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
/// LMP008: make the exponentiated total a mean: <c>result.Sum</c> becomes <c>result.Mean</c>,
/// <c>losses.Sum()</c> becomes <c>losses.Average()</c>, TorchSharp <c>loss.sum()</c> becomes
/// <c>loss.mean()</c>, and a total accumulated in one plain loop is divided by the loop's count
/// (<c>total / n</c>, <c>total / losses.Length</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PerplexityFromTotalFixer)), Shared]
public sealed class PerplexityFromTotalFixer : CodeFixProvider
{
    private const string MeanTitle = "Use the mean (CrossEntropyResult.Mean)";
    private const string AverageTitle = "Use the mean (Average())";
    private const string TorchMeanTitle = "Use the mean (mean())";
    private const string DivideTitle = "Divide the total by the token count";

    // One key for every form, so Fix All turns every total in scope into a mean.
    private const string EquivalenceKey = "LMP008.UseTheMean";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.PerplexityFromTotal);

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
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) || diagnostic.AdditionalLocations.Count == 0
                || LmProbSyntax.NodeAt(root, diagnostic.Location.SourceSpan) is not InvocationExpressionSyntax site)
            {
                continue;
            }

            var first = LmProbSyntax.NodeAt(root, diagnostic.AdditionalLocations[0].SourceSpan);
            if (first is null || !site.Span.Contains(first.Span))
            {
                continue;
            }

            var document = context.Document;
            switch (fix)
            {
                case DiagnosticProperties.UseResultMean when first is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Sum" } sum:
                    Register(context, diagnostic, MeanTitle, ct => ReplaceAsync(document, sum, sum.WithName(IdentifierName("Mean").WithTriviaFrom(sum.Name)), ct));
                    break;
                case DiagnosticProperties.UseAverage when first is InvocationExpressionSyntax call && Renamed(call, "Sum", "Average") is { } average:
                    Register(context, diagnostic, AverageTitle, ct => ReplaceAsync(document, call, average, ct));
                    break;
                case DiagnosticProperties.UseTorchMean when first is InvocationExpressionSyntax call && Renamed(call, "sum", "mean") is { } torchMean:
                    Register(context, diagnostic, TorchMeanTitle, ct => ReplaceAsync(document, call, torchMean, ct));
                    break;
                case DiagnosticProperties.DivideByCount when first is IdentifierNameSyntax total && first.Parent is ArgumentSyntax
                    && diagnostic.AdditionalLocations.Count == 2
                    && LmProbSyntax.NodeAt(root, diagnostic.AdditionalLocations[1].SourceSpan) is ExpressionSyntax count:
                    diagnostic.Properties.TryGetValue(DiagnosticProperties.CountMember, out var member);
                    var divisor = member is null
                        ? count.WithoutTrivia()
                        : MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, count.WithoutTrivia(), IdentifierName(member));
                    var mean = BinaryExpression(SyntaxKind.DivideExpression, total.WithoutTrivia(), Parenthesized(divisor)).WithTriviaFrom(total);
                    Register(context, diagnostic, DivideTitle, ct => ReplaceAsync(document, total, mean, ct));
                    break;
            }
        }
    }

    private static void Register(CodeFixContext context, Diagnostic diagnostic, string title, System.Func<CancellationToken, Task<Document>> change) =>
        context.RegisterCodeFix(CodeAction.Create(title, change, equivalenceKey: EquivalenceKey), diagnostic);

    // xs.Sum(), Enumerable.Sum(xs), xs.Sum<T>(f): the same call under the other name.
    private static InvocationExpressionSyntax? Renamed(InvocationExpressionSyntax call, string from, string to)
    {
        if (call.Expression is not MemberAccessExpressionSyntax member || member.Name.Identifier.ValueText != from)
        {
            return null;
        }

        SimpleNameSyntax name = member.Name is GenericNameSyntax generic
            ? generic.WithIdentifier(Identifier(to).WithTriviaFrom(generic.Identifier))
            : IdentifierName(Identifier(to)).WithTriviaFrom(member.Name);
        return call.WithExpression(member.WithName(name));
    }

    // n, losses.Length need no parentheses; T - 1 would.
    private static ExpressionSyntax Parenthesized(ExpressionSyntax divisor) =>
        divisor is IdentifierNameSyntax or LiteralExpressionSyntax or MemberAccessExpressionSyntax ? divisor : ParenthesizedExpression(divisor);

    private static async Task<Document> ReplaceAsync(Document document, SyntaxNode node, SyntaxNode replacement, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root is null ? document : document.WithSyntaxRoot(root.ReplaceNode(node, replacement));
    }
}
