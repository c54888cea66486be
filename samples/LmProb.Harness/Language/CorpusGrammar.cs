using System;
using System.Collections.Generic;
using System.Text;

namespace LmProb.Harness.Language;

/// <summary>
/// The small probabilistic grammar that wrote <c>Data/train.txt</c> and <c>Data/heldout.txt</c>:
/// English-like paragraphs about the people of a harbor town, written from scratch for this
/// harness (no downloaded text). The two files are the same grammar with different seeds, so the
/// held-out text is new sentences from the same distribution. <c>corpus --write</c> regenerates them
/// byte for byte (the random source is SplitMix64, not <see cref="Random"/>).
/// </summary>
/// <remarks>
/// Format, relied on by <see cref="WordTokenizer"/>'s lossless round trip: one paragraph per line,
/// paragraphs separated by an empty line, single spaces between words, punctuation attached to the
/// word before it, ASCII only, a final newline.
/// </remarks>
internal sealed class CorpusGrammar(ulong seed)
{
    public const ulong TrainSeed = 20251126;
    public const ulong HeldOutSeed = 7;
    public const int TrainBytes = 300_000;
    public const int HeldOutBytes = 30_000;

    private ulong _state = seed;
    private Setting _setting = Settings[0];

    private static readonly string[] Names =
        ["Mara", "Tobin", "Elsa", "Ivo", "Petra", "Anselm", "Lio", "Greta", "Wren", "Dorian", "Nell", "Oskar", "Hana", "Bram"];

    private static readonly string[] People =
        ["miller", "baker", "fisherman", "weaver", "carpenter", "ferryman", "teacher", "doctor", "child", "stranger",
         "old woman", "young man", "shepherd", "clockmaker", "sailor", "innkeeper", "potter", "farmer"];

    private static readonly string[] Adjectives =
        ["old", "young", "quiet", "tired", "clever", "patient", "small", "tall", "careful", "cheerful", "stubborn",
         "gentle", "proud", "curious", "silent", "busy", "kind", "restless"];

    private static readonly string[] ThingAdjectives =
        ["heavy", "broken", "wooden", "painted", "narrow", "wet", "warm", "empty", "new", "rusty", "bright", "cold",
         "green", "red", "long", "crooked", "round", "thin"];

    private static readonly string[] Times =
        ["At dawn", "In the morning", "Before noon", "After lunch", "In the evening", "At night", "On Sunday",
         "Every winter", "Last spring", "That summer", "Later", "Once", "Some days later", "Before the rain"];

    private static readonly string[] Adverbs =
        ["slowly", "quietly", "carefully", "quickly", "again", "at last", "without a word", "twice", "gladly", "early"];

    private static readonly string[] Weather =
        ["The wind came from the sea", "It rained all day", "The sky was clear and pale", "Fog lay over the water",
         "Snow fell on the roofs", "The sun was warm on the stones", "A storm was coming from the west",
         "The air smelled of salt and smoke"];

    private static readonly string[] Numbers = ["two", "three", "four", "five", "six", "seven", "eight", "ten", "twelve", "twenty"];

    private static readonly string[] Feelings =
        ["happy", "worried", "angry", "surprised", "afraid", "calm", "sad", "hungry", "ready", "sure"];

    private sealed record Setting(string Place, string[] Rooms, string[] Things, string[] Verbs, string[] Intransitive);

    private static readonly Setting[] Settings =
    [
        new("harbor", ["the pier", "the boat", "the market", "the lighthouse", "the beach"],
            ["net", "rope", "boat", "basket", "lantern", "oar", "fish", "sail", "anchor"],
            ["mended", "pulled", "carried", "painted", "sold", "tied", "lost", "found", "cleaned"],
            ["waited", "sang", "worked", "rested", "watched the tide", "looked at the sky"]),
        new("village", ["the square", "the church", "the inn", "the well", "the bridge"],
            ["bell", "cart", "letter", "door", "bench", "cup", "coat", "key", "chair"],
            ["opened", "carried", "fixed", "brought", "painted", "moved", "lost", "found", "wrote"],
            ["laughed", "waited", "walked home", "talked for hours", "slept", "listened"]),
        new("valley", ["the mill", "the river", "the yard", "the barn", "the road"],
            ["sack", "wheel", "stone", "cart", "ladder", "grain", "rope", "lamp", "bucket"],
            ["turned", "lifted", "filled", "carried", "mended", "counted", "sold", "pushed", "dropped"],
            ["worked", "sang", "waited", "rested", "listened to the river", "counted the days"]),
        new("school", ["the classroom", "the library", "the garden", "the hall", "the steps"],
            ["book", "map", "pencil", "slate", "globe", "lamp", "letter", "bell", "clock"],
            ["read", "opened", "drew", "carried", "found", "lost", "copied", "showed", "wrote"],
            ["listened", "laughed", "waited", "asked questions", "studied", "counted to a hundred"]),
        new("forest", ["the path", "the clearing", "the hill", "the stream", "the old oak"],
            ["axe", "basket", "branch", "stick", "mushroom", "log", "fox", "nest", "stone"],
            ["cut", "gathered", "carried", "found", "followed", "watched", "dropped", "saw", "burned"],
            ["walked", "rested", "listened", "got lost", "waited", "sang to the birds"]),
        new("workshop", ["the bench", "the window", "the shelf", "the back room", "the stove"],
            ["clock", "hammer", "nail", "saw", "box", "spring", "chair", "wheel", "key"],
            ["built", "fixed", "sanded", "painted", "opened", "tested", "sold", "weighed", "polished"],
            ["worked", "hummed", "waited", "rested", "thought for a while", "worked late"]),
    ];

