using System;
using System.IO;
using Spectre.Console;

namespace LmProb.Harness;

/// <summary>
/// Where the harness writes: <see cref="Ansi"/> for tables, rules and progress bars, <see cref="Plain"/>
/// for text that must come out exactly as written (the textbook numbers, <c>fingerprint</c>), and a
/// directory for files it writes (models, the reliability diagram). Tests pass a <see cref="StringWriter"/>.
/// </summary>
internal sealed class HarnessConsole(IAnsiConsole ansi, TextWriter plain, TextWriter error, string artifactsDirectory)
{
    private const int RedirectedWidth = 160;

    public IAnsiConsole Ansi { get; } = ansi;

    public TextWriter Plain { get; } = plain;

    /// <summary>Where System.CommandLine writes parse errors.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>Default home of the files the harness writes: <c>$TMPDIR/lmprob-harness</c>, so a run leaves the repository clean.</summary>
    public string ArtifactsDirectory { get; } = artifactsDirectory;

    public static string DefaultArtifactsDirectory => Path.Combine(Path.GetTempPath(), "lmprob-harness");

    public static HarnessConsole CreateSystem()
    {
        var ansi = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            ansi.Profile.Width = RedirectedWidth; // Spectre assumes 80 columns, which squeezes the tables
        }
        return new(ansi, Console.Out, Console.Error, DefaultArtifactsDirectory);
    }

    /// <summary>A console without colors or live rendering that writes everything to <paramref name="writer"/>.</summary>
    public static HarnessConsole CreateFor(TextWriter writer, string artifactsDirectory)
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        ansi.Profile.Width = RedirectedWidth;
        return new HarnessConsole(ansi, writer, writer, artifactsDirectory);
    }

    public void Heading(string title)
    {
        Ansi.WriteLine();
        Ansi.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());
    }

    public void Note(string text) => Ansi.MarkupLine($"[grey]{Markup.Escape(text)}[/]");

    /// <summary>A line as is: never wrapped, no markup.</summary>
    public void Line(string text = "") => Plain.WriteLine(text);

    /// <summary>
    /// Runs <paramref name="work"/> under a progress bar; <paramref name="work"/> reports its fraction done
    /// in [0, 1]. Where the output is not a terminal (a pipe, a log, a test) it prints one line with the
    /// elapsed time instead, since a bar cannot redraw there.
    /// </summary>
    public T WithProgress<T>(string description, Func<Action<double>, T> work)
    {
        if (!Ansi.Profile.Capabilities.Interactive || !Ansi.Profile.Capabilities.Ansi)
        {
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            var value = work(_ => { });
            Note($"{description}: {stopwatch.Elapsed.TotalSeconds:F2} s");
            return value;
        }
        var result = default(T)!;
        Ansi.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: 1);
                result = work(fraction => task.Value = Math.Clamp(fraction, 0, 1));
                task.Value = 1;
            });
        return result;
    }
}
