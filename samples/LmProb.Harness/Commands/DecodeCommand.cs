using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using LmProb.Harness.Display;
using LmProb.Harness.Language;
using Spectre.Console;

namespace LmProb.Harness.Commands;

/// <summary>
/// <c>decode</c>: continues a prompt with the n-gram model by greedy, temperature, top-k, top-p and
/// min-p sampling (one seeded <see cref="Sampler"/> each) and by <see cref="BeamSearch.Search"/>, side
/// by side, each stopping at the end of a sentence.
/// </summary>
internal static class DecodeCommand
{
    public static Command Create(HarnessConsole console)
    {
        var options = new ModelOptions();
        var prompt = new Option<string?>("--prompt", "-p") { Description = "Text to continue. Default: \"The old mil\" (char), \"At dawn, the old\" (word)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of every sampler (same seed, same text on every machine).", DefaultValueFactory = _ => 42 };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Most tokens to generate. Default 120 characters or 30 words." };
        var beamWidth = new Option<int>("--beam") { Description = "Beam width.", DefaultValueFactory = _ => 4 };
        var command = new Command("decode", "Greedy, temperature, top-k, top-p, min-p and beam search side by side from a prompt, seeded.");
        options.AddTo(command);
        command.Options.Add(prompt);
        command.Options.Add(seed);
        command.Options.Add(maxTokens);
        command.Options.Add(beamWidth);
        command.SetAction(result =>
        {
            var settings = options.Read(result);
            Run(console, settings, result.GetValue(prompt), result.GetValue(seed), result.GetValue(maxTokens), result.GetValue(beamWidth));
        });
        return command;
    }

    public static void Run(HarnessConsole console, ModelSettings settings, string? prompt = null, ulong seed = 42, int? maxTokens = null, int beamWidth = 4)
    {
        var model = ModelProvider.Get(console, settings);
        var kind = model.Tokenizer.Kind;
        prompt ??= Corpus.SamplePrompt(kind);
        var limit = maxTokens ?? (kind == TokenizerKind.Char ? 120 : 30);
        var end = model.Tokenizer.IdOf(".");
        console.Heading($"decode: continuing \"{prompt}\" ({model.Tokenizer.Unit}, {model.Order}-gram), up to {limit} tokens or the first \".\"");

        int[] context = TrainCommand.Padded(model, [Tokenizer.Bos, .. model.Tokenizer.Encode(prompt)]);
        var strategies = new (string Name, string Call, Func<float[], int> Next)[]
        {
            ("greedy", "Decoding.Greedy", logits => Decoding.Greedy(logits)),
            ("temperature 0.7", Describe(new SamplerOptions { Temperature = 0.7f, Seed = seed }), Sample(new SamplerOptions { Temperature = 0.7f, Seed = seed })),
            ("temperature 1.5", Describe(new SamplerOptions { Temperature = 1.5f, Seed = seed }), Sample(new SamplerOptions { Temperature = 1.5f, Seed = seed })),
            ("top-k 5", Describe(new SamplerOptions { TopK = 5, Seed = seed }), Sample(new SamplerOptions { TopK = 5, Seed = seed })),
            ("top-p 0.9", Describe(new SamplerOptions { TopP = 0.9f, Seed = seed }), Sample(new SamplerOptions { TopP = 0.9f, Seed = seed })),
            ("min-p 0.1", Describe(new SamplerOptions { MinP = 0.1f, Seed = seed }), Sample(new SamplerOptions { MinP = 0.1f, Seed = seed })),
        };

        var table = Tables.Create("strategy", "LmProb", "continuation", "tokens", "log p (nats)", "per token").RightAlign(3, 4, 5);
        foreach (var (name, call, next) in strategies)
        {
            var generated = new List<int>();
            while (generated.Count < limit && (generated.Count == 0 || generated[^1] != end))
            {
                generated.Add(next(model.NextLogProbabilities([.. context, .. generated])));
            }
            AddRow(table, model, context, name, call, generated);
        }

        // Beam search asks for log-probabilities of the next token given what it generated so far.
        var beams = BeamSearch.Search(prefix => model.NextLogProbabilities([.. context, .. prefix]), beamWidth, limit, end);
        AddRow(table, model, context, $"beam search, width {beamWidth}", $"BeamSearch.Search(width {beamWidth}, end \".\")", beams[0].Tokens);
        console.Ansi.Write(table);

        var beamTable = Tables.Create("beam", "hypothesis", "finished", "LogProbability", "Score (length penalty 0)").RightAlign(3, 4);
        for (var i = 0; i < beams.Count; i++)
        {
            var tokens = beams[i].Tokens;
            beamTable.AddTextRow($"{i + 1}", Tokens.OneLine(model.Tokenizer.Decode(tokens)), tokens.Count > 0 && tokens[^1] == end ? "yes" : "no",
                $"{beams[i].LogProbability:F3}", $"{beams[i].Score:F3}");
        }
        console.Ansi.Write(beamTable);
        console.Note("log p is the model's own log-probability (temperature 1) of the generated tokens; greedy and beam search maximize it, samplers trade it for variety. " +
                     "Same seed, same text on every machine.");
    }

    private static void AddRow(Table table, NGramModel model, int[] context, string name, string call, IReadOnlyList<int> generated)
    {
        double logProbability = 0;
        var history = new List<int>(context);
        foreach (var token in generated)
        {
            logProbability += model.NextLogProbabilities(history.ToArray())[token];
            history.Add(token);
        }
        var text = model.Tokenizer.Decode(generated);
        if (model.Tokenizer.Kind == TokenizerKind.Word && generated.Count > 0 && !".,;:!?".Contains(text[0], StringComparison.Ordinal))
        {
            text = " " + text; // the space Decode leaves out at the start of a continuation
        }
        table.AddTextRow(name, call, "…" + Tokens.OneLine(text), $"{generated.Count}", $"{logProbability:F2}",
            generated.Count > 0 ? $"{logProbability / generated.Count:F3}" : "–");
    }

    private static Func<float[], int> Sample(SamplerOptions options)
    {
        var sampler = new Sampler(options);
        return logits => sampler.Next(logits);
    }

    private static string Describe(SamplerOptions o)
    {
        var parts = new List<string>();
        if (o.Temperature != 1)
        {
            parts.Add($"Temperature = {o.Temperature}");
        }
        if (o.TopK != 0)
        {
            parts.Add($"TopK = {o.TopK}");
        }
        if (o.TopP != 1)
        {
            parts.Add($"TopP = {o.TopP}");
        }
        if (o.MinP != 0)
        {
            parts.Add($"MinP = {o.MinP}");
        }
        parts.Add($"Seed = {o.Seed}");
        return $"Sampler {{ {string.Join(", ", parts)} }}";
    }
}
