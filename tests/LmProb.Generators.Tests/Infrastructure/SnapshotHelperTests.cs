using System;
using System.IO;
using System.Linq;

namespace LmProb.Generators.Tests.Infrastructure;

/// <summary>The snapshot helper itself: it fails with a readable diff, writes the received file, and accepts.</summary>
public sealed class SnapshotHelperTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lmprob-snapshots-").FullName;

    [Fact]
    public void AMismatchWritesTheReceivedFileAndShowsTheChangedLines()
    {
        var stem = Path.Combine(_directory, "Tests.Method#Hint.g");
        File.WriteAllText(stem + ".verified.cs", "one\ntwo\nthree\nfour\n");

        var failure = Assert.ThrowsAny<Exception>(() => Snapshot.Check("one\nTWO\nthree\nfour\n", stem, accept: false));

        Assert.Equal("one\nTWO\nthree\nfour\n", File.ReadAllText(stem + ".received.cs"));
        Assert.Contains("Tests.Method#Hint.g.verified.cs does not match", failure.Message, StringComparison.Ordinal);
        Assert.Contains("-     2        two", failure.Message, StringComparison.Ordinal);
        Assert.Contains("+           2  TWO", failure.Message, StringComparison.Ordinal);
        Assert.Contains("      1     1  one", failure.Message, StringComparison.Ordinal);
        Assert.Contains("      3     3  three", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMovedBlockShowsAsTwoSmallHunks()
    {
        var expected = "header\nusing A;\n\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"line {i}\n")) + "namespace N\n{\n}\n";
        var actual = "header\n\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"line {i}\n")) + "namespace N\n{\n    using A;\n}\n";

        var diff = Snapshot.Diff(expected, actual);

        Assert.Equal(2, diff.Split('\n').Count(l => l.StartsWith("@@", StringComparison.Ordinal)));
        Assert.Contains("-     2        using A;", diff, StringComparison.Ordinal);
        Assert.Contains("+          35      using A;", diff, StringComparison.Ordinal);
        Assert.DoesNotContain("line 15", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void AMatchDeletesAStaleReceivedFileAndLineEndingsDoNotMatter()
    {
        var stem = Path.Combine(_directory, "Tests.Match#Hint.g");
        File.WriteAllText(stem + ".verified.cs", "a\r\nb\r\n");
        File.WriteAllText(stem + ".received.cs", "stale");

        Snapshot.Check("a\nb\n", stem, accept: false);

        Assert.False(File.Exists(stem + ".received.cs"));
    }

    [Fact]
    public void AMissingSnapshotFailsUnlessAccepting()
    {
        var stem = Path.Combine(_directory, "Tests.New#Hint.g");

        var failure = Assert.ThrowsAny<Exception>(() => Snapshot.Check("text\n", stem, accept: false));
        Assert.Contains(Snapshot.AcceptVariable, failure.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(stem + ".verified.cs"));

        Snapshot.Check("text\n", stem, accept: true);
        Assert.Equal("text\n", File.ReadAllText(stem + ".verified.cs"));
        Snapshot.Check("text\n", stem, accept: false);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
