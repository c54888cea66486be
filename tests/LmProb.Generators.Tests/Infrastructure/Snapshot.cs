using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using Xunit.Sdk;

namespace LmProb.Generators.Tests.Infrastructure;

/// <summary>
/// Snapshot comparison with Verify's file convention (Verify itself is not on our package feed):
/// the expected text of a generated file lives beside the test source as
/// <c>&lt;TestClass&gt;.&lt;TestMethod&gt;#&lt;hint name&gt;.verified.cs</c> (the hint name
/// without its <c>.cs</c>). On a mismatch the actual text is written next to it as
/// <c>….received.cs</c> (git-ignored) and the test fails with the first differing lines.
/// </summary>
/// <remarks>
/// To accept new output, review the <c>.received.cs</c> files and rename them, or run the tests
/// with <c>LMPROB_ACCEPT_SNAPSHOTS=1</c>, which overwrites the verified files (then read the
/// diff before committing: the verified files are what we ship). The test class is taken to be
/// the file name of the calling test, one class per file.
/// </remarks>
internal static class Snapshot
{
    /// <summary>The environment variable that makes a run overwrite the verified files.</summary>
    public const string AcceptVariable = "LMPROB_ACCEPT_SNAPSHOTS";

    private const int ContextLines = 3;

    /// <summary>Compares <paramref name="actual"/> with the verified snapshot of <paramref name="hintName"/>.</summary>
    public static void Verify(string actual, string hintName, [CallerFilePath] string testFile = "", [CallerMemberName] string testMethod = "")
    {
        var directory = Path.GetDirectoryName(testFile)
            ?? throw new InvalidOperationException($"No directory in the caller file path '{testFile}'.");
        var testClass = Path.GetFileNameWithoutExtension(testFile);
        var stem = Path.Combine(directory, $"{testClass}.{testMethod}#{StripExtension(hintName)}");
        Check(actual, stem, accept: Environment.GetEnvironmentVariable(AcceptVariable) is "1" or "true");
    }

    /// <summary>Compares <paramref name="actual"/> with <c>&lt;stem&gt;.verified.cs</c>, or accepts it.</summary>
    internal static void Check(string actual, string stem, bool accept)
    {
        var verifiedPath = stem + ".verified.cs";
        var receivedPath = stem + ".received.cs";
        actual = Normalize(actual);

        if (accept)
        {
            File.WriteAllText(verifiedPath, actual, Utf8NoBom);
            File.Delete(receivedPath);
            return;
        }
        if (!File.Exists(verifiedPath))
        {
            File.WriteAllText(receivedPath, actual, Utf8NoBom);
            throw new XunitException(
                $"No snapshot {Path.GetFileName(verifiedPath)} yet. Review {receivedPath} and rename it to .verified.cs, "
                + $"or run with {AcceptVariable}=1.");
        }
        var expected = Normalize(File.ReadAllText(verifiedPath));
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, actual, Utf8NoBom);
        throw new XunitException(
            $"{Path.GetFileName(verifiedPath)} does not match the generated file; the new text is in {receivedPath}." + Environment.NewLine
            + Diff(expected, actual) + Environment.NewLine
            + $"If the change is intended, rename the .received.cs file or run with {AcceptVariable}=1.");
    }

    /// <summary>
    /// A unified-style diff of the lines (longest common subsequence), at most a few hunks with a
    /// few lines of context, each line with its numbers in the verified and the received file.
    /// </summary>
    internal static string Diff(string expected, string actual)
    {
        const int MaxHunks = 3;
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var edits = Edits(a, b);
        var changed = Enumerable.Range(0, edits.Count).Where(i => edits[i].Op != ' ').ToList();
        var builder = new StringBuilder();
        var hunks = 0;
        var i = 0;
        while (i < changed.Count && hunks < MaxHunks)
        {
            // A hunk: changes no more than 2·context lines apart, plus context around them.
            var first = changed[i];
            var last = first;
            while (i + 1 < changed.Count && changed[i + 1] - last <= 2 * ContextLines + 1)
            {
                last = changed[++i];
            }
            i++;
            hunks++;
            var from = Math.Max(0, first - ContextLines);
            var to = Math.Min(edits.Count - 1, last + ContextLines);
            builder.Append($"@@ verified line {edits[from].ExpectedLine + 1}, received line {edits[from].ActualLine + 1} @@").Append(Environment.NewLine);
            for (var k = from; k <= to; k++)
            {
                var (op, expectedLine, actualLine) = edits[k];
                var left = op == '+' ? "" : (expectedLine + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var right = op == '-' ? "" : (actualLine + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var text = op == '+' ? b[actualLine] : a[expectedLine];
                builder.Append($"{op} {left,5} {right,5}  {text}").Append(Environment.NewLine);
            }
        }
        if (i < changed.Count)
        {
            builder.Append($"… and more changes ({changed.Count} changed lines in all).").Append(Environment.NewLine);
        }
        return builder.ToString();
    }

    /// <summary>The edit script from <paramref name="a"/> to <paramref name="b"/>: ' ' kept, '−' removed, '+' added.</summary>
    private static List<(char Op, int ExpectedLine, int ActualLine)> Edits(string[] a, string[] b)
    {
        // lcs[i, j] = length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        var edits = new List<(char, int, int)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                edits.Add((' ', x++, y++));
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                edits.Add(('+', x, y++));
            }
            else
            {
                edits.Add(('-', x++, y));
            }
        }
        return edits;
    }

    private static string StripExtension(string hintName) =>
        hintName.EndsWith(".cs", StringComparison.Ordinal) ? hintName[..^3] : hintName;

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
}
