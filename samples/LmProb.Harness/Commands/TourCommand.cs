namespace LmProb.Harness.Commands;

/// <summary>No command: the textbook numbers.</summary>
internal static class TourCommand
{
    public static void Run(HarnessConsole console) => TextbookCommand.Run(console.Plain);
}
