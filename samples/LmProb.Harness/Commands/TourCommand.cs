using System;
using LmProb.Harness.Language;

namespace LmProb.Harness.Commands;

/// <summary>No command: the textbook numbers, then a short run of the other commands.</summary>
internal static class TourCommand
{
    public static void Run(HarnessConsole console)
    {
        TextbookCommand.Run(console.Plain);
        var chars = ModelSettings.Default(TokenizerKind.Char);
        var words = ModelSettings.Default(TokenizerKind.Word);
        TrainCommand.Run(console, chars);
        EvalCommand.Run(console, chars, Corpus.HeldOutPath, brief: true);
        DecodeCommand.Run(console, words);
        CalibrateCommand.Run(console, words, Corpus.HeldOutPath, brief: true);
        LossesCommand.Run(console);
        BenchCommand.Run(console, TimeSpan.FromMilliseconds(60));
    }
}
