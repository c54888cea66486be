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
}
