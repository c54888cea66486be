using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace LmProb.Harness.Language;

/// <summary>
/// Saves and loads an <see cref="NGramModel"/> as its vocabulary and N-gram counts (everything else
/// is rebuilt on load): a zlib stream of <c>"LMPNGRAM"</c>, format version, tokenizer kind, order,
/// the vocabulary, then the N-grams sorted by key as 7-bit-encoded key deltas and counts.
/// A char 6-gram model of the 300 KB corpus is about 200 KB.
/// </summary>
internal static class NGramModelFile
{
    private const string Magic = "LMPNGRAM";
    private const int FormatVersion = 1;

    public static void Save(NGramModel model, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var file = File.Create(path);
        using var zlib = new ZLibStream(file, CompressionLevel.Optimal);
        using var writer = new BinaryWriter(zlib, Encoding.UTF8);
        writer.Write(Encoding.ASCII.GetBytes(Magic));
        writer.Write7BitEncodedInt(FormatVersion);
        writer.Write7BitEncodedInt((int)model.Tokenizer.Kind);
        writer.Write7BitEncodedInt(model.Order);
        writer.Write7BitEncodedInt(model.VocabSize);
        foreach (var token in model.Tokenizer.Vocabulary)
        {
            writer.Write(token);
        }
        writer.Write7BitEncodedInt(model.NGramCounts.Count);
        ulong previous = 0;
        foreach (var (key, count) in model.NGramCounts.OrderBy(pair => pair.Key))
        {
            writer.Write7BitEncodedInt64((long)(key - previous));
            writer.Write7BitEncodedInt(count);
            previous = key;
        }
    }

    public static NGramModel Load(string path)
    {
        using var file = File.OpenRead(path);
        using var zlib = new ZLibStream(file, CompressionMode.Decompress);
        using var reader = new BinaryReader(zlib, Encoding.UTF8);
        var magic = Encoding.ASCII.GetString(reader.ReadBytes(Magic.Length));
        var version = reader.Read7BitEncodedInt();
        if (magic != Magic || version != FormatVersion)
        {
            throw new InvalidDataException($"{path} is not an LmProb harness n-gram model (format {FormatVersion}): it starts with '{magic}', version {version}");
        }
        var kind = (TokenizerKind)reader.Read7BitEncodedInt();
        var order = reader.Read7BitEncodedInt();
        var vocabulary = new string[reader.Read7BitEncodedInt()];
        for (var i = 0; i < vocabulary.Length; i++)
        {
            vocabulary[i] = reader.ReadString();
        }
        var entries = reader.Read7BitEncodedInt();
        var counts = new Dictionary<ulong, int>(entries);
        ulong key = 0;
        for (var i = 0; i < entries; i++)
        {
            key += (ulong)reader.Read7BitEncodedInt64();
            counts.Add(key, reader.Read7BitEncodedInt());
        }
        return NGramModel.FromCounts(Tokenizer.Create(kind, vocabulary), order, counts);
    }
}
