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
    /// The <c>--quick</c> job, made for a shared two-core machine: two processes per case, each with
    /// 20 warm-up and 50 measured iterations of about 5 ms, no unrolling, no overhead stage (an empty
    /// call costs about 1 ns against microseconds). A row kernel takes 5–500 µs, so an iteration
    /// still runs 10–1000 operations, and exactly one for the 100 ms batched cases.
    /// </summary>
    /// <remarks>
    /// Short iterations: under load a 100 ms iteration almost always loses the CPU somewhere, a 5 ms
    /// one often does not, so the minimum and median of many short iterations track the undisturbed
    /// time. Two launches: now and then a whole process runs 2–3× slower from start to end (same
    /// code, data and alignment; the cause is outside the process), and a second process keeps
    /// that from becoming the figure.
    /// <para>
    /// <c>DOTNET_TieredCompilation=0</c>: every method is compiled fully optimized on its first call.
    /// With tiering on, the per-iteration log showed TensorPrimitives stepping down from tier 0 to
    /// tier 1 in the middle of the measured iterations (190 → 155 → 65 → 47 µs for one composed
    /// log-sum-exp), because the pilot sized iterations on tier-0 timings and the background tier-1
    /// compiles wait for CPU on a loaded machine; <c>DOTNET_TC_CallCountingDelayMs=0</c> did not
    /// cure it. The price: no PGO, and framework code precompiled ReadyToRun runs as precompiled.
    /// LmProb's figures matched tiered runs within noise; standalone probes of TensorPrimitives'
    /// Exp and SoftMax ran 0–50% slower than tiered (the spread is this machine's noise), so the
    /// ratios against TensorPrimitives may flatter LmProb by up to that much. On a quiet machine,
    /// run without <c>--quick</c> for BenchmarkDotNet's default, tiered measurement.
    /// </para>
    /// </remarks>
    public static Job Quick { get; } = Job.Default
        .WithId("Quick")
        .WithLaunchCount(2)
        .WithWarmupCount(20)
        .WithIterationCount(50)
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
