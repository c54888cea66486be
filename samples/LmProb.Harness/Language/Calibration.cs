using System;

namespace LmProb.Harness.Language;

/// <summary>One equal-width confidence bin <c>(Low, High]</c> of a reliability diagram.</summary>
internal readonly record struct CalibrationBin(double Low, double High, int Count, double MeanConfidence, double Accuracy)
{
    public double Gap => Accuracy - MeanConfidence;
}

/// <summary>The model's top-1 next-token predictions on a text: how sure it was and whether it was right.</summary>
internal sealed record Predictions(float[] Confidence, bool[] Correct, double MeanNll)
{
    /// <summary>
    /// For every position of <paramref name="ids"/> but the last: confidence = the largest probability of
    /// <c>softmax(logits / temperature)</c>, correct = whether <see cref="Decoding.Greedy(ReadOnlySpan{float})"/>
    /// picked the actual next token; and the mean NLL of the actual tokens at that temperature.
    /// </summary>
    public static Predictions Of(NGramModel model, int[] ids, float[] logits, float temperature = 1)
    {
        var vocab = model.VocabSize;
        var count = ids.Length - 1;
        var confidence = new float[count];
        var correct = new bool[count];
        var p = new float[vocab];
        var logp = new float[vocab];
        double nll = 0;
        for (var t = 0; t < count; t++)
        {
            var row = logits.AsSpan(t * vocab, vocab);
            Probability.Softmax(row, p, temperature);
            var best = Decoding.Greedy(row);
            confidence[t] = p[best];
            correct[t] = best == ids[t + 1];
            Probability.LogSoftmax(row, logp, temperature);
            nll -= logp[ids[t + 1]];
        }
        return new Predictions(confidence, correct, nll / count);
    }

    /// <summary><see cref="Metrics.ExpectedCalibrationError"/> over <paramref name="bins"/> equal-width bins.</summary>
    public double ExpectedCalibrationError(int bins) => Metrics.ExpectedCalibrationError(Confidence, Correct, bins);

    public double Accuracy => Array.FindAll(Correct, c => c).Length / (double)Correct.Length;

    /// <summary>The bin <c>(b/bins, (b+1)/bins]</c> holding <paramref name="confidence"/>, decided by the edges themselves.</summary>
    private static int BinOf(double confidence, int bins)
    {
        var bin = (int)Math.Clamp(Math.Ceiling(confidence * bins) - 1, 0, bins - 1);
        while (bin > 0 && confidence <= (double)bin / bins)
        {
            bin--;
        }
        while (bin < bins - 1 && confidence > (double)(bin + 1) / bins)
        {
            bin++;
        }
        return bin;
    }

    /// <summary>The bins behind the ECE, by the same convention: <c>(lo, hi]</c>, a confidence of 0 in the first.</summary>
    public CalibrationBin[] Bins(int bins)
    {
        var count = new int[bins];
        var confidenceSum = new double[bins];
        var correctSum = new int[bins];
        for (var i = 0; i < Confidence.Length; i++)
        {
            var bin = BinOf(Confidence[i], bins);
            count[bin]++;
            confidenceSum[bin] += Confidence[i];
            correctSum[bin] += Correct[i] ? 1 : 0;
        }
        var result = new CalibrationBin[bins];
        for (var b = 0; b < bins; b++)
        {
            result[b] = new CalibrationBin((double)b / bins, (b + 1.0) / bins, count[b],
                count[b] > 0 ? confidenceSum[b] / count[b] : double.NaN,
                count[b] > 0 ? (double)correctSum[b] / count[b] : double.NaN);
        }
        return result;
    }
}
