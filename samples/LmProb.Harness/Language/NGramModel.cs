using System;
using System.Collections.Generic;
using System.Linq;

namespace LmProb.Harness.Language;

/// <summary>
/// An n-gram language model with interpolated Kneser–Ney smoothing (Chen &amp; Goodman 1998, "An
/// empirical study of smoothing techniques", eq. 26 with one absolute discount per order,
/// <c>D = n1 / (n1 + 2·n2)</c>), interpolated at the bottom with the uniform distribution, so every
/// token of the vocabulary has a probability above 0 and each context's probabilities sum to 1.
/// </summary>
/// <remarks>
/// <para>
/// For a history <c>h</c> and order <c>k</c> (context of the last <c>k − 1</c> tokens):
/// <c>p_k(w | h) = max(c_k(h w) − D_k, 0) / c_k(h·) + D_k · N1+(h·) / c_k(h·) · p_{k−1}(w | h')</c>,
/// where <c>c_N</c> is the raw count at the highest order and <c>c_k</c> below it is the continuation
/// count <c>N1+(· h w)</c> (how many distinct tokens precede <c>h w</c>), and <c>p_0</c> is uniform.
/// A context never seen at order <c>k</c> uses <c>p_{k−1}</c> unchanged.
/// </para>
/// <para>
/// Training pads the text on the left with <c>N − 1</c> <c>&lt;s&gt;</c> tokens, so the first tokens are
/// predicted from "start of text". The model is fully described by its vocabulary and the counts of its
/// <c>N</c>-grams (<see cref="NGramCounts"/>); everything else is derived from them when it is built,
/// which is what <see cref="NGramModelFile"/> relies on.
/// </para>
/// <para>
/// Keys pack an n-gram's token ids into a <see cref="ulong"/>, <see cref="BitsPerToken"/> bits each, oldest
/// first, so a model's <c>Order × BitsPerToken</c> must stay under 64 (a char 10-gram, a word 7-gram).
/// </para>
/// </remarks>
internal sealed class NGramModel
{
    private readonly Level[] _levels;

    private NGramModel(Tokenizer tokenizer, int order, IReadOnlyDictionary<ulong, int> ngramCounts)
    {
        Tokenizer = tokenizer;
        Order = order;
        BitsPerToken = BitsFor(tokenizer.VocabSize);
        NGramCounts = ngramCounts;
        _levels = BuildLevels(order, BitsPerToken, ngramCounts);
    }

    public Tokenizer Tokenizer { get; }

    public int VocabSize => Tokenizer.VocabSize;

    /// <summary>N: the model sees at most <c>N − 1</c> tokens of history.</summary>
    public int Order { get; }

    public int BitsPerToken { get; }

    /// <summary>The training counts of every N-gram, keyed by the packed ids.</summary>
    public IReadOnlyDictionary<ulong, int> NGramCounts { get; }

    /// <summary>The absolute discount <c>D_k</c> of each order <c>k = 1 … N</c> (index <c>k − 1</c>).</summary>
    public IReadOnlyList<double> Discounts => _levels.Select(level => level.Discount).ToArray();

    /// <summary>The number of distinct contexts each order has statistics for (index <c>k − 1</c>).</summary>
    public IReadOnlyList<int> ContextCounts => _levels.Select(level => level.Contexts.Count).ToArray();

