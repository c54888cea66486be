using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using LmProb.Analyzers;
using LmProb.CodeFixes.Internal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LmProb.CodeFixes.Rules;

/// <summary>
/// LMP006: the log of an epsilon-guarded softmax probability becomes a log-softmax with no
/// epsilon: <c>MathF.Log(p[k] + eps)</c> becomes <c>x[k] - Probability.LogSumExp(x)</c> (in double
/// for <c>Math.Log</c>); <c>TensorPrimitives.Log(q, d)</c> of <c>q = p + eps</c> becomes
/// <c>Probability.LogSoftmax(x, d)</c>; TorchSharp <c>(softmax(x, dim) + eps).log()</c> becomes
/// <c>log_softmax(x, dim)</c>. Statements that only computed the guarded copy are left for the user to delete.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(EpsilonInLogFixer)), Shared]
public sealed class EpsilonInLogFixer : CodeFixProvider
{
    private const string LogSoftmaxTitle = "Use Probability.LogSoftmax (no epsilon)";
    private const string LogSumExpTitle = "Use x[k] - Probability.LogSumExp(x) (no epsilon)";
    private const string TorchTitle = "Use log_softmax (no epsilon)";

    // One key for every form, so Fix All removes every epsilon in scope.
    private const string EquivalenceKey = "LMP006.UseLogSoftmax";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.EpsilonInLog);

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

            var extra = new SyntaxNode?[diagnostic.AdditionalLocations.Count];
            for (var i = 0; i < extra.Length; i++)
            {
                extra[i] = LmProbSyntax.NodeAt(root, diagnostic.AdditionalLocations[i].SourceSpan);
            }

            var document = context.Document;
            switch (fix)
            {
                case DiagnosticProperties.UseLogSoftmax when extra.Length == 1 && extra[0] is ExpressionSyntax logits && log.ArgumentList.Arguments.Count == 2
                    && log.ArgumentList.Arguments[0].NameColon is null && log.ArgumentList.Arguments[1].NameColon is null:
                    context.RegisterCodeFix(
                        CodeAction.Create(LogSoftmaxTitle, ct => UseLogSoftmaxAsync(document, log, logits, ct), equivalenceKey: EquivalenceKey),
                        diagnostic);
                    break;
                case DiagnosticProperties.UseLogSumExp when extra.Length == 2 && extra[0] is ExpressionSyntax logits
                    && extra[1] is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } element
                    && element.Span.Start >= log.ArgumentList.Span.Start && element.Span.End <= log.ArgumentList.Span.End:
                    context.RegisterCodeFix(
                        CodeAction.Create(LogSumExpTitle, ct => UseLogSumExpAsync(document, log, logits, element, ct), equivalenceKey: EquivalenceKey),
                        diagnostic);
                    break;
                case DiagnosticProperties.UseTorchLogSoftmax when extra.Length == 1 && extra[0] is InvocationExpressionSyntax softmax
                    && LogSoftmaxSyntax.HasTorchLogSoftmaxTwin(model, softmax, context.CancellationToken)
                    && LogSoftmaxSyntax.RenamedToLogSoftmax(softmax) is not null:
                    context.RegisterCodeFix(
                        CodeAction.Create(TorchTitle, ct => UseTorchLogSoftmaxAsync(document, log, softmax, ct), equivalenceKey: EquivalenceKey),
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

        // Math.Log(...) was a double: keep it one, computed from the float logit.
        var asDouble = model.GetTypeInfo(log, cancellationToken).Type?.SpecialType == SpecialType.System_Double;
        var needsUsing = false;
        var replacement = LogSoftmaxSyntax.Entry(model, log, logits, element.ArgumentList, asDouble, ref needsUsing);
        var updated = root.ReplaceNode(log, replacement);
        return document.WithSyntaxRoot(needsUsing ? LmProbSyntax.AddUsing(updated) : updated);
    }

    private static async Task<Document> UseTorchLogSoftmaxAsync(Document document, InvocationExpressionSyntax log, InvocationExpressionSyntax softmax, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || LogSoftmaxSyntax.RenamedToLogSoftmax(softmax) is not { } renamed)
        {
            return document;
        }

        return document.WithSyntaxRoot(root.ReplaceNode(log, renamed.WithTriviaFrom(log)));
    }
}
