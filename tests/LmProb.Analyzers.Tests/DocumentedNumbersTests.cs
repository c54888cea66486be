using System;
using System.Linq;
using System.Numerics.Tensors;

namespace LmProb.Analyzers.Tests;

/// <summary>
/// The worked numbers in docs/rules, computed for real: if a library changes (say a future
/// System.Numerics.Tensors subtracts the max in SoftMax) these fail and the page, the
/// descriptor text and the rule need revisiting.
/// </summary>
public class DocumentedNumbersTests
{
    [Theory]
    [InlineData(new float[] { 1000, 999, 997 })]
    [InlineData(new float[] { 89, 88, 0 })]
    [InlineData(new float[] { -200, -201, -203 })]
    public void Lmp004TensorPrimitivesSoftMaxReturnsNaNWhereProbabilitySoftmaxDoesNot(float[] logits)
    {
        var tensorPrimitives = new float[logits.Length];
        TensorPrimitives.SoftMax(logits, tensorPrimitives);
        var stable = new float[logits.Length];
        Probability.Softmax(logits, stable);

        Assert.True(float.IsNaN(tensorPrimitives[0]));
        Assert.All(stable, p => Assert.True(float.IsFinite(p)));
        Assert.Equal(1.0, stable.Sum(p => (double)p), 6);
    }

    [Fact]
    public void Lmp002LogOfSoftmaxIsMinusInfinityWhereLogSoftmaxIsFinite()
    {
        float[] logits = { 1000, 999, 0 };
        var p = new float[3];
        Probability.Softmax(logits, p);
        var logp = new float[3];
        Probability.LogSoftmax(logits, logp);

        Assert.Equal(float.NegativeInfinity, MathF.Log(p[2]));
        Assert.Equal(-1000.3132f, logp[2], 3);
    }

    [Fact]
    public void Lmp003PaddedMeanUnderstatesTheLoss()
    {
        // Two sequences of 10 and 2 real tokens padded to 10, loss 2.0 per real token.
        var mask = Enumerable.Range(0, 20).Select(i => i < 10 || i - 10 < 2).ToArray();
        var losses = mask.Select(m => m ? 2f : 0f).ToArray();
        Assert.Equal(2f, Loss.MaskedMean(losses, mask));
        Assert.Equal(1.2f, losses.Sum() / losses.Length, 6);
    }

    [Fact]
    public void Lmp005SoftmaxOverTheBatchAxisDoesNotSumToOne()
    {
        // Two sequences, one position, three tokens: A = [2, 1, 0], B = [0, 1, 2].
        float[] a = { 2, 1, 0 };
        float[] b = { 0, 1, 2 };
        var overVocabulary = new float[3];
        Probability.Softmax(a, overVocabulary);
        var overBatch = new float[3];
        for (var j = 0; j < 3; j++)
        {
            var column = new float[2];
            Probability.Softmax(new[] { a[j], b[j] }, column);
            overBatch[j] = column[0];
        }

        Assert.Equal(new[] { 0.6652f, 0.2447f, 0.0900f }, overVocabulary.Select(p => MathF.Round(p, 4)));
        Assert.Equal(new[] { 0.8808f, 0.5f, 0.1192f }, overBatch.Select(p => MathF.Round(p, 4)));
        Assert.Equal(1.5f, overBatch.Sum(), 5);
    }

    [Fact]
    public void Lmp006EpsilonCapsTheLossAndShrinksTheGradient()
    {
        float[] logits = { 0, -50 };
        var p = new float[2];
        Probability.Softmax(logits, p);
        var logp = new float[2];
        Probability.LogSoftmax(logits, logp);

        Assert.Equal(1.9287498e-22f, p[1], 1e-28f);
        Assert.Equal(-27.631021f, MathF.Log(p[1] + 1e-12f), 5);
        Assert.Equal(-27.631021f, MathF.Log(MathF.Max(p[1], 1e-12f)), 5);
        Assert.Equal(-50f, logp[1]);
        Assert.Equal(-50f, logits[1] - Probability.LogSumExp(logits));

        // d(-log(p + eps))/dz = -p(1 - p) / (p + eps); without eps it is p - 1.
        var gradient = -(double)p[1] * (1 - p[1]) / (p[1] + 1e-12);
        Assert.InRange(gradient, -2e-10, -1.9e-10);

        // Further apart the probability is 0 in float, and only the log-softmax is finite.
        float[] far = { 0, -110 };
        Probability.Softmax(far, p);
        Assert.Equal(0f, p[1]);
        Assert.Equal(-110f, far[1] - Probability.LogSumExp(far));
    }

    [Fact]
    public void Lmp007SigmoidRoundsToOneAndTheBceBecomesInfinityOrNaN()
    {
        static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
        static float NaiveBce(float x, float y) => -(y * MathF.Log(Sigmoid(x)) + (1 - y) * MathF.Log(1 - Sigmoid(x)));

        Assert.True(Sigmoid(16f) < 1f);
        Assert.Equal(1f, Sigmoid(17f));
        Assert.Equal(1f, Sigmoid(40f));
        Assert.True(1 / (1 + Math.Exp(-36.0)) < 1.0);
        Assert.Equal(1.0, 1 / (1 + Math.Exp(-37.0)));
        Assert.True(Sigmoid(-88f) > 0f);
        Assert.Equal(0f, Sigmoid(-89f));

        // A confident wrong prediction is +inf, a confident right one NaN (0 * -inf).
        Assert.Equal(float.PositiveInfinity, NaiveBce(40f, 0f));
        Assert.True(float.IsNaN(NaiveBce(40f, 1f)));
        Assert.True(float.IsNaN(NaiveBce(-100f, 0f)));

        Assert.Equal(40f, Loss.BinaryCrossEntropyWithLogits(40f, 0f));
        Assert.Equal(4.248354e-18f, Loss.BinaryCrossEntropyWithLogits(40f, 1f), 1e-23f);
        Assert.Equal(100f, Loss.BinaryCrossEntropyWithLogits(-100f, 1f));
        Assert.InRange(Loss.BinaryCrossEntropyWithLogits(-100f, 0f), 3.6e-44f, 3.9e-44f);

        // The epsilon cure caps the loss at -log(1e-7).
        Assert.Equal(16.118f, -MathF.Log(1 - Sigmoid(40f) + 1e-7f), 3);
    }

    [Fact]
    public void Lmp008ExpOfATotalGrowsWithTheLengthAndOverflows()
    {
        // Every token at 2 nats: the perplexity is e^2 whatever the length.
        var losses = Enumerable.Repeat(2f, 1000).ToArray();
        Assert.Equal(7.389056, Metrics.Perplexity(losses.Average()), 6);
        Assert.Equal(7.2e86, Math.Exp(losses.Take(100).Sum()), 7.2e86 * 1e-2);
        Assert.Equal(double.PositiveInfinity, Math.Exp(losses.Sum()));

        // 354 tokens still fit in double, 355 do not.
        Assert.True(double.IsFinite(Math.Exp(2.0 * 354)));
        Assert.Equal(double.PositiveInfinity, Math.Exp(2.0 * 355));
    }
}
