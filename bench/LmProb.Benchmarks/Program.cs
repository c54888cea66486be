using System;
using System.Linq;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Running;
using LmProb.Benchmarks.Infrastructure;

namespace LmProb.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/LmProb.Benchmarks -- --filter '*' [--quick]</c>.
/// Every other argument is BenchmarkDotNet's (<c>--filter</c>, <c>--job</c>, <c>--list flat</c>, …).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var quick = args.Contains("--quick");
        var benchmarkArgs = args.Where(a => a != "--quick").ToArray();
        Console.WriteLine($"Vector512.IsHardwareAccelerated = {Vector512.IsHardwareAccelerated}, " +
            $"Vector256.IsHardwareAccelerated = {Vector256.IsHardwareAccelerated}, ProcessorCount = {Environment.ProcessorCount}" +
            (quick ? "; --quick: 2 launches x (20 warm-up + 50 iterations of 5 ms), DOTNET_TieredCompilation=0" : ""));
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(benchmarkArgs, BenchmarkConfig.Create(quick));
        var failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }
}
