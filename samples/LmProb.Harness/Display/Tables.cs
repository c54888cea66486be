using System.Linq;
using Spectre.Console;

namespace LmProb.Harness.Display;

/// <summary>The harness's table style: rounded borders, numbers right-aligned by the caller.</summary>
internal static class Tables
{
    public static Table Create(params string[] columns)
    {
        var table = new Table().RoundedBorder();
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)));
        }
        return table;
    }

    /// <summary>A two-column table of labels and values.</summary>
    public static Table KeyValue() => Create("", "").HideHeaders();

    /// <summary>Adds a row of plain (not markup) text.</summary>
    public static Table AddTextRow(this Table table, params string[] cells)
    {
        table.AddRow(cells.Select(cell => new Text(cell)).ToArray<Spectre.Console.Rendering.IRenderable>());
        return table;
    }

    public static Table RightAlign(this Table table, params int[] columns)
    {
        foreach (var column in columns)
        {
            table.Columns[column].RightAligned();
        }
        return table;
    }
}

/// <summary>How tokens print: whitespace made visible.</summary>
internal static class Tokens
{
    public static string Show(string token) => token switch
    {
        " " => "␠",
        "\n" => "⏎",
        _ => token,
    };

    /// <summary>Generated text on one line: newlines as ⏎.</summary>
    public static string OneLine(string text) => text.Replace("\n", "⏎", System.StringComparison.Ordinal);
}
