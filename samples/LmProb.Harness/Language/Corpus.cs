using System;
using System.IO;

namespace LmProb.Harness.Language;

/// <summary>The texts shipped in <c>Data/</c> (copied next to the harness when it is built).</summary>
internal static class Corpus
{
    public static string DataDirectory => Path.Combine(AppContext.BaseDirectory, "Data");

    public static string TrainPath => Path.Combine(DataDirectory, "train.txt");

    public static string HeldOutPath => Path.Combine(DataDirectory, "heldout.txt");

    /// <summary>The start of a sentence in the corpus's style, for <c>train</c> and <c>decode</c> to continue.</summary>
    public static string SamplePrompt(TokenizerKind kind) => kind == TokenizerKind.Char ? "The old mil" : "At dawn, the old";

    public static string Read(string path) =>
        File.Exists(path)
            ? File.ReadAllText(path).ReplaceLineEndings("\n")
            : throw new FileNotFoundException($"no text at {path}: the harness ships Data/train.txt and Data/heldout.txt next to its binary; pass --corpus/--heldout to use others", path);
}
