using System.CommandLine;
using System.IO;
using LmProb.Harness.Language;

namespace LmProb.Harness.Commands;

/// <summary>
/// <c>corpus</c> (hidden): regenerates <c>Data/train.txt</c> and <c>Data/heldout.txt</c> from
/// <see cref="CorpusGrammar"/>, byte for byte. Only needed after changing the grammar.
/// </summary>
internal static class CorpusCommand
{
    public static Command Create(HarnessConsole console)
    {
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Directory to write train.txt and heldout.txt into (the repository's copy is samples/LmProb.Harness/Data).",
            Required = true,
        };
        var command = new Command("corpus", "Regenerate the shipped corpus from its grammar.") { Hidden = true };
        command.Options.Add(output);
        command.SetAction(result =>
        {
            var directory = result.GetValue(output)!;
            directory.Create();
            Write(console, Path.Combine(directory.FullName, "train.txt"), CorpusGrammar.TrainSeed, CorpusGrammar.TrainBytes);
            Write(console, Path.Combine(directory.FullName, "heldout.txt"), CorpusGrammar.HeldOutSeed, CorpusGrammar.HeldOutBytes);
        });
        return command;
    }

    private static void Write(HarnessConsole console, string path, ulong seed, int bytes)
    {
        var text = new CorpusGrammar(seed).Generate(bytes);
        File.WriteAllText(path, text);
        console.Line($"{path}: {text.Length:N0} bytes, seed {seed}");
    }
}
