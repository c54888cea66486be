using LmProb.Harness.Language;

namespace LmProb.Harness.Commands;

/// <summary>No command: the textbook numbers, then a short run of the other commands.</summary>
internal static class TourCommand
{
    public static void Run(HarnessConsole console)
    {
        TextbookCommand.Run(console.Plain);
        var chars = ModelSettings.Default(TokenizerKind.Char);
        TrainCommand.Run(console, chars);
        EvalCommand.Run(console, chars, Corpus.HeldOutPath, brief: true);
    }
}
