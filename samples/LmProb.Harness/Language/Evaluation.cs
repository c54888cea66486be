using System;
using System.Text;

namespace LmProb.Harness.Language;

/// <summary>How well a model predicts a text, with the length convention each number uses.</summary>
/// <param name="Predicted">Tokens scored: every token of the text, each predicted once from the ones before
/// it (the text is preceded by <c>&lt;s&gt;</c>, which is context only).</param>
/// <param name="Bytes">UTF-8 bytes of the text: the same for every tokenizer, so bits per byte compare across them.</param>
internal readonly record struct TextScore(string Unit, long Predicted, long Bytes, int Unknown, double TotalNll, double MeanNll)
{
    public double Perplexity => Metrics.Perplexity(MeanNll);

    public double BitsPerToken => Metrics.BitsPerToken(MeanNll);

    public double BitsPerByte => Metrics.BitsPerByte(TotalNll, Bytes);
}

internal static class Evaluation
{
    /// <summary>The ids the model scores a text as: <c>&lt;s&gt;</c> then the text's tokens.</summary>
    public static int[] Ids(NGramModel model, string text) => [Tokenizer.Bos, .. model.Tokenizer.Encode(text)];

    /// <summary>
    /// Scores <paramref name="text"/> with <see cref="Loss.NextTokenLoss(ReadOnlySpan{float}, int, ReadOnlySpan{int}, ReadOnlySpan{bool}, CrossEntropyOptions?)"/>
    /// on the model's log-probability rows (row t predicts token t + 1; the mean is over the counted targets).
    /// </summary>
    public static TextScore Score(NGramModel model, string text)
    {
        var ids = Ids(model, text);
        var logits = model.LogProbabilityRows(ids);
        var loss = Loss.NextTokenLoss(logits, model.VocabSize, ids);
        var unknown = Array.FindAll(ids, id => id == Tokenizer.Unknown).Length;
        return new TextScore(model.Tokenizer.Unit, loss.Count, Encoding.UTF8.GetByteCount(text), unknown, loss.Sum, loss.Mean);
    }

    /// <summary>
    /// <see cref="Metrics.SlidingWindowPerplexity"/> with the n-gram as the window model: a window's rows
    /// see only the window's own tokens, so the first rows of every window but the first get a shorter
    /// history than the full-text score gives them. Also returns how many windows the model was asked for.
    /// </summary>
    public static (PerplexityResult Result, int Calls) SlidingWindow(NGramModel model, int[] ids, int window, int stride)
    {
        var calls = 0;
        var result = Metrics.SlidingWindowPerplexity(ids, model.VocabSize, window, stride, windowIds =>
        {
            calls++;
            return model.LogProbabilityRows(windowIds);
        });
        return (result, calls);
    }

    /// <summary>The first paragraphs of <paramref name="text"/> up to about <paramref name="length"/> characters.</summary>
    public static string Prefix(string text, int length)
    {
        if (text.Length <= length)
        {
            return text;
        }
        var cut = text.LastIndexOf("\n\n", length, StringComparison.Ordinal);
        return cut > 0 ? text[..(cut + 1)] : text[..length];
    }
}
