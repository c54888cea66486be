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
    /// The <c>--quick</c> job, made for a shared two-core machine: one process per case, 60 warm-up
    /// and 80 measured iterations of about 5 ms, no unrolling, no overhead stage (an empty call costs
    /// about 1 ns against microseconds). A row kernel takes 5–500 µs, so an iteration still runs
    /// 10–1000 operations, and exactly one for the 100 ms batched cases.
    /// </summary>
    /// <remarks>
    /// Short iterations: under load a 100 ms iteration almost always loses the CPU somewhere, a 5 ms
    /// one often does not, so the minimum and median of many short iterations track the undisturbed
    /// time.
    /// <para>
    /// <c>DOTNET_TieredCompilation=0</c>: every method is compiled fully optimized on its first call.
    /// With tiering on, the per-iteration log showed TensorPrimitives stepping down from tier 0 to
    /// tier 1 in the middle of the measured iterations (190 → 155 → 65 → 47 µs for one composed
    /// log-sum-exp), because the pilot sized iterations on tier-0 timings and the background tier-1
    /// compiles wait for CPU on a loaded machine; <c>DOTNET_TC_CallCountingDelayMs=0</c> did not
    /// cure it. Without tiering there is no PGO; the loops measured here have no virtual or
    /// interface calls for PGO to help, and LmProb's figures matched the tiered runs within noise.
    /// </para>
    /// </remarks>
    public static Job Quick { get; } = Job.Default
        .WithId("Quick")
        .WithLaunchCount(1)
        .WithWarmupCount(60)
        .WithIterationCount(80)
        .WithIterationTime(TimeInterval.FromMilliseconds(5))
        .WithUnrollFactor(1)
        .WithEvaluateOverhead(false)
        .WithEnvironmentVariable("DOTNET_TieredCompilation", "0");

    public static IConfig Create(bool quick)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min, MinimumRatioColumn.Instance, ThroughputColumn.Elements)
            .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond));
        return quick ? config.AddJob(Quick.AsDefault()) : config;
    }
}
