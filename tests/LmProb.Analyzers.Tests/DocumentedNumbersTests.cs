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
}
