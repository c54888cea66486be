// Deliberately buggy: each method makes one of the mistakes the LMP analyzers catch.
// Compiled only with `dotnet build samples/LmProb.Harness -p:ShowLmProbDiagnostics=true`.
using System;
using System.Linq;
using LmProb;

namespace LmProb.Harness.Mistakes;

internal static class ClassicMistakes
{
    /// <summary>LMP001: the targets are the inputs themselves, so each position is scored on the token it already sees.</summary>
    public static double UnshiftedLabels(Func<int[], float[]> model, int[] inputIds, int vocabSize)
    {
        var logits = model(inputIds);
        return Loss.CrossEntropy(logits, vocabSize, inputIds).Mean;
    }

    /// <summary>LMP002: log of a softmax gives -inf once a probability underflows.</summary>
    public static float LogOfSoftmax(float[] logits, int target)
    {
        var probabilities = new float[logits.Length];
        Probability.Softmax(logits, probabilities);
        return -MathF.Log(probabilities[target]);
    }

    /// <summary>LMP003: a masked sum divided by the padded length.</summary>
    public static float PaddedMean(float[] losses, bool[] mask)
    {
        var sum = 0f;
        for (var i = 0; i < losses.Length; i++)
        {
            if (mask[i])
            {
                sum += losses[i];
            }
        }
        return sum / losses.Length;
    }

    /// <summary>LMP004: exp of raw logits overflows at 88.7; [1000, 999, 997] gives NaN.</summary>
    public static float[] SoftmaxWithoutMax(float[] logits)
    {
        var exps = logits.Select(MathF.Exp).ToArray();
        var sum = exps.Sum();
        return exps.Select(e => e / sum).ToArray();
    }

    /// <summary>LMP006: an epsilon hides log(0) but caps the loss at 27.6 nats and biases it.</summary>
    public static float EpsilonInLog(float[] logits, int target)
    {
        var probabilities = new float[logits.Length];
        Probability.Softmax(logits, probabilities);
        return -MathF.Log(probabilities[target] + 1e-12f);
    }

    /// <summary>LMP007: binary cross-entropy from a sigmoid, infinite for a confident logit (sigmoid(40) = 1).</summary>
    public static float BinaryCrossEntropyFromSigmoid(float logit, float label)
    {
        var p = 1f / (1f + MathF.Exp(-logit));
        return -(label * MathF.Log(p) + (1 - label) * MathF.Log(1 - p));
    }

    /// <summary>LMP008: perplexity of a total NLL grows with the length (1000 tokens at 2 nats: e^2000 = inf).</summary>
    public static double PerplexityOfTotal(float[] tokenLosses) => Math.Exp(tokenLosses.Sum());

    /// <summary>LMP009: a temperature of 0 divides by zero; a negative one flips the distribution.</summary>
    public static void Temper(float[] logits, float temperature)
    {
        for (var i = 0; i < logits.Length; i++)
        {
            logits[i] /= temperature;
        }
    }

    /// <summary>LMP010: E[x²] − E[x]² cancels catastrophically when the mean is large.</summary>
    public static double NaiveVariance(float[] x)
    {
        var mean = x.Average();
        return x.Select(v => (double)v * v).Average() - mean * mean;
    }

    /// <summary>LMP012: ranking hypotheses by raw log-probability sum always prefers the shorter one.</summary>
    public static float[] BestByRawSum(float[][] candidateLogProbabilities) =>
        candidateLogProbabilities.OrderByDescending(c => c.Sum()).First();
}
