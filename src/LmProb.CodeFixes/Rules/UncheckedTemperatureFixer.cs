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
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace LmProb.CodeFixes.Rules;

/// <summary>
/// LMP009: inserts <c>ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);</c> as the first
/// statement of the method (or local function) that declares the temperature parameter, or of the
/// method that reads the temperature field or property; an expression body becomes a block.
/// </summary>
/// <remarks>
/// The guard rejects 0 as well as negative values. Code that means 0 as "greedy" should branch on it
/// instead; that is a design decision the fix cannot make, so the page says so.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UncheckedTemperatureFixer)), Shared]
public sealed class UncheckedTemperatureFixer : CodeFixProvider
{
    private const string Title = "Throw when the temperature is not positive";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UncheckedTemperature);

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
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) || fix != DiagnosticProperties.UseTemperatureGuard
                || diagnostic.AdditionalLocations.Count != 1
                || LmProbSyntax.NodeAt(root, diagnostic.AdditionalLocations[0].SourceSpan) is not ExpressionSyntax divisor
                || !IsSimpleReference(divisor)
                || TargetMethod(model, divisor, context.CancellationToken) is not { } method
                || !CanInsertInto(model, method, context.CancellationToken))
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => InsertGuardAsync(document, divisor, method, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    // `t`, `this.t`, `options.Temperature`, `Settings.Temperature`: evaluating it again at the top has no side effect.
    private static bool IsSimpleReference(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax => true,
        MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } member =>
            member.Expression is ThisExpressionSyntax || IsSimpleReference(member.Expression),
        _ => false,
    };

    /// <summary>
    /// The method or local function to guard: the one declaring the parameter the divisor names (or
    /// starts from), else the innermost one around the division.
    /// </summary>
    private static SyntaxNode? TargetMethod(SemanticModel model, ExpressionSyntax divisor, CancellationToken cancellationToken)
    {
        var root = divisor;
        while (root is MemberAccessExpressionSyntax member)
        {
            root = member.Expression;
        }

        if (model.GetSymbolInfo(root, cancellationToken).Symbol is IParameterSymbol parameter)
        {
            var declaration = parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
            var method = declaration?.Parent?.Parent;
            return method is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax && method.SyntaxTree == divisor.SyntaxTree
                && method.Span.Contains(divisor.Span) ? method : null;
        }

        for (SyntaxNode? node = divisor; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax:
                    return node;
                case AnonymousFunctionExpressionSyntax or AccessorDeclarationSyntax or BasePropertyDeclarationSyntax or FieldDeclarationSyntax or GlobalStatementSyntax:
                    break;
                default:
                    continue;
            }

            // A lambda: keep looking for the method around it; anything else has no statement list to guard.
            if (node is not AnonymousFunctionExpressionSyntax)
            {
                return null;
            }
        }

        return null;
    }

    private static bool CanInsertInto(SemanticModel model, SyntaxNode method, CancellationToken cancellationToken)
    {
        var (body, expressionBody, modifiers) = Parts(method);
        if (body is not null)
        {
            return true;
        }

        // An expression body becomes { guard; [return] expression; }: not for async methods, whose
        // expression statement versus return depends on the awaited type.
        return expressionBody is not null && !modifiers.Any(SyntaxKind.AsyncKeyword)
            && model.GetDeclaredSymbol(method, cancellationToken) is IMethodSymbol;
    }

    private static (BlockSyntax? Body, ArrowExpressionClauseSyntax? ExpressionBody, SyntaxTokenList Modifiers) Parts(SyntaxNode method) => method switch
    {
        BaseMethodDeclarationSyntax declaration => (declaration.Body, declaration.ExpressionBody, declaration.Modifiers),
        LocalFunctionStatementSyntax local => (local.Body, local.ExpressionBody, local.Modifiers),
        _ => (null, null, default),
    };

    private static async Task<Document> InsertGuardAsync(Document document, ExpressionSyntax divisor, SyntaxNode method, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var guard = ExpressionStatement(InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ExceptionType(model, method.SpanStart), IdentifierName("ThrowIfNegativeOrZero")),
                ArgumentList(SingletonSeparatedList(Argument(divisor.WithoutTrivia())))))
            .WithAdditionalAnnotations(Formatter.Annotation);

        var (body, expressionBody, _) = Parts(method);
        SyntaxNode updated;
        if (body is not null)
        {
            updated = method.ReplaceNode(body, body.WithStatements(body.Statements.Insert(0, guard)));
        }
        else if (expressionBody is not null && model.GetDeclaredSymbol(method, cancellationToken) is IMethodSymbol symbol)
        {
            var expression = expressionBody.Expression.WithoutTrivia();
            StatementSyntax last = symbol.ReturnsVoid || symbol.MethodKind == MethodKind.Constructor
                ? ExpressionStatement(expression)
                : ReturnStatement(expression);
            var block = Block(guard, last).WithAdditionalAnnotations(Formatter.Annotation);
            updated = method switch
            {
                BaseMethodDeclarationSyntax declaration => WithBlock(declaration, block),
                LocalFunctionStatementSyntax local => local.WithExpressionBody(null).WithSemicolonToken(default)
                    .WithParameterList(local.ParameterList.WithTrailingTrivia())
                    .WithBody(block.WithTrailingTrivia(local.SemicolonToken.TrailingTrivia)),
                _ => method,
            };
        }
        else
        {
            return document;
        }

        return document.WithSyntaxRoot(root.ReplaceNode(method, updated));
    }

    private static BaseMethodDeclarationSyntax WithBlock(BaseMethodDeclarationSyntax declaration, BlockSyntax block)
    {
        var trailing = declaration.SemicolonToken.TrailingTrivia;
        var withoutArrow = declaration.WithExpressionBody(null).WithSemicolonToken(default);
        withoutArrow = withoutArrow.WithParameterList(withoutArrow.ParameterList.WithTrailingTrivia());
        return withoutArrow.WithBody(block.WithTrailingTrivia(trailing));
    }

    // `ArgumentOutOfRangeException` where `using System;` is in scope, else qualified.
    private static ExpressionSyntax ExceptionType(SemanticModel model, int position)
    {
        const string name = "ArgumentOutOfRangeException";
        var found = model.LookupNamespacesAndTypes(position, name: name);
        if (found.Length == 1 && found[0] is INamedTypeSymbol type && type.ContainingNamespace?.ToDisplayString() == "System")
        {
            return IdentifierName(name);
        }

        return MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
            AliasQualifiedName(IdentifierName(Token(SyntaxKind.GlobalKeyword)), IdentifierName("System")), IdentifierName(name));
    }
}
