using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using LmProb.Harness.Commands;

namespace LmProb.Harness.Language;

/// <summary>
/// Gets the model a command asked for: loads <see cref="ModelSettings.ModelPath"/> when given, else
/// trains on the corpus (a fraction of a second) and keeps it for the rest of the process, so the tour
/// trains each model once (<c>train</c>'s model included).
/// </summary>
internal static class ModelProvider
{
    private static readonly ConcurrentDictionary<(TokenizerKind, int, string), NGramModel> Trained = new();

    public static NGramModel Get(HarnessConsole console, ModelSettings settings)
    {
        var stopwatch = Stopwatch.StartNew();
        if (settings.ModelPath is { } path)
        {
            var loaded = NGramModelFile.Load(path);
            console.Note($"Loaded {Describe(loaded)} from {path} in {stopwatch.Elapsed.TotalSeconds:F2} s.");
            return loaded;
        }
        if (Trained.TryGetValue(Key(settings), out var cached))
        {
            console.Note($"Using {Describe(cached)}, trained on {Path.GetFileName(settings.CorpusPath)} earlier in this run.");
            return cached;
        }
        var model = Train(settings, progress: null);
        console.Note($"Trained {Describe(model)} on {Path.GetFileName(settings.CorpusPath)} in {stopwatch.Elapsed.TotalSeconds:F2} s (use `train` to save one, `--model` to load it).");
        return model;
    }

    /// <summary>Trains a model as <paramref name="settings"/> say, and keeps it for later <see cref="Get"/> calls with the same settings.</summary>
    public static NGramModel Train(ModelSettings settings, Action<double>? progress)
    {
        var text = Corpus.Read(settings.CorpusPath);
        var tokenizer = Tokenizer.Fit(settings.Tokenizer, text);
        var model = NGramModel.Train(tokenizer, tokenizer.Encode(text), settings.Order, progress);
        Trained[Key(settings)] = model;
        return model;
    }

    public static string Describe(NGramModel model) =>
        $"a {(model.Tokenizer.Kind == TokenizerKind.Char ? "character" : "word")} {model.Order}-gram model (interpolated Kneser–Ney, V = {model.VocabSize})";

    private static (TokenizerKind, int, string) Key(ModelSettings settings) =>
        (settings.Tokenizer, settings.Order, Path.GetFullPath(settings.CorpusPath));
}
