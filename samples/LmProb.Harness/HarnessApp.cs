using System.CommandLine;
using System.Globalization;
using LmProb.Harness.Commands;

namespace LmProb.Harness;

/// <summary>The command line: one command per part of the tour; no command runs the whole tour.</summary>
internal static class HarnessApp
{
    public static int Run(string[] args, HarnessConsole console)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var root = new RootCommand(
            "The LmProb harness: the textbook numbers first, then a tour of the product. " +
            "With no command it runs the short tour of everything below.");
        root.Subcommands.Add(TextbookCommand.Create(console));
        root.Subcommands.Add(TrainCommand.Create(console));
        root.Subcommands.Add(EvalCommand.Create(console));
        root.Subcommands.Add(DecodeCommand.Create(console));
        root.Subcommands.Add(CalibrateCommand.Create(console));
        root.Subcommands.Add(LossesCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        root.Subcommands.Add(KernelsCommand.Create(console));
        root.Subcommands.Add(FingerprintCommand.Create());
        root.Subcommands.Add(CorpusCommand.Create(console));
        root.SetAction(_ => TourCommand.Run(console));
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = console.Plain, Error = console.Error });
    }
}
