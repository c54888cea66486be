using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace LmProb.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs one analyzer over a source with <c>{|LMP001:...|}</c> markup: every marked span must be
/// reported and nothing else. The source must compile (compiler errors fail the test).
/// </summary>
internal static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static Task VerifyAsync(string source, CancellationToken cancellationToken = default)
    {
        var test = new Test { TestCode = source };
        return test.RunAsync(cancellationToken);
    }

    /// <summary>Correct code: no diagnostic at all.</summary>
    public static Task VerifyNoDiagnosticAsync(string source) => VerifyAsync(source);

    internal sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = TestReferences.None;
            TestReferences.Configure(TestState);
        }

        protected override ParseOptions CreateParseOptions() =>
            ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Latest);
    }
}