    /// <summary>Counts the N-grams of <paramref name="tokens"/> (left-padded with <c>&lt;s&gt;</c>) and builds the model.</summary>
    /// <param name="progress">Called with the fraction done, now and then.</param>
    public static NGramModel Train(Tokenizer tokenizer, ReadOnlySpan<int> tokens, int order, Action<double>? progress = null)
    {
        var bits = BitsFor(tokenizer.VocabSize);
        if (order < 1 || order * bits > 63)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order,
                $"order must be in [1, {63 / bits}] for a vocabulary of {tokenizer.VocabSize} ({bits} bits per token)");
        }
        var mask = Mask(order, bits);
        var counts = new Dictionary<ulong, int>();
        ulong key = 0; // order − 1 <s> tokens: id 0, so the key starts at 0.
        for (var i = 0; i < tokens.Length; i++)
        {
            key = ((key << bits) | (uint)tokens[i]) & mask;
            ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _);
            count++;
            if (progress is not null && (i & 0xFFFF) == 0)
            {
                progress((double)i / tokens.Length);
            }
        }
        progress?.Invoke(1);
        return new NGramModel(tokenizer, order, counts);
    }

    /// <summary>A model from saved N-gram counts (see <see cref="NGramModelFile"/>).</summary>
    public static NGramModel FromCounts(Tokenizer tokenizer, int order, IReadOnlyDictionary<ulong, int> ngramCounts) =>
        new(tokenizer, order, ngramCounts);

    /// <summary>
    /// Writes <c>p(· | history)</c> for every token of the vocabulary into <paramref name="destination"/>.
    /// Only the last <c>N − 1</c> tokens of <paramref name="history"/> are used; a shorter history is a
    /// shorter context (no padding is added here).
    /// </summary>
    public void Probabilities(ReadOnlySpan<int> history, Span<double> destination)
    {
        if (destination.Length != VocabSize)
        {
            throw new ArgumentException($"destination.Length {destination.Length} is not the vocabulary size {VocabSize}", nameof(destination));
        }
        destination.Fill(1.0 / VocabSize);
        for (var k = 1; k <= Order; k++)
        {
            var contextLength = k - 1;
            if (contextLength > history.Length)
            {
                break;
            }
            var context = Pack(history[(history.Length - contextLength)..]);
            if (!_levels[k - 1].Contexts.TryGetValue(context, out var stats))
            {
                break; // unseen here, so unseen at every longer context too
            }
            var discount = _levels[k - 1].Discount;
            var backoff = discount * stats.Tokens.Length / stats.Total;
            for (var w = 0; w < destination.Length; w++)
            {
                destination[w] *= backoff;
            }
            for (var j = 0; j < stats.Tokens.Length; j++)
            {
                destination[stats.Tokens[j]] += (stats.Counts[j] - discount) / stats.Total;
            }
        }
    }

    /// <summary>
    /// The natural-log probabilities of the token after each position of <paramref name="ids"/>, as
    /// <c>ids.Length × VocabSize</c> row-major logits (row <c>t</c> predicts <c>ids[t + 1]</c>), the shape
    /// <see cref="Loss.NextTokenLoss(ReadOnlySpan{float}, int, ReadOnlySpan{int}, ReadOnlySpan{bool}, CrossEntropyOptions?)"/>
    /// and <see cref="Metrics.SlidingWindowPerplexity"/> take. Row <c>t</c> sees <c>ids[..(t + 1)]</c> only;
    /// when <c>ids[0]</c> is <c>&lt;s&gt;</c> the history is padded with <c>&lt;s&gt;</c> as in training.
    /// </summary>
    public float[] LogProbabilityRows(ReadOnlySpan<int> ids)
    {
        var padded = ids.Length > 0 && ids[0] == Tokenizer.Bos;
        var pad = padded ? Order - 2 : 0;
        var history = new int[Math.Max(pad, 0) + ids.Length];
        ids.CopyTo(history.AsSpan(history.Length - ids.Length));
        var rows = new float[ids.Length * VocabSize];
        var p = new double[VocabSize];
        for (var t = 0; t < ids.Length; t++)
        {
            var end = history.Length - ids.Length + t + 1;
            Probabilities(history.AsSpan(0, end), p);
            var row = rows.AsSpan(t * VocabSize, VocabSize);
            for (var w = 0; w < p.Length; w++)
            {
                row[w] = (float)Math.Log(p[w]);
            }
        }
        return rows;
    }

    /// <summary>Log-probabilities of the next token after <paramref name="history"/>, as floats.</summary>
    public float[] NextLogProbabilities(ReadOnlySpan<int> history)
    {
        var p = new double[VocabSize];
        Probabilities(history, p);
        return p.Select(v => (float)Math.Log(v)).ToArray();
    }

    internal static int BitsFor(int vocabSize) => Math.Max(1, 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(vocabSize - 1)));

    private ulong Pack(ReadOnlySpan<int> ids)
    {
        ulong key = 0;
        foreach (var id in ids)
        {
            key = (key << BitsPerToken) | (uint)id;
        }
        return key;
    }

    private static ulong Mask(int tokens, int bits) => tokens * bits >= 64 ? ulong.MaxValue : (1UL << (tokens * bits)) - 1;

    /// <summary>
    /// Order N uses the raw counts; each lower order k uses continuation counts: the number of distinct
    /// (k + 1)-grams a k-gram ends.
    /// </summary>
    private static Level[] BuildLevels(int order, int bits, IReadOnlyDictionary<ulong, int> ngramCounts)
    {
        var levels = new Level[order];
        IReadOnlyDictionary<ulong, int> counts = ngramCounts;
        for (var k = order; k >= 1; k--)
        {
            levels[k - 1] = Level.Build(counts, bits);
            if (k > 1)
            {
                var suffixMask = Mask(k - 1, bits);
                var continuation = new Dictionary<ulong, int>();
                foreach (var kgram in counts.Keys)
                {
                    ref var c = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(continuation, kgram & suffixMask, out _);
                    c++;
                }
                counts = continuation;
            }
        }
        return levels;
    }

    /// <summary>One order's statistics: each context's successors with their (raw or continuation) counts.</summary>
    private sealed class Level(Dictionary<ulong, ContextStats> contexts, double discount)
    {
        public Dictionary<ulong, ContextStats> Contexts { get; } = contexts;

        public double Discount { get; } = discount;

        public static Level Build(IReadOnlyDictionary<ulong, int> counts, int bits)
        {
            long n1 = 0, n2 = 0;
            var successors = new Dictionary<ulong, List<(int Token, int Count)>>();
            var tokenMask = (1UL << bits) - 1;
            foreach (var (kgram, count) in counts)
            {
                n1 += count == 1 ? 1 : 0;
                n2 += count == 2 ? 1 : 0;
                var context = kgram >> bits;
                if (!successors.TryGetValue(context, out var list))
                {
                    successors.Add(context, list = []);
                }
                list.Add(((int)(kgram & tokenMask), count));
            }
            // D = n1 / (n1 + 2 n2) is in (0, 1) whenever both are seen; 0.5 otherwise (tiny corpora).
            var discount = n1 > 0 && n2 > 0 ? (double)n1 / (n1 + 2 * n2) : 0.5;
            var contexts = new Dictionary<ulong, ContextStats>(successors.Count);
            foreach (var (context, list) in successors)
            {
                list.Sort((a, b) => a.Token.CompareTo(b.Token));
                contexts.Add(context, new ContextStats(
                    list.Select(s => s.Token).ToArray(),
                    list.Select(s => (double)s.Count).ToArray(),
                    list.Sum(s => (double)s.Count)));
            }
            return new Level(contexts, discount);
        }
    }

    private sealed record ContextStats(int[] Tokens, double[] Counts, double Total);
}
