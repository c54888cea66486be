using System;
using System.Diagnostics;

namespace LmProb.Harness;

/// <summary>
/// Stopwatch timing for the tour: two actions in alternating rounds, the median per call of each. Rough
/// by design (a shared machine, no outlier analysis, no isolation); the BenchmarkDotNet suite is the
/// real measurement.
/// </summary>
internal static class QuickTimer
{
    private const int Rounds = 5;

    /// <summary>Microseconds per call of <paramref name="a"/> and <paramref name="b"/>, spending about <paramref name="budget"/> in all.</summary>
    public static (double A, double B) Compare(Action a, Action b, TimeSpan budget)
    {
        var round = budget / 2 / Rounds;
        var calls = CallsIn(a, round);
        CallsIn(b, round / 4);
        var timesA = new double[Rounds];
        var timesB = new double[Rounds];
        for (var i = 0; i < Rounds; i++)
        {
            timesA[i] = Measure(a, calls);
            timesB[i] = Measure(b, calls);
        }
        return (Median(timesA), Median(timesB));
    }

    /// <summary>Runs <paramref name="action"/> for a quarter of <paramref name="round"/>; returns how many calls fill a whole one.</summary>
    private static int CallsIn(Action action, TimeSpan round)
    {
        var stopwatch = Stopwatch.StartNew();
        var n = 0;
        do
        {
            action();
            n++;
        }
        while (stopwatch.Elapsed < round / 4);
        return Math.Max(1, (int)(n * (round / stopwatch.Elapsed)));
    }

    private static double Measure(Action action, int calls)
    {
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            action();
        }
        return stopwatch.Elapsed.TotalMicroseconds / calls;
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }
}
