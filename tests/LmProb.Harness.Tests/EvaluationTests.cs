using System;
using LmProb.Harness.Commands;
using LmProb.Harness.Language;

namespace LmProb.Harness.Tests;

public class EvaluationTests
{
    [Theory]
    [InlineData("char")]
    [InlineData("word")]
    public void Perplexity_on_training_text_is_lower_than_on_held_out_text(string tokenizer)
    {
        var kind = Enum.Parse<TokenizerKind>(tokenizer, ignoreCase: true);
        var model = ModelProvider.Train(ModelSettings.Default(kind), progress: null);
        var heldOutText = Corpus.Read(Corpus.HeldOutPath);
        var heldOut = Evaluation.Score(model, heldOutText);
        var training = Evaluation.Score(model, Evaluation.Prefix(Corpus.Read(Corpus.TrainPath), heldOutText.Length));

        Assert.True(training.Perplexity < heldOut.Perplexity, $"training {training.Perplexity} vs held-out {heldOut.Perplexity}");
        Assert.True(heldOut.Perplexity < model.VocabSize, "better than uniform");
        Assert.Equal(heldOut.MeanNll / Math.Log(2), heldOut.BitsPerToken, 1e-12);
        Assert.Equal(heldOut.TotalNll / Math.Log(2) / heldOut.Bytes, heldOut.BitsPerByte, 1e-12);
    }

    [Fact]
    public void Sliding_windows_that_cover_the_models_context_give_the_full_text_perplexity()
    {
        var model = ModelProvider.Train(ModelSettings.Default(TokenizerKind.Char) with { Order = 4 }, progress: null);
        var text = Evaluation.Prefix(Corpus.Read(Corpus.HeldOutPath), 3000);
        var full = Evaluation.Score(model, text);
        var ids = Evaluation.Ids(model, text);

        foreach (var (window, stride) in new[] { (ids.Length, 1), (64, 32), (4, 1) })
        {
            var (sliding, _) = Evaluation.SlidingWindow(model, ids, window, stride);
            Assert.Equal(full.Predicted, sliding.Count);
            Assert.Equal(full.Perplexity, sliding.Perplexity, 1e-9);
        }
        // Windows too short for the model's three tokens of history lose context, so perplexity rises.
        Assert.True(Evaluation.SlidingWindow(model, ids, 2, 2).Result.Perplexity > full.Perplexity * 1.5);
    }
}