    /// <summary>Paragraphs until the text reaches <paramref name="bytes"/> bytes.</summary>
    public string Generate(int bytes)
    {
        var text = new StringBuilder(bytes + 1024);
        while (text.Length < bytes)
        {
            if (text.Length > 0)
            {
                text.Append("\n\n");
            }
            text.Append(Paragraph());
        }
        return text.Append('\n').ToString();
    }

    private string Paragraph()
    {
        _setting = Pick(Settings);
        var hero = Pick(Names);
        var sentences = new List<string>();
        var count = 3 + Next(5);
        for (var i = 0; i < count; i++)
        {
            sentences.Add(Sentence(hero, first: i == 0));
        }
        return string.Join(" ", sentences);
    }

    private string Sentence(string hero, bool first)
    {
        if (first)
        {
            return Capital(Next(2) == 0
                ? $"{Pick(Times)}, {hero} went to {Pick(_setting.Rooms)}."
                : $"{hero} lived near {Pick(_setting.Rooms)} in the {_setting.Place}.");
        }
        var subject = Chance(3) ? hero : Chance(2) ? Person() : Chance(2) ? "she" : "he";
        return Next(13) switch
        {
            0 or 1 or 2 => Capital($"{subject} {Pick(_setting.Verbs)} {Thing()} {Place()}."),
            3 => Capital($"{Pick(Times)}, {subject} {Pick(_setting.Intransitive)}."),
            4 => Capital($"{subject} {Pick(_setting.Intransitive)} {Pick(Adverbs)}."),
            5 => $"{Pick(Weather)}.",
            6 => Capital($"{subject} said that {Person()} had {Pick(_setting.Verbs)} {Thing()}."),
            7 => $"There was {Thing()} {Place()}.",
            8 => Capital($"{subject} counted {Pick(Numbers)} {Plural(Pick(_setting.Things))} and {Pick(Numbers)} {Plural(Pick(_setting.Things))}."),
            9 => $"Where did {Person()} put {Thing()}?",
            10 => Capital($"{subject} was {Pick(Feelings)}, because {Person()} {Pick(_setting.Intransitive)}."),
            11 => Capital($"{Person()} who {Pick(_setting.Intransitive)} {Pick(_setting.Verbs)} {Thing()}."),
            _ => Capital($"{subject} {Pick(_setting.Verbs)} {Thing()}, and {Person()} {Pick(_setting.Intransitive)}."),
        };
    }

    private string Person() => Chance(3) ? Pick(Names) : Chance(2) ? $"the {Pick(People)}" : $"the {Pick(Adjectives)} {Pick(People)}";

    private string Thing()
    {
        var thing = Pick(_setting.Things);
        return Next(3) switch
        {
            0 => $"the {thing}",
            1 => $"the {Pick(ThingAdjectives)} {thing}",
            _ => $"{Article(Pick(ThingAdjectives))} {thing}",
        };
    }

    private string Place() => Next(4) switch
    {
        0 => $"to {Pick(_setting.Rooms)}",
        1 => $"near {Pick(_setting.Rooms)}",
        2 => $"in {Pick(_setting.Rooms)}",
        _ => $"behind {Pick(_setting.Rooms)}",
    };

    private static string Article(string word) => ("aeiou".Contains(word[0], StringComparison.Ordinal) ? "an " : "a ") + word;

    private static string Plural(string noun) => noun switch
    {
        "fish" or "grain" => noun,
        "box" => "boxes",
        "branch" => "branches",
        "fox" => "foxes",
        _ => noun + "s",
    };

    private static string Capital(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    private bool Chance(int oneIn) => Next(oneIn) == 0;

    private T Pick<T>(T[] items) => items[Next(items.Length)];

    /// <summary>SplitMix64, so the files regenerate identically on every runtime.</summary>
    private int Next(int n)
    {
        _state += 0x9E3779B97F4A7C15UL;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z % (ulong)n);
    }
}
