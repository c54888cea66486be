using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using LmProb.Generators.Diagnostics;
using Microsoft.CodeAnalysis;

namespace LmProb.Generators.Tests;

/// <summary>docs/generator.md has a section for every generator diagnostic, where its help link points.</summary>
public sealed class DocumentationTests
{
    private static readonly DiagnosticDescriptor[] AllDescriptors = typeof(Descriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    [Fact]
    public void EveryDiagnosticHasASectionAtItsHelpLink()
    {
        var headings = Headings();
        Assert.Equal(7, AllDescriptors.Length);
        foreach (var descriptor in AllDescriptors)
        {
            var link = new Uri(descriptor.HelpLinkUri);
            Assert.EndsWith("/docs/generator.md", link.AbsolutePath, StringComparison.Ordinal);
            Assert.Equal("#" + descriptor.Id.ToLowerInvariant(), link.Fragment);
            // GitHub's anchor for the heading "LMPG001" is "lmpg001".
            Assert.Contains(descriptor.Id, headings);
        }
    }

    [Fact]
    public void EverySectionNamesItsDiagnosticsTitleAndSeverity()
    {
        var text = Document();
        foreach (var descriptor in AllDescriptors)
        {
            var section = Regex.Match(text, $@"^### {descriptor.Id}\n(.*?)(?=^##)", RegexOptions.Singleline | RegexOptions.Multiline).Groups[1].Value;
            Assert.Contains($"**{descriptor.Title}** ({descriptor.DefaultSeverity.ToString().ToLowerInvariant()})", section, StringComparison.Ordinal);
            Assert.Contains("*Trigger*", section, StringComparison.Ordinal);
            Assert.Contains("*Fix*", section, StringComparison.Ordinal);
            Assert.Contains("```csharp", section, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NoSectionForADiagnosticThatDoesNotExist()
    {
        var ids = AllDescriptors.Select(d => d.Id).ToHashSet();
        Assert.All(Headings().Where(h => h.StartsWith("LMPG", StringComparison.Ordinal)), h => Assert.Contains(h, ids));
    }

    private static string[] Headings() =>
        Regex.Matches(Document(), @"^#{2,3} (.+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value.Trim()).ToArray();

    private static string Document([CallerFilePath] string testFile = "") =>
        File.ReadAllText(Path.Combine(Path.GetDirectoryName(testFile)!, "..", "..", "docs", "generator.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
}
