using System;
using System.Linq;
using LmProb.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LmProb.Tests;

/// <summary>
/// Measures the worst error of softmax, log-softmax and cross-entropy against double over random
/// rows of 32000 logits from several distributions, prints it, and enforces the bounds.
/// </summary>
public class AccuracyTests(ITestOutputHelper output)
{
    private const int Vocab = 32000;

    /// <summary>Rows from several distributions: normal at three scales, heavy-tailed, one huge logit, many ties, ±1e30 offsets.</summary>
    private static float[][] Rows32000()
    {
        var random = new Random(2026);
        float[] Make(Func<int, float> f) => Enumerable.Range(0, Vocab).Select(f).ToArray();
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return
        [
            Make(_ => (float)Normal()),
            Make(_ => (float)(3 * Normal())),
            Make(_ => (float)(10 * Normal())),
            Make(_ => (float)(Normal() / Math.Max(1e-3, random.NextDouble()))), // heavy-tailed (slash distribution)
            Make(i => i == 123 ? 40f : (float)Normal()),
            Make(i => (float)Math.Round(Normal())),
            Make(_ => 1e30f + (float)(1e24 * Normal())),
            Make(_ => -1e30f + (float)(1e24 * Normal())),
        ];
    }

    /// <summary>Error of a log-probability or loss: relative above 1 nat, absolute (in nats) below.</summary>
    private static double ErrorInNats(double expected, float actual) => Math.Abs(actual - expected) / Math.Max(1, Math.Abs(expected));

    [Fact]
    public void Float32_rows_of_32000()
    {
        double softmax = 0, softmaxTail = 0, logSoftmax = 0, crossEntropy = 0, softmaxAbs = 0;
        var p = new float[Vocab];
        var logp = new float[Vocab];
        foreach (var x in Rows32000())
        {
            var expectedP = Reference.Softmax(x);
            var expectedLogP = Reference.LogSoftmax(x);
            var max = x.Max();
            Probability.Softmax(x, p);
            Probability.LogSoftmax(x, logp);
            for (var i = 0; i < Vocab; i++)
            {
                var error = Math.Abs(p[i] - expectedP[i]);
                softmaxAbs = Math.Max(softmaxAbs, error);
                // Within 20 nats of the max the shifted logit x − max is rounded by at most 20·2^-24;
                // further out that rounding alone is up to |x − max|·6e-8 relative (reported apart).
                if (x[i] - (double)max >= -20)
                {
                    softmax = Math.Max(softmax, error / expectedP[i]);
                }
                else if (expectedP[i] > 1e-30)
                {
                    softmaxTail = Math.Max(softmaxTail, error / expectedP[i]);
                }
                logSoftmax = Math.Max(logSoftmax, ErrorInNats(expectedLogP[i], logp[i]));
            }
            foreach (var t in new[] { 0, 123, Vocab - 1 })
            {
                crossEntropy = Math.Max(crossEntropy, ErrorInNats(Reference.CrossEntropy(x, t), Loss.CrossEntropy(x, t)));
            }
        }
        output.WriteLine($"float32, V = {Vocab}: softmax max relative error {softmax:E2} within 20 nats of the max, {softmaxTail:E2} beyond (max absolute {softmaxAbs:E2}); log-softmax {logSoftmax:E2} and cross-entropy {crossEntropy:E2} (relative above 1 nat, absolute below)");
        Assert.True(softmax < 2e-6, $"softmax {softmax:E2}");
        Assert.True(softmaxTail < 1e-5, $"softmax tail {softmaxTail:E2}");
        Assert.True(softmaxAbs < 1e-7, $"softmax absolute {softmaxAbs:E2}");
        Assert.True(logSoftmax < 1e-6, $"log-softmax {logSoftmax:E2}");
        Assert.True(crossEntropy < 1e-6, $"cross-entropy {crossEntropy:E2}");
    }

    [Fact]
    public void BFloat16_rows_of_32000()
    {
        double softmax = 0, logSoftmax = 0, crossEntropy = 0;
        var p = new BFloat16[Vocab];
        var logp = new BFloat16[Vocab];
        foreach (var row in Rows32000())
        {
            var x = Rows.ToBFloat16(row);
            var widened = Rows.ToSingle(x);
            var expectedP = Reference.Softmax(widened);
            var expectedLogP = Reference.LogSoftmax(widened);
            Probability.Softmax(x, p);
            Probability.LogSoftmax(x, logp);
            for (var i = 0; i < Vocab; i++)
            {
                if (expectedP[i] > 1e-30)
                {
                    softmax = Math.Max(softmax, Math.Abs((float)p[i] - expectedP[i]) / expectedP[i]);
                }
                if (Math.Abs(expectedLogP[i]) >= 1)
                {
                    logSoftmax = Math.Max(logSoftmax, ErrorInNats(expectedLogP[i], (float)logp[i]));
                }
            }
            foreach (var t in new[] { 0, 123, Vocab - 1 })
            {
                crossEntropy = Math.Max(crossEntropy, ErrorInNats(Reference.CrossEntropy(widened, t), Loss.CrossEntropy(x, t)));
            }
        }
        output.WriteLine($"bfloat16 in and out, V = {Vocab}: softmax max relative error {softmax:E2}, log-softmax {logSoftmax:E2} where |log p| ≥ 1 (half a bf16 ulp is 3.9e-3); cross-entropy (float out) {crossEntropy:E2}");
        // Correctly rounded results are within half an ulp (2^-8 relative); allow the float error on top.
        Assert.True(softmax <= Math.Pow(2, -8) + 2e-6, $"softmax {softmax:E2}");
        Assert.True(logSoftmax <= Math.Pow(2, -8) + 2e-6, $"log-softmax {logSoftmax:E2}");
        Assert.True(crossEntropy < 1e-6, $"cross-entropy {crossEntropy:E2}");
    }
}
