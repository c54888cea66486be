using System;
using BenchmarkDotNet.Attributes;

namespace LmProb.Benchmarks.Infrastructure;

/// <summary>Adds the GB/s column (input bytes read per second) to a benchmark class.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class BytesPerSecondAttribute : ColumnConfigBaseAttribute
{
    public BytesPerSecondAttribute()
        : base(ThroughputColumn.Bytes)
    {
    }
}
