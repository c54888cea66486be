using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LmProb.Harness.Language;

namespace LmProb.Harness.Display;

/// <summary>Draws a reliability diagram (accuracy against confidence per bin) as a PNG with ScottPlot.</summary>
internal static class ReliabilityDiagram
{
    /// <summary>Writes the PNG; returns null on success, or why it could not (e.g. SkiaSharp's native library did not load).</summary>
    public static string? TryWrite(string path, IReadOnlyList<CalibrationBin> bins, string title)
    {
        try
        {
            Write(path, bins, title);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException or IOException or UnauthorizedAccessException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static void Write(string path, IReadOnlyList<CalibrationBin> bins, string title)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var plot = new ScottPlot.Plot();
        var width = bins.Count > 0 ? bins[0].High - bins[0].Low : 0.1;
        var filled = bins.Where(bin => bin.Count > 0).ToArray();

        var accuracy = plot.Add.Bars(filled.Select(bin => new ScottPlot.Bar
        {
            Position = (bin.Low + bin.High) / 2,
            Value = bin.Accuracy,
            Size = width * 0.9,
            FillColor = ScottPlot.Colors.SteelBlue,
        }).ToArray());
        accuracy.LegendText = "accuracy in the bin";

        var gaps = plot.Add.Bars(filled.Select(bin => new ScottPlot.Bar
        {
            Position = (bin.Low + bin.High) / 2,
            ValueBase = bin.Accuracy,
            Value = bin.MeanConfidence,
            Size = width * 0.9,
            FillColor = ScottPlot.Colors.OrangeRed.WithAlpha(0.45),
        }).ToArray());
        gaps.LegendText = "gap to mean confidence";

        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LineColor = ScottPlot.Colors.Gray;
        diagonal.LinePattern = ScottPlot.LinePattern.Dashed;
        diagonal.LegendText = "perfectly calibrated";

        plot.Title(title);
        plot.XLabel("confidence (top-1 probability)");
        plot.YLabel("accuracy (top-1 correct)");
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.SavePng(path, 640, 560);
    }
}
