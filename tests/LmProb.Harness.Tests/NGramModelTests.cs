using System;
using System.IO;
using System.Linq;
using LmProb.Harness.Language;

namespace LmProb.Harness.Tests;

public class NGramModelTests
{
    private static readonly string TrainingText = Corpus.Read(Corpus.TrainPath);

    [Theory]
    [InlineData("char", 1)]
    [InlineData("char", 3)]
    [InlineData("char", 8)]
    [InlineData("word", 2)]
    [InlineData("word", 4)]
    public void Probabilities_sum_to_one_and_are_positive_for_every_context(string tokenizer, int order)
    {
        var kind = Enum.Parse<TokenizerKind>(tokenizer, ignoreCase: true);
        var model = Train(kind, order);
        var tokens = model.Tokenizer.Encode(Evaluation.Prefix(TrainingText, 5000));
        var random = new Random(order);
        var p = new double[model.VocabSize];

        // Seen histories (every position of a training prefix), random ones (mostly unseen), the empty one,
        // start of text, and histories longer than the model uses.
        var histories = Enumerable.Range(0, tokens.Length).Select(t => tokens[Math.Max(0, t - order + 1)..t])
            .Concat(Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, random.Next(order + 3)).Select(_ => random.Next(model.VocabSize)).ToArray()))
            .Append([])
            .Append(Enumerable.Repeat(Tokenizer.Bos, order).ToArray());
        foreach (var history in histories)
        {
            model.Probabilities(history, p);
            Assert.All(p, v => Assert.True(v > 0, $"p = {v} after [{string.Join(", ", history)}]"));
            Assert.Equal(1.0, p.Sum(), 1e-12);
        }
    }

    [Fact]
    public void Interpolated_kneser_ney_matches_the_formula_worked_by_hand()
    {
        // "abcab", bigrams: (<s> a) (a b)×2 (b c) (c a); vocabulary <s> <unk> a b c.
        // Order 2: n1 = 3, n2 = 1, D2 = 3/5. Order 1 (continuation counts a:2 b:1 c:1): D1 = 2/4.
        // p1(a) = (2 − .5)/4 + .5·3/4·1/5 = .45, p1(b) = .2
        // p2(b | a) = (2 − .6)/2 + .6·1/2·p1(b) = .76, p2(a | a) = .6·1/2·p1(a) = .135
        var tokenizer = Tokenizer.Fit(TokenizerKind.Char, "abcab");
        var model = NGramModel.Train(tokenizer, tokenizer.Encode("abcab"), order: 2);
        var p = new double[tokenizer.VocabSize];
        model.Probabilities([tokenizer.IdOf("a")], p);
        Assert.Equal(0.76, p[tokenizer.IdOf("b")], 1e-12);
        Assert.Equal(0.135, p[tokenizer.IdOf("a")], 1e-12);
        model.Probabilities([], p);
        Assert.Equal(0.45, p[tokenizer.IdOf("a")], 1e-12);
        Assert.Equal(0.2, p[tokenizer.IdOf("b")], 1e-12);
        Assert.Equal([0.5, 0.6], model.Discounts);
    }

    [Theory]
    [InlineData("char")]
    [InlineData("word")]
    public void A_saved_model_loads_with_the_same_probabilities(string tokenizer)
    {
        var kind = Enum.Parse<TokenizerKind>(tokenizer, ignoreCase: true);
        var model = Train(kind, 3);
        var path = Path.Combine(Path.GetTempPath(), $"lmprob-harness-test-{Guid.NewGuid():N}.ngram");
        try
        {
            NGramModelFile.Save(model, path);
            var loaded = NGramModelFile.Load(path);
            Assert.Equal(model.Tokenizer.Vocabulary, loaded.Tokenizer.Vocabulary);
            var ids = Evaluation.Ids(model, Evaluation.Prefix(TrainingText, 2000));
            Assert.Equal(model.LogProbabilityRows(ids), loaded.LogProbabilityRows(ids));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_word_tokenizer_round_trips_the_corpus_so_bits_per_byte_is_honest()
    {
        var heldOut = Corpus.Read(Corpus.HeldOutPath);
        var tokenizer = Tokenizer.Fit(TokenizerKind.Word, TrainingText);
        var ids = tokenizer.Encode(heldOut);
        Assert.DoesNotContain(Tokenizer.Unknown, ids);
        Assert.Equal(heldOut, tokenizer.Decode(ids));
    }

    private static NGramModel Train(TokenizerKind kind, int order)
    {
        var tokenizer = Tokenizer.Fit(kind, TrainingText);
        return NGramModel.Train(tokenizer, tokenizer.Encode(TrainingText), order);
    }
}
