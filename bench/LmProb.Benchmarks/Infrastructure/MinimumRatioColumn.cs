using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LmProb.Benchmarks.Infrastructure;

/// <summary>
/// The ratio of a case's <em>minimum</em> time to its baseline's minimum time.
/// </summary>
/// <remarks>
/// BenchmarkDotNet's Ratio is a ratio of means. On a shared machine, a process that loses the CPU
/// during an iteration makes that iteration slow, never fast, so the minimum is the best estimate
/// of the undisturbed time, and the ratio of minimums is the steadiest comparison when the two
/// sides ran minutes apart under different load. Both are shown; when they disagree, the load changed.
/// </remarks>
internal sealed class MinimumRatioColumn : IColumn
{
    public static readonly IColumn Instance = new MinimumRatioColumn();

    public string Id => "LmProb.MinRatio";

    public string ColumnName => "Ratio(min)";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Baseline;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Minimum time / the baseline's minimum time";

    public bool IsAvailable(Summary summary) => summary.HasBaselines();

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        var current = summary[benchmarkCase]?.ResultStatistics;
        var reference = baseline is null ? null : summary[baseline]?.ResultStatistics;
        if (current is null || reference is null || !(reference.Min > 0))
        {
            return "?";
        }
        return (current.Min / reference.Min).ToString("0.00", CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;
}
