using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using LmProb.CodeFixes.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LmProb.Analyzers.Tests.Infrastructure;

/// <summary>Every analyzer and fixer the two assemblies ship, found by reflection so new rules are covered without edits here.</summary>
internal static class AllAnalyzers
{
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } =
        typeof(RuleIds).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

    public static ImmutableArray<CodeFixProvider> Fixers { get; } =
        typeof(ExpWithoutMaxFixer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToImmutableArray();

    public static ImmutableArray<DiagnosticDescriptor> Descriptors { get; } =
        Analyzers.SelectMany(a => a.SupportedDiagnostics).GroupBy(d => d.Id).Select(g => g.First()).OrderBy(d => d.Id, StringComparer.Ordinal).ToImmutableArray();

    /// <summary>The repository root (the directory holding LmProb.slnx), found upwards from the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LmProb.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("LmProb.slnx not found above " + AppContext.BaseDirectory);
    }
}
