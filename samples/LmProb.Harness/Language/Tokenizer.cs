using System;
using System.Collections.Generic;
using System.Linq;

namespace LmProb.Harness.Language;

/// <summary>Which unit the n-gram model predicts.</summary>
internal enum TokenizerKind
{
    /// <summary>One token per character (the corpus is ASCII, so also one per byte).</summary>
    Char,

    /// <summary>One token per word or punctuation mark, plus a token for a newline; spaces are implied.</summary>
    Word,
}

/// <summary>
/// A closed vocabulary fitted on the training text: id 0 is <c>&lt;s&gt;</c> (the start of a text,
/// context only), id 1 is <c>&lt;unk&gt;</c>, the rest are the training text's tokens in ordinal order.
/// </summary>
internal abstract class Tokenizer
{
    public const int Bos = 0;
    public const int Unknown = 1;
    public const string BosText = "<s>";
    public const string UnknownText = "<unk>";

    private readonly Dictionary<string, int> _ids;

    protected Tokenizer(IReadOnlyList<string> vocabulary)
    {
        if (vocabulary.Count < 2 || vocabulary[Bos] != BosText || vocabulary[Unknown] != UnknownText)
        {
            throw new ArgumentException($"a vocabulary starts with {BosText} and {UnknownText}", nameof(vocabulary));
        }
        Vocabulary = vocabulary;
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < vocabulary.Count; i++)
        {
            _ids.Add(vocabulary[i], i);
        }
    }

    public abstract TokenizerKind Kind { get; }

    /// <summary>"characters" or "words": what one token is, for the tables.</summary>
    public abstract string Unit { get; }

    public IReadOnlyList<string> Vocabulary { get; }

    public int VocabSize => Vocabulary.Count;

    public static Tokenizer Fit(TokenizerKind kind, string trainingText) => kind switch
    {
        TokenizerKind.Char => new CharTokenizer(BuildVocabulary(CharTokenizer.Split(trainingText))),
        TokenizerKind.Word => new WordTokenizer(BuildVocabulary(WordTokenizer.Split(trainingText))),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "char or word"),
    };

    public static Tokenizer Create(TokenizerKind kind, IReadOnlyList<string> vocabulary) => kind switch
    {
        TokenizerKind.Char => new CharTokenizer(vocabulary),
        TokenizerKind.Word => new WordTokenizer(vocabulary),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "char or word"),
    };

    /// <summary>The ids of <paramref name="text"/>'s tokens, <c>&lt;unk&gt;</c> for tokens not in the vocabulary; no <c>&lt;s&gt;</c>.</summary>
    public int[] Encode(string text) => SplitText(text).Select(t => _ids.GetValueOrDefault(t, Unknown)).ToArray();

    public int IdOf(string token) => _ids.TryGetValue(token, out var id)
        ? id
        : throw new ArgumentException($"'{token}' is not in the {Unit} vocabulary of {VocabSize}", nameof(token));

    /// <summary>The text of <paramref name="ids"/>; <c>Decode(Encode(s)) == s</c> for text in the corpus format.</summary>
    public abstract string Decode(IEnumerable<int> ids);

    protected abstract IEnumerable<string> SplitText(string text);

    private static List<string> BuildVocabulary(IEnumerable<string> tokens) =>
        [BosText, UnknownText, .. tokens.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}

/// <summary>Characters: the corpus is ASCII, so one token is one UTF-8 byte.</summary>
internal sealed class CharTokenizer(IReadOnlyList<string> vocabulary) : Tokenizer(vocabulary)
{
    public override TokenizerKind Kind => TokenizerKind.Char;

    public override string Unit => "characters";

    public static IEnumerable<string> Split(string text) => text.Select(c => c.ToString());

    public override string Decode(IEnumerable<int> ids) =>
        string.Concat(ids.Where(id => id > Unknown).Select(id => Vocabulary[id]));

    protected override IEnumerable<string> SplitText(string text) => Split(text);
}

/// <summary>
/// Words: runs of letters, digits and apostrophes; every other non-space character alone; a newline
/// is a token; spaces are dropped and put back by <see cref="Decode"/> (one space between tokens, none
/// before punctuation or around a newline).
/// </summary>
internal sealed class WordTokenizer(IReadOnlyList<string> vocabulary) : Tokenizer(vocabulary)
{
    private const string NoSpaceBefore = ".,;:!?";

    public override TokenizerKind Kind => TokenizerKind.Word;

    public override string Unit => "words";

    public static IEnumerable<string> Split(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '\'');
            if (inWord)
            {
                if (start < 0)
                {
                    start = i;
                }
                continue;
            }
            if (start >= 0)
            {
                yield return text[start..i];
                start = -1;
            }
            if (i < text.Length && (text[i] == '\n' || !char.IsWhiteSpace(text[i])))
            {
                yield return text[i].ToString();
            }
        }
    }

    public override string Decode(IEnumerable<int> ids)
    {
        var text = new System.Text.StringBuilder();
        var previous = "\n";
        foreach (var id in ids)
        {
            if (id == Bos)
            {
                continue;
            }
            var token = Vocabulary[id];
            if (previous != "\n" && token != "\n" && !(token.Length == 1 && NoSpaceBefore.Contains(token[0], StringComparison.Ordinal)))
            {
                text.Append(' ');
            }
            text.Append(token);
            previous = token;
        }
        return text.ToString();
    }

    protected override IEnumerable<string> SplitText(string text) => Split(text);
}
