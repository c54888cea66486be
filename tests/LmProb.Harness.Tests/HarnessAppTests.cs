using System;
using System.IO;
using LmProb.Harness.Language;

namespace LmProb.Harness.Tests;

/// <summary>The commands run in-process through the same entry point as the executable.</summary>
public sealed class HarnessAppTests : IDisposable
{
    private readonly string _artifacts = Path.Combine(Path.GetTempPath(), $"lmprob-harness-test-{Guid.NewGuid():N}");

    [Fact]
    public void The_default_tour_exits_0_and_starts_with_the_textbook_numbers()
    {
        var (exitCode, output) = Run();

        Assert.True(exitCode == 0, output);
        Assert.StartsWith("LmProb harness" + Environment.NewLine + "SIMD: ", output, StringComparison.Ordinal);
        Assert.Contains("  naive exp(x)/sum:   [NaN, NaN, NaN]   (exp(1000) overflows)", output, StringComparison.Ordinal);
        Assert.Contains("  Probability.Softmax [0.705384, 0.259496, 0.035119]   sum 0.99999994", output, StringComparison.Ordinal);
        foreach (var part in new[] { "── train:", "── eval:", "── decode:", "── calibrate:", "── losses:", "── bench:", "── kernels:", "Tour done" })
        {
            Assert.Contains(part, output, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("DIFFERENT", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_artifacts, "reliability-word.png")), "the reliability diagram");
    }

    [Fact]
    public void A_model_saved_by_train_is_loaded_by_eval()
    {
        var path = Path.Combine(_artifacts, "word-3.ngram");
        var (trained, trainOutput) = Run("train", "--tokenizer", "word", "--order", "3", "--out", path);
        Assert.True(trained == 0, trainOutput);
        Assert.Contains("same probabilities", trainOutput, StringComparison.Ordinal);

        var (evaluated, evalOutput) = Run("eval", "--model", path);
        Assert.True(evaluated == 0, evalOutput);
        Assert.Contains("Loaded a word 3-gram model", evalOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_option_is_a_parse_error_not_a_crash()
    {
        var (exitCode, output) = Run("eval", "--tokenizer", "bytes");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("bytes", output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_artifacts))
        {
            Directory.Delete(_artifacts, recursive: true);
        }
    }

    private (int ExitCode, string Output) Run(params string[] args)
    {
        using var writer = new StringWriter();
        var exitCode = HarnessApp.Run(args, HarnessConsole.CreateFor(writer, _artifacts));
        return (exitCode, writer.ToString());
    }
}
