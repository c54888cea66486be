using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace LmProb.Analyzers.Analysis;

/// <summary>Building diagnostics: short message arguments and the fix hints the fixers read.</summary>
internal static class Reporting
{
    private const int MaxArgumentLength = 60;

    /// <summary>The source text of <paramref name="operation"/>, shortened for a message.</summary>
    public static string Text(IOperation operation)
    {
        var text = operation.Syntax.ToString();
        text = string.Join(" ", text.Split(new[] { '\r', '\n', '\t' }, System.StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= MaxArgumentLength ? text : text.Substring(0, MaxArgumentLength - 1) + "…";
    }

    /// <summary>Properties saying which automatic fix applies (<see cref="DiagnosticProperties.Fix"/>), or none.</summary>
    public static ImmutableDictionary<string, string?> Fix(string? fix) =>
        fix is null
            ? ImmutableDictionary<string, string?>.Empty
            : ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Fix, fix);

    /// <summary>The locations of <paramref name="operations"/>, for <see cref="Diagnostic.AdditionalLocations"/>.</summary>
    public static IEnumerable<Location> Locations(params IOperation?[] operations)
    {
        foreach (var operation in operations)
        {
            if (operation is not null)
            {
                yield return operation.Syntax.GetLocation();
            }
        }
    }
}
