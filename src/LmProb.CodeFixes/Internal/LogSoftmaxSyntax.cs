using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace LmProb.CodeFixes.Internal;

/// <summary>
/// The rewrites to a log-softmax shared by the fixes that replace a log of probabilities
/// (LMP002 <c>log(softmax)</c>, LMP006 <c>log(softmax + eps)</c>).
/// </summary>
internal static class LogSoftmaxSyntax
{
    /// <summary><c>TensorPrimitives.Log(p, d)</c> becomes <c>Probability.LogSoftmax(logits, d)</c>.</summary>
    public static InvocationExpressionSyntax ProbabilityLogSoftmax(SemanticModel model, InvocationExpressionSyntax log, ExpressionSyntax logits, ref bool needsUsing)
    {
        var callee = LmProbSyntax.Member(model, log.SpanStart, "Probability", "LogSoftmax", ref needsUsing).WithTriviaFrom(log.Expression);
        var destination = log.ArgumentList.Arguments[1];
        return log.WithExpression(callee).WithArgumentList(
            log.ArgumentList.WithArguments(SeparatedList(new[] { Argument(logits.WithoutTrivia()), destination })));
    }

    /// <summary>
    /// One log-probability, <c>logits[k] - Probability.LogSumExp(logits)</c>, to stand where
    /// <paramref name="replaced"/> stood (parenthesized when it has to be). <paramref name="asDouble"/>
    /// computes it in double (<c>(double)logits[k] - ...</c>) where the replaced expression was a double.
    /// </summary>
    public static ExpressionSyntax Entry(SemanticModel model, ExpressionSyntax replaced, ExpressionSyntax logits, BracketedArgumentListSyntax index, bool asDouble, ref bool needsUsing)
    {
        var logSumExp = InvocationExpression(
            LmProbSyntax.Member(model, replaced.SpanStart, "Probability", "LogSumExp", ref needsUsing),
            ArgumentList(SingletonSeparatedList(Argument(logits.WithoutTrivia()))));
        ExpressionSyntax logit = ElementAccessExpression(logits.WithoutTrivia(), index.WithoutTrivia());
        if (asDouble)
        {
            logit = CastExpression(PredefinedType(Token(SyntaxKind.DoubleKeyword)), logit);
        }

        ExpressionSyntax entry = BinaryExpression(SyntaxKind.SubtractExpression, logit, logSumExp);
        if (NeedsParentheses(replaced))
        {
            entry = ParenthesizedExpression(entry);
        }

        return entry.WithTriviaFrom(replaced);
    }

    /// <summary><c>a - b</c> in place of <paramref name="expression"/>: safe bare only where it stood alone (an argument, an initializer, a return, ...).</summary>
    public static bool NeedsParentheses(ExpressionSyntax expression) => expression.Parent switch
    {
        ArgumentSyntax or EqualsValueClauseSyntax or ReturnStatementSyntax or ArrowExpressionClauseSyntax
            or ExpressionStatementSyntax or ParenthesizedExpressionSyntax => false,
        AssignmentExpressionSyntax assignment => assignment.Left == expression,
        BinaryExpressionSyntax binary => !(binary.IsKind(SyntaxKind.AddExpression) && binary.Left == expression),
        _ => true,
    };

    /// <summary>
    /// <paramref name="softmax"/> is a TorchSharp <c>softmax</c> call with positional arguments whose
    /// type also has a <c>log_softmax</c> that takes the same arguments (<c>torch.softmax</c> has none).
    /// </summary>
    public static bool HasTorchLogSoftmaxTwin(SemanticModel model, InvocationExpressionSyntax softmax, CancellationToken cancellationToken)
    {
        if (softmax.ArgumentList.Arguments.Any(a => a.NameColon is not null)
            || model.GetSymbolInfo(softmax, cancellationToken).Symbol is not IMethodSymbol method || method.Name != "softmax")
        {
            return false;
        }

        var count = softmax.ArgumentList.Arguments.Count;
        return method.ContainingType.GetMembers("log_softmax").OfType<IMethodSymbol>().Any(c =>
            c.IsStatic == method.IsStatic && c.Parameters.Length >= count && c.Parameters.Skip(count).All(p => p.IsOptional));
    }

    /// <summary>The same call with <c>softmax</c> renamed <c>log_softmax</c>, or null when the callee is not a plain name.</summary>
    public static InvocationExpressionSyntax? RenamedToLogSoftmax(InvocationExpressionSyntax softmax) => softmax.Expression switch
    {
        MemberAccessExpressionSyntax member => softmax.WithExpression(member.WithName(IdentifierName("log_softmax").WithTriviaFrom(member.Name))),
        IdentifierNameSyntax name => softmax.WithExpression(IdentifierName("log_softmax").WithTriviaFrom(name)),
        _ => null,
    };
}
