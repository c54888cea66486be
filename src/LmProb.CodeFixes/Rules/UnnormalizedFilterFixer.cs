using System;
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
/// LMP011: a uniform draw over filtered probabilities, <c>rng.NextDouble()</c>, becomes
/// <c>rng.NextDouble() * p.Sum()</c>, so the draw ranges over the kept mass: the same distribution
/// as dividing every kept probability by their sum, without touching the array.
/// </summary>
/// <remarks>
/// Only that shape is rewritten (the analyzer checks the draw is made once, before the loop, into a
/// variable with no other value, over a float or double array). Entropies of filtered arrays and
/// empty-nucleus loops are left to the user: which of the surrounding statements form the filter is a guess.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnnormalizedFilterFixer)), Shared]
public sealed class UnnormalizedFilterFixer : CodeFixProvider
{
    private const string Title = "Scale the draw by the kept probability mass";
    private const string Linq = "System.Linq";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnnormalizedFilter);

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
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) || fix != DiagnosticProperties.ScaleDraw
                || diagnostic.AdditionalLocations.Count != 2
                || LmProbSyntax.NodeAt(root, diagnostic.AdditionalLocations[0].SourceSpan) is not InvocationExpressionSyntax draw
                || LmProbSyntax.NodeAt(root, diagnostic.AdditionalLocations[1].SourceSpan) is not IdentifierNameSyntax probabilities)
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => ScaleAsync(document, draw, probabilities, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> ScaleAsync(Document document, InvocationExpressionSyntax draw, IdentifierNameSyntax probabilities, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var sum = InvocationExpression(MemberAccessExpression(
            SyntaxKind.SimpleMemberAccessExpression, IdentifierName(probabilities.Identifier.ValueText), IdentifierName("Sum")));
        var scaled = BinaryExpression(SyntaxKind.MultiplyExpression, draw.WithoutTrivia(), sum).WithTriviaFrom(draw);
        var updated = root.ReplaceNode(draw, scaled);
        return document.WithSyntaxRoot(AddLinqUsing(updated));
    }

    /// <summary>Adds <c>using System.Linq;</c> unless present: among the System usings in ordinal order, or at the top.</summary>
    private static SyntaxNode AddLinqUsing(SyntaxNode root)
    {
        if (root is not CompilationUnitSyntax unit
            || unit.DescendantNodes(node => node is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>()
                .Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == Linq))
        {
            return root;
        }

        var newLine = unit.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).ToString();
        newLine = newLine.Length == 0 ? "\n" : newLine;
        var directive = UsingDirective(ParseName(Linq)).WithTrailingTrivia(EndOfLine(newLine));
        var usings = unit.Usings;
        if (usings.Count == 0)
        {
            var first = unit.GetFirstToken(includeZeroWidth: true);
            directive = directive.WithLeadingTrivia(first.LeadingTrivia).WithTrailingTrivia(EndOfLine(newLine), EndOfLine(newLine));
            var withoutHeader = unit.ReplaceToken(first, first.WithLeadingTrivia());
            return withoutHeader.WithUsings(withoutHeader.Usings.Add(directive));
        }

        var index = usings.Count;
        for (var i = 0; i < usings.Count; i++)
        {
            var name = usings[i].Name?.ToString() ?? string.Empty;
            var isSystem = usings[i].Alias is null && usings[i].StaticKeyword.IsKind(SyntaxKind.None)
                && (name == "System" || name.StartsWith("System.", StringComparison.Ordinal));
            if (!isSystem || string.CompareOrdinal(name, Linq) > 0)
            {
                index = i;
                break;
            }
        }

        if (index == 0)
        {
            directive = directive.WithLeadingTrivia(usings[0].GetLeadingTrivia());
            usings = usings.Replace(usings[0], usings[0].WithLeadingTrivia());
        }

        return unit.WithUsings(usings.Insert(index, directive));
    }
}
