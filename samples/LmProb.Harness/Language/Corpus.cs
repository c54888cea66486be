using System;
using System.IO;

namespace LmProb.Harness.Language;

/// <summary>The texts shipped in <c>Data/</c> (copied next to the harness when it is built).</summary>
internal static class Corpus
{
    public static string DataDirectory => Path.Combine(AppContext.BaseDirectory, "Data");

    public static string TrainPath => Path.Combine(DataDirectory, "train.txt");

    public static string HeldOutPath => Path.Combine(DataDirectory, "heldout.txt");

    public static string Read(string path) =>
        File.Exists(path)
            ? File.ReadAllText(path).ReplaceLineEndings("\n")
            : throw new FileNotFoundException($"no text at {path}: the harness ships Data/train.txt and Data/heldout.txt next to its binary; pass --corpus/--heldout to use others", path);
}
