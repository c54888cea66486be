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
/// LMP002: <c>TensorPrimitives.Log(p, d)</c> of <c>p = softmax(x)</c> becomes
/// <c>Probability.LogSoftmax(x, d)</c>; a single <c>MathF.Log(p[k])</c> becomes
/// <c>x[k] - Probability.LogSumExp(x)</c>; TorchSharp <c>softmax(...).log()</c> becomes <c>log_softmax(...)</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LogOfSoftmaxFixer)), Shared]
public sealed class LogOfSoftmaxFixer : CodeFixProvider
{
    private const string LogSoftmaxTitle = "Use Probability.LogSoftmax";
    private const string LogSumExpTitle = "Use x[k] - Probability.LogSumExp(x)";
    private const string TorchTitle = "Use log_softmax";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.LogOfSoftmax);

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
                || LmProbSyntax.NodeAt(root, diagnostic.Location.SourceSpan) is not InvocationExpressionSyntax log)
            {
                continue;
            }

            var logits = diagnostic.AdditionalLocations.Count == 1
                ? LmProbSyntax.NodeAt(root, diagnostic.AdditionalLocations[0].SourceSpan) as ExpressionSyntax
                : null;
            var document = context.Document;
            switch (fix)
            {
                case DiagnosticProperties.UseLogSoftmax when logits is not null && log.ArgumentList.Arguments.Count == 2
                    && log.ArgumentList.Arguments.All(a => a.NameColon is null):
                    context.RegisterCodeFix(
                        CodeAction.Create(LogSoftmaxTitle, ct => UseLogSoftmaxAsync(document, log, logits, ct), equivalenceKey: LogSoftmaxTitle),
                        diagnostic);
                    break;
                case DiagnosticProperties.UseLogSumExp when logits is not null && log.ArgumentList.Arguments.Count == 1
                    && LmProbSyntax.WithoutParentheses(log.ArgumentList.Arguments[0].Expression) is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } element:
                    context.RegisterCodeFix(
                        CodeAction.Create(LogSumExpTitle, ct => UseLogSumExpAsync(document, log, logits, element, ct), equivalenceKey: LogSumExpTitle),
                        diagnostic);
                    break;
                case DiagnosticProperties.UseTorchLogSoftmax when TorchSoftmax(model, log, context.CancellationToken) is { } softmax:
                    context.RegisterCodeFix(
                        CodeAction.Create(TorchTitle, ct => UseTorchLogSoftmaxAsync(document, log, softmax, ct), equivalenceKey: TorchTitle),
                        diagnostic);
                    break;
            }
        }
    }

    private static async Task<Document> UseLogSoftmaxAsync(Document document, InvocationExpressionSyntax log, ExpressionSyntax logits, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var needsUsing = false;
        var updated = root.ReplaceNode(log, LogSoftmaxSyntax.ProbabilityLogSoftmax(model, log, logits, ref needsUsing));
        return document.WithSyntaxRoot(needsUsing ? LmProbSyntax.AddUsing(updated) : updated);
    }

    private static async Task<Document> UseLogSumExpAsync(Document document, InvocationExpressionSyntax log, ExpressionSyntax logits, ElementAccessExpressionSyntax element, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var needsUsing = false;
        var replacement = LogSoftmaxSyntax.Entry(model, log, logits, element.ArgumentList, asDouble: false, ref needsUsing);
        var updated = root.ReplaceNode(log, replacement);
        return document.WithSyntaxRoot(needsUsing ? LmProbSyntax.AddUsing(updated) : updated);
    }

    // The softmax call inside softmax(...).log() / torch.log(softmax(...)), when its type also has a
    // log_softmax that takes the same arguments.
    private static InvocationExpressionSyntax? TorchSoftmax(SemanticModel model, InvocationExpressionSyntax log, CancellationToken cancellationToken)
    {
        ExpressionSyntax? inner = log.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "log" } access && log.ArgumentList.Arguments.Count == 0
            ? access.Expression
            : log.ArgumentList.Arguments.Count == 1 ? log.ArgumentList.Arguments[0].Expression : null;
        return inner is not null && LmProbSyntax.WithoutParentheses(inner) is InvocationExpressionSyntax softmax
            && LogSoftmaxSyntax.HasTorchLogSoftmaxTwin(model, softmax, cancellationToken)
            ? softmax
            : null;
    }

    private static async Task<Document> UseTorchLogSoftmaxAsync(Document document, InvocationExpressionSyntax log, InvocationExpressionSyntax softmax, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var renamed = LogSoftmaxSyntax.RenamedToLogSoftmax(softmax);
        return renamed is null ? document : document.WithSyntaxRoot(root.ReplaceNode(log, renamed.WithTriviaFrom(log)));
    }
}
