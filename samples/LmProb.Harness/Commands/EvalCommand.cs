using System.CommandLine;
using System.IO;
using LmProb.Harness.Display;
using LmProb.Harness.Language;
using Spectre.Console;

namespace LmProb.Harness.Commands;

/// <summary>
/// <c>eval</c>: perplexity, bits per token, bits per byte and sliding-window perplexity of the n-gram
/// model on held-out text (and on as much training text, for comparison), each with its tokenizer and
/// length convention.
/// </summary>
internal static class EvalCommand
{
    public static Command Create(HarnessConsole console)
    {
        var options = new ModelOptions();
        var heldOut = new Option<FileInfo?>("--heldout")
        {
            Description = "Held-out text. Default: the shipped Data/heldout.txt (30 KB, same grammar, another seed).",
        };
        var command = new Command("eval", "Perplexity, bits per token, bits per byte and sliding-window perplexity on held-out text.");
        options.AddTo(command);
        command.Options.Add(heldOut);
        command.SetAction(result => Run(console, options.Read(result), result.GetValue(heldOut)?.FullName ?? Corpus.HeldOutPath));
        return command;
    }

    public static void Run(HarnessConsole console, ModelSettings settings, string heldOutPath, bool brief = false)
    {
        console.Heading("eval: how well the n-gram predicts text it has not seen");
        var model = ModelProvider.Get(console, settings);
        var heldOutText = Corpus.Read(heldOutPath);
        var trainingText = Evaluation.Prefix(Corpus.Read(settings.CorpusPath), heldOutText.Length);
        var (heldOut, training) = console.WithProgress("scoring held-out and training text", progress =>
        {
            var a = Evaluation.Score(model, heldOutText);
            progress(0.5);
            return (a, Evaluation.Score(model, trainingText));
        });

        var unit = model.Tokenizer.Unit;
        var table = Tables.Create("metric", $"held-out ({Path.GetFileName(heldOutPath)})", "training text (its start)", "tokenizer", "length convention")
            .RightAlign(1, 2);
        table.AddTextRow("tokens scored", $"{heldOut.Predicted:N0}", $"{training.Predicted:N0}", unit,
            "every token once, predicted from the ones before it; <s> before the first is context only");
        table.AddTextRow("mean NLL", $"{heldOut.MeanNll:F4} nats", $"{training.MeanNll:F4} nats", unit,
            "Loss.NextTokenLoss(...).Mean: sum over the scored tokens / their count");
        table.AddTextRow("perplexity", $"{heldOut.Perplexity:F3}", $"{training.Perplexity:F3}", unit,
            "Metrics.Perplexity(mean NLL) = e^mean, per token");
        table.AddTextRow("bits per token", $"{heldOut.BitsPerToken:F4}", $"{training.BitsPerToken:F4}", unit,
            $"Metrics.BitsPerToken(mean NLL) = mean / ln 2, per {unit[..^1]}");
        table.AddTextRow("bits per byte", $"{heldOut.BitsPerByte:F4}", $"{training.BitsPerByte:F4}", unit,
            $"Metrics.BitsPerByte(total NLL, {heldOut.Bytes:N0} / {training.Bytes:N0} UTF-8 bytes): comparable across tokenizers");
        table.AddTextRow("uniform baseline", $"{System.Math.Log2(model.VocabSize):F4} bits/token", "", unit,
            $"log2 V, V = {model.VocabSize}: a model that knows nothing");
        if (heldOut.Unknown + training.Unknown > 0)
        {
            table.AddTextRow("<unk> tokens", $"{heldOut.Unknown}", $"{training.Unknown}", unit, "scored as one token each, which flatters the numbers a little");
        }
        console.Ansi.Write(table);
        CompareTokenizers(console, settings, model, heldOut, heldOutText);

        var ids = Evaluation.Ids(model, heldOutText);
        int[][] windows = brief
            ? [[4, 2], [model.Order, model.Order], [16, 8], [64, 32]]
            : [[2, 1], [4, 2], [model.Order, 1], [model.Order, model.Order], [16, 8], [64, 32], [1024, 512]];
        var sliding = Tables.Create("window W", "stride S", "calls", "perplexity", "tokens scored", "length convention (held-out, " + unit + ")")
            .RightAlign(0, 1, 2, 3, 4);
        var results = console.WithProgress("sliding-window perplexity", progress =>
        {
            var list = new (PerplexityResult Result, int Calls)[windows.Length];
            for (var i = 0; i < windows.Length; i++)
            {
                list[i] = Evaluation.SlidingWindow(model, ids, windows[i][0], windows[i][1]);
                progress((i + 1.0) / windows.Length);
            }
            return list;
        });
        for (var i = 0; i < windows.Length; i++)
        {
            var (w, s) = (windows[i][0], windows[i][1]);
            var least = w - s + 1;
            var context = least >= model.Order - 1
                ? $"every token sees ≥ {model.Order - 1} tokens of context, all the n-gram uses: = the full-text perplexity"
                : $"after the first window, tokens see {(least == w ? $"{w}" : $"{least}…{w}")} tokens of context; the n-gram would use {model.Order - 1}";
            var (result, calls) = results[i];
            sliding.AddTextRow($"{w}", $"{s}", $"{calls:N0}", $"{result.Perplexity:F3}", $"{result.Count:N0}", context);
        }
        console.Ansi.Write(sliding);
        console.Note("Metrics.SlidingWindowPerplexity(ids, V, W, S, model) scores every token after <s> exactly once; " +
                     "the window model is the n-gram seeing only the window's ids.");
    }

    /// <summary>The same held-out text under both tokenizers: per-token numbers differ, bits per byte compare.</summary>
    private static void CompareTokenizers(HarnessConsole console, ModelSettings settings, NGramModel model, TextScore score, string heldOutText)
    {
        var otherKind = model.Tokenizer.Kind == TokenizerKind.Char ? TokenizerKind.Word : TokenizerKind.Char;
        var other = ModelProvider.Get(console, settings with { Tokenizer = otherKind, Order = ModelSettings.DefaultOrder(otherKind), ModelPath = null });
        var otherScore = Evaluation.Score(other, heldOutText);
        var table = Tables.Create("same held-out text", "tokens scored", "perplexity", "bits per token", "bits per byte", "bytes")
            .RightAlign(1, 2, 3, 4, 5);
        foreach (var (m, s) in new[] { (model, score), (other, otherScore) })
        {
            table.AddTextRow($"{m.Tokenizer.Unit}, {m.Order}-gram", $"{s.Predicted:N0}", $"{s.Perplexity:F3} per {m.Tokenizer.Unit[..^1]}",
                $"{s.BitsPerToken:F4}", $"{s.BitsPerByte:F4}", $"{s.Bytes:N0}");
        }
        console.Ansi.Write(table);
        console.Note("Perplexity and bits per token depend on what a token is; bits per byte divides the same total NLL by the same bytes, so it compares models with different tokenizers.");
    }
}
