using System;
using System.IO;
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

    /// <summary>The first difference, with a few lines of context from each side and their line numbers.</summary>
    internal static string Diff(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var first = 0;
        while (first < expectedLines.Length && first < actualLines.Length && expectedLines[first] == actualLines[first])
        {
            first++;
        }
        // Align the ends too, so a changed block shows as one hunk.
        var expectedEnd = expectedLines.Length;
        var actualEnd = actualLines.Length;
        while (expectedEnd > first && actualEnd > first && expectedLines[expectedEnd - 1] == actualLines[actualEnd - 1])
        {
            expectedEnd--;
            actualEnd--;
        }
        var builder = new StringBuilder();
        builder.Append($"@@ verified lines {first + 1}-{expectedEnd}, received lines {first + 1}-{actualEnd} @@").Append(Environment.NewLine);
        var contextStart = Math.Max(0, first - ContextLines);
        for (var i = contextStart; i < first; i++)
        {
            builder.Append($"  {i + 1,5}  {expectedLines[i]}").Append(Environment.NewLine);
        }
        AppendSide(builder, '-', expectedLines, first, expectedEnd);
        AppendSide(builder, '+', actualLines, first, actualEnd);
        for (var i = expectedEnd; i < Math.Min(expectedLines.Length, expectedEnd + ContextLines); i++)
        {
            builder.Append($"  {i + 1,5}  {expectedLines[i]}").Append(Environment.NewLine);
        }
        return builder.ToString();
    }

    private static void AppendSide(StringBuilder builder, char marker, string[] lines, int start, int end)
    {
        const int MaxLines = 20;
        for (var i = start; i < Math.Min(end, start + MaxLines); i++)
        {
            builder.Append($"{marker} {i + 1,5}  {lines[i]}").Append(Environment.NewLine);
        }
        if (end - start > MaxLines)
        {
            builder.Append($"{marker}        … {end - start - MaxLines} more line(s)").Append(Environment.NewLine);
        }
    }

    private static string StripExtension(string hintName) =>
        hintName.EndsWith(".cs", StringComparison.Ordinal) ? hintName[..^3] : hintName;

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
}
