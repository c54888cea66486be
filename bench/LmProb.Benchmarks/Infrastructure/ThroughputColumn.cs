using System;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LmProb.Benchmarks.Infrastructure;

/// <summary>
/// Elements (or bytes) processed per second, from the <em>minimum</em> time, so one row of every
/// table can be compared with the targets (G elements/s) and with memory bandwidth (GB/s).
/// </summary>
/// <remarks>
/// Elements per operation = parameter <c>V</c> times parameter <c>Rows</c> when the class has it.
/// Bytes per element come from the <c>DType</c> parameter (<see cref="KernelElementType"/>) and are
/// 4 otherwise; only the bytes read from the input row are counted. The minimum rather than the mean
/// or median: on a shared machine an iteration that loses the CPU is slow, never fast, so the
/// minimum is the best estimate of the undisturbed speed (see <see cref="MinimumRatioColumn"/>).
/// </remarks>
internal sealed class ThroughputColumn : IColumn
{
    private readonly bool _bytes;

    private ThroughputColumn(bool bytes) => _bytes = bytes;

    /// <summary>G elements per second.</summary>
    public static readonly IColumn Elements = new ThroughputColumn(bytes: false);

    /// <summary>GB (10⁹ bytes) of input read per second.</summary>
    public static readonly IColumn Bytes = new ThroughputColumn(bytes: true);

    public string Id => _bytes ? "LmProb.GBps" : "LmProb.GElemps";

    public string ColumnName => _bytes ? "GB/s" : "G elem/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => _bytes ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => _bytes
        ? "Input bytes read per second (10^9), from the minimum time"
        : "Row elements processed per second (10^9), from the minimum time";

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => ElementsPerOperation(c) > 0);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var elements = ElementsPerOperation(benchmarkCase);
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (elements <= 0 || statistics is null || !(statistics.Min > 0))
        {
            return "NA";
        }
        var perNanosecond = elements / statistics.Min;
        if (_bytes)
        {
            perNanosecond *= BytesPerElement(benchmarkCase);
        }
        return perNanosecond.ToString("0.00", CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;

    /// <summary>V × Rows, or 0 when the case has no V parameter.</summary>
    internal static double ElementsPerOperation(BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Parameters["V"] is not int vocabSize)
        {
            return 0;
        }
        var rows = benchmarkCase.Parameters["Rows"] is int r ? r : 1;
        return (double)vocabSize * rows;
    }

    private static int BytesPerElement(BenchmarkCase benchmarkCase) => benchmarkCase.Parameters["DType"] switch
    {
        KernelElementType.Float16 or KernelElementType.BFloat16 => 2,
        _ => sizeof(float),
    };
}
