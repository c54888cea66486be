using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace LmProb.CodeFixes.Internal;

/// <summary>
/// Writing LmProb API calls into user code: how to name <c>LmProb.Loss</c> at a given place, and
/// adding <c>using LmProb;</c> (sorted, System first) when the short name needs it.
/// </summary>
internal static class LmProbSyntax
{
    public const string Namespace = "LmProb";

    /// <summary>
    /// An expression naming <c>LmProb.<paramref name="typeName"/></c> at <paramref name="position"/>:
    /// the short name when it already binds there or binds to nothing (then
    /// <paramref name="needsUsing"/> is set), else the qualified name, to avoid a clash.
    /// </summary>
    public static ExpressionSyntax TypeName(SemanticModel model, int position, string typeName, out bool needsUsing)
    {
        needsUsing = false;
        var found = model.LookupNamespacesAndTypes(position, name: typeName);
        if (found.Length == 1 && found[0] is INamedTypeSymbol type && type.ContainingNamespace?.ToDisplayString() == Namespace)
        {
            return IdentifierName(typeName);
        }

        if (found.IsEmpty)
        {
            needsUsing = true;
            return IdentifierName(typeName);
        }

        return MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(Namespace), IdentifierName(typeName));
    }

    /// <summary><c>Type.Member</c> for an LmProb type, as <see cref="TypeName"/> names it.</summary>
    public static MemberAccessExpressionSyntax Member(SemanticModel model, int position, string typeName, string member, ref bool needsUsing)
    {
        var type = TypeName(model, position, typeName, out var needs);
        needsUsing |= needs;
        return MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, type, IdentifierName(member));
    }

    /// <summary>Adds <c>using LmProb;</c> to the file unless it is there: after the System usings, in ordinal order.</summary>
    public static SyntaxNode AddUsing(SyntaxNode root)
    {
        if (root is not CompilationUnitSyntax unit || HasUsing(unit))
        {
            return root;
        }

        var newLine = NewLine(unit);
        var directive = UsingDirective(ParseName(Namespace)).WithTrailingTrivia(EndOfLine(newLine));
        var usings = unit.Usings;
        if (usings.Count == 0)
        {
            // Top of the file, above anything else; the first token keeps its comments (a file header) in front.
            var first = unit.GetFirstToken(includeZeroWidth: true);
            directive = directive.WithLeadingTrivia(first.LeadingTrivia).WithTrailingTrivia(EndOfLine(newLine), EndOfLine(newLine));
            var updated = unit.ReplaceToken(first, first.WithLeadingTrivia());
            return updated.WithUsings(updated.Usings.Add(directive));
        }

        var index = usings.Count;
        for (var i = 0; i < usings.Count; i++)
        {
            if (SortsAfterLmProb(usings[i]))
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

    private static bool HasUsing(CompilationUnitSyntax unit) =>
        unit.DescendantNodes(node => node is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax)
            .OfType<UsingDirectiveSyntax>()
            .Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == Namespace);

    private static bool SortsAfterLmProb(UsingDirectiveSyntax directive)
    {
        if (directive.Alias is not null || !directive.StaticKeyword.IsKind(SyntaxKind.None))
        {
            return true; // aliases and using static come last
        }

        var name = directive.Name?.ToString() ?? string.Empty;
        if (name == "System" || name.StartsWith("System.", StringComparison.Ordinal))
        {
            return false;
        }

        return string.CompareOrdinal(name, Namespace) > 0;
    }

    private static string NewLine(SyntaxNode root)
    {
        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia.ToString();
            }
        }

        return "\n";
    }

    /// <summary>The node a diagnostic is reported on (the innermost one with exactly that span).</summary>
    public static SyntaxNode? NodeAt(SyntaxNode root, TextSpan span)
    {
        var node = root.FindNode(span, getInnermostNodeForTie: true);
        while (node is not null && node.Span != span && node.Parent is not null && node.Parent.Span == span)
        {
            node = node.Parent;
        }

        return node?.Span == span ? node : null;
    }

    /// <summary>The same expression, unwrapped from parentheses.</summary>
    public static ExpressionSyntax WithoutParentheses(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }
}
