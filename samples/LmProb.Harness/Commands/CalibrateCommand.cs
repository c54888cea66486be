using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using LmProb.Harness.Display;
using LmProb.Harness.Language;
using Spectre.Console;

namespace LmProb.Harness.Commands;

/// <summary>
/// <c>calibrate</c>: is the model as sure as it is right? <see cref="Metrics.ExpectedCalibrationError"/>
/// of its top-1 next-token predictions on held-out text, the reliability diagram as a table and a PNG,
/// and how temperature moves ECE and NLL.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create(HarnessConsole console)
    {
        var options = new ModelOptions();
        var heldOut = new Option<FileInfo?>("--heldout") { Description = "Held-out text. Default: the shipped Data/heldout.txt." };
        var bins = new Option<int>("--bins") { Description = "Number of equal-width confidence bins.", DefaultValueFactory = _ => 10 };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Where to write the reliability diagram PNG. Default: $TMPDIR/lmprob-harness/reliability-<tokenizer>.png." };
        var command = new Command("calibrate", "Expected calibration error of the next-token predictions, with a reliability diagram (table and PNG).");
        options.AddTo(command);
        command.Options.Add(heldOut);
        command.Options.Add(bins);
        command.Options.Add(output);
        command.SetAction(result => Run(console, options.Read(result), result.GetValue(heldOut)?.FullName ?? Corpus.HeldOutPath,
            result.GetValue(bins), result.GetValue(output)?.FullName));
        return command;
    }

    public static void Run(HarnessConsole console, ModelSettings settings, string heldOutPath, int bins = 10, string? pngPath = null, bool brief = false)
    {
        console.Heading("calibrate: is the model as sure as it is right?");
        var model = ModelProvider.Get(console, settings);
        var ids = Evaluation.Ids(model, Corpus.Read(heldOutPath));
        var logits = model.LogProbabilityRows(ids);
        var predictions = Predictions.Of(model, ids, logits);
        var ece = predictions.ExpectedCalibrationError(bins);
        var binStats = predictions.Bins(bins);
        var byHand = binStats.Where(b => b.Count > 0).Sum(b => (double)b.Count / predictions.Confidence.Length * Math.Abs(b.Gap));

        var table = Tables.Create("confidence", "predictions", "mean confidence", "accuracy", "gap", "accuracy (█) vs confidence (│)").RightAlign(1, 2, 3, 4);
        foreach (var bin in binStats)
        {
            table.AddTextRow($"({bin.Low:F1}, {bin.High:F1}]", $"{bin.Count:N0}",
                bin.Count > 0 ? $"{bin.MeanConfidence:F3}" : "–",
                bin.Count > 0 ? $"{bin.Accuracy:F3}" : "–",
                bin.Count > 0 ? $"{bin.Gap:+0.000;-0.000}" : "–",
                bin.Count > 0 ? Bar(bin.Accuracy, bin.MeanConfidence, 30) : "");
        }
        console.Ansi.Write(table);
        console.Line($"ECE = {ece:F4}  (Metrics.ExpectedCalibrationError(confidence, correct, bins: {bins}); Σ share × |accuracy − confidence| over the bins above = {byHand:F4})");
        console.Line($"top-1 accuracy {predictions.Accuracy:P1} over {predictions.Confidence.Length:N0} held-out {model.Tokenizer.Unit}; " +
                     $"confidence = max softmax probability, correct = Decoding.Greedy(row) is the actual next token");

        pngPath ??= Path.Combine(console.ArtifactsDirectory, $"reliability-{model.Tokenizer.Kind.ToString().ToLowerInvariant()}.png");
        var failure = ReliabilityDiagram.TryWrite(pngPath, binStats,
            $"{model.Tokenizer.Kind.ToString().ToLowerInvariant()} {model.Order}-gram, held-out: ECE {ece:F4}");
        console.Line(failure is null ? $"reliability diagram: {pngPath}" : $"reliability diagram not written ({failure}); the table above has the same numbers");

        var temperatures = brief ? new[] { 0.8f, 1f, 1.25f, 1.5f } : new[] { 0.5f, 0.8f, 0.9f, 1f, 1.1f, 1.25f, 1.5f, 2f };
        var scaled = temperatures.Select(t => t == 1 ? predictions : Predictions.Of(model, ids, logits, t)).ToArray();
        var bestNll = scaled.Min(p => p.MeanNll);
        var sweep = Tables.Create("temperature", "ECE", "mean NLL (nats)", "mean confidence", "reading").RightAlign(0, 1, 2, 3);
        for (var i = 0; i < temperatures.Length; i++)
        {
            var temperature = temperatures[i];
            var reading = temperature < 1 ? "sharper: more confident" : temperature > 1 ? "flatter: less confident" : "the model as trained";
            if (scaled[i].MeanNll == bestNll)
            {
                reading += " ← lowest NLL";
            }
            sweep.AddTextRow($"{temperature:0.00}", $"{scaled[i].ExpectedCalibrationError(bins):F4}", $"{scaled[i].MeanNll:F4}", $"{scaled[i].Confidence.Average():F3}", reading);
        }
        console.Ansi.Write(sweep);
        console.Note("Temperature scaling divides the logits by T before the softmax (Probability.Softmax(row, p, T)); " +
                     "the T with the lowest NLL on held-out text is the usual post-hoc calibration.");
    }

    /// <summary>A text bar: accuracy filled, mean confidence marked.</summary>
    private static string Bar(double accuracy, double confidence, int width)
    {
        var filled = (int)Math.Round(accuracy * width);
        var mark = Math.Clamp((int)Math.Round(confidence * width) - 1, 0, width - 1);
        var cells = Enumerable.Range(0, width).Select(i => i < filled ? '█' : ' ').ToArray();
        cells[mark] = '│';
        return new string(cells);
    }
}
