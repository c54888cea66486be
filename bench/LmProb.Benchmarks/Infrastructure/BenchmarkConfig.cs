using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;

namespace LmProb.Benchmarks.Infrastructure;

/// <summary>The configuration every benchmark class runs under.</summary>
internal static class BenchmarkConfig
{
    /// <summary>
    /// The <c>--quick</c> job: one process per case, 4 warm-up and 15 measured iterations of 100 ms.
    /// Kernels here take 5–500 µs, so each iteration still runs hundreds of operations; 15 iterations
    /// give the median something to stand on when other processes share the two cores. The overhead
    /// stage is skipped (an empty call costs about 1 ns against microseconds).
    /// </summary>
    public static Job Quick { get; } = Job.Default
        .WithId("Quick")
        .WithLaunchCount(1)
        .WithWarmupCount(4)
        .WithIterationCount(15)
        .WithIterationTime(TimeInterval.FromMilliseconds(100))
        .WithEvaluateOverhead(false);

    public static IConfig Create(bool quick)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min, ThroughputColumn.Elements)
            .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond));
        return quick ? config.AddJob(Quick.AsDefault()) : config;
    }
}
