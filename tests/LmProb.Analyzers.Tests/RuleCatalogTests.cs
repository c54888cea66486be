using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using LmProb.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace LmProb.Analyzers.Tests;

/// <summary>
/// The rules as a product: every supported diagnostic has a page, a release entry and a
/// descriptor that follows the house policy. Rules are discovered by reflection, so a new rule
/// is checked the moment it is added.
/// </summary>
public class RuleCatalogTests
{
    public static TheoryData<string> SupportedIds()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in AllAnalyzers.Descriptors)
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    private static DiagnosticDescriptor Descriptor(string id) => AllAnalyzers.Descriptors.Single(d => d.Id == id);

    private static string RulesDirectory => Path.Combine(AllAnalyzers.RepositoryRoot, "docs", "rules");

    [Fact]
    public void TheAnalyzersAreFound() => Assert.NotEmpty(AllAnalyzers.Descriptors);

    [Fact]
    public void RuleIdsAreTheTwelveContractIds()
    {
        var ids = typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).OrderBy(id => id, StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"LMP{i:000}"), ids);
    }

    [Theory]
    [MemberData(nameof(SupportedIds))]
    public void HasAPage(string id)
    {
        var page = Path.Combine(RulesDirectory, id + ".md");
        Assert.True(File.Exists(page), $"{id} has no page at docs/rules/{id}.md");
        var text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}:", text, StringComparison.Ordinal);
        foreach (var section in new[] { "## Why it is wrong", "## How to fix", "## Example", "## How to suppress" })
        {
            Assert.Contains(section, text, StringComparison.Ordinal);
        }

        Assert.Contains($"#pragma warning disable {id}", text, StringComparison.Ordinal);
        Assert.Contains($"dotnet_diagnostic.{id}.severity", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SupportedIds))]
    public void HasAReleaseEntryMatchingItsDescriptor(string id)
    {
        var descriptor = Descriptor(id);
        var entries = ReleaseEntries();
        Assert.True(entries.TryGetValue(id, out var entry), $"{id} is in neither AnalyzerReleases.Shipped.md nor AnalyzerReleases.Unshipped.md");
        Assert.Equal(descriptor.Category, entry.Category);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), entry.Severity);
    }

    [Theory]
    [MemberData(nameof(SupportedIds))]
    public void FollowsTheDescriptorPolicy(string id)
    {
        var descriptor = Descriptor(id);
        Assert.Equal($"https://github.com/lmprob/lmprob/blob/main/docs/rules/{id}.md", descriptor.HelpLinkUri);
        Assert.Equal(DiagnosticDescriptors.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);

        // Info for the advisory rules (LMP009 temperature guard, LMP012 length convention), warnings for the rest.
        var expected = id is RuleIds.UncheckedTemperature or RuleIds.RawSequenceScore ? DiagnosticSeverity.Info : DiagnosticSeverity.Warning;
        Assert.Equal(expected, descriptor.DefaultSeverity);
        Assert.True(descriptor.IsEnabledByDefault);

        Assert.Contains(descriptor.Category, new[] { RuleCategories.Correctness, RuleCategories.NumericalStability, RuleCategories.Reliability });
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString()));
        var message = descriptor.MessageFormat.ToString();
        Assert.False(message.EndsWith(".", StringComparison.Ordinal), "single-sentence messages end without a period");
        Assert.Contains(":", message, StringComparison.Ordinal); // "<what is wrong>: <what to do>"
        Assert.EndsWith(".", descriptor.Description.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryPageIsForAShippedRule()
    {
        var pages = Directory.GetFiles(RulesDirectory, "*.md").Select(Path.GetFileNameWithoutExtension);
        var ids = AllAnalyzers.Descriptors.Select(d => d.Id).ToHashSet();
        Assert.All(pages, page => Assert.Contains(page!, ids));
    }

    [Fact]
    public void EveryFixerFixesASupportedRuleAndSupportsFixAll()
    {
        var ids = AllAnalyzers.Descriptors.Select(d => d.Id).ToHashSet();
        Assert.NotEmpty(AllAnalyzers.Fixers);
        foreach (var fixer in AllAnalyzers.Fixers)
        {
            Assert.All(fixer.FixableDiagnosticIds, id => Assert.Contains(id, ids));
            Assert.NotNull(fixer.GetFixAllProvider());
        }
    }

    private static Dictionary<string, (string Category, string Severity)> ReleaseEntries()
    {
        var entries = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var file in new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" })
        {
            foreach (var line in File.ReadAllLines(Path.Combine(AllAnalyzers.RepositoryRoot, "src", "LmProb.Analyzers", file)))
            {
                var cells = line.Split('|').Select(c => c.Trim()).ToArray();
                if (cells.Length >= 3 && cells[0].StartsWith("LMP", StringComparison.Ordinal))
                {
                    entries[cells[0]] = (cells[1], cells[2]);
                }
            }
        }

        return entries;
    }
}
