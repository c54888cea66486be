using System;
using System.Diagnostics;
using LmProb.Harness.Language;

namespace LmProb.Harness.Commands;

/// <summary>
/// No command: the textbook numbers, then a short run of every command (smaller tables and time budgets
/// than the commands themselves), in well under 30 seconds.
/// </summary>
internal static class TourCommand
{
    public static void Run(HarnessConsole console)
    {
        var stopwatch = Stopwatch.StartNew();
        TextbookCommand.Run(console.Plain);
        var chars = ModelSettings.Default(TokenizerKind.Char);
        var words = ModelSettings.Default(TokenizerKind.Word);
        TrainCommand.Run(console, chars);
        EvalCommand.Run(console, chars, Corpus.HeldOutPath, brief: true);
        DecodeCommand.Run(console, words);
        CalibrateCommand.Run(console, words, Corpus.HeldOutPath, brief: true);
        LossesCommand.Run(console);
        BenchCommand.Run(console, TimeSpan.FromMilliseconds(60));
        KernelsCommand.Run(console, TimeSpan.FromMilliseconds(40));
        console.Line();
        console.Line($"Tour done in {stopwatch.Elapsed.TotalSeconds:F1} s. Each part is a command with more options: dotnet run -c Release --project samples/LmProb.Harness -- --help");
    }
}
