using System;
using System.Text;

namespace LmProb.Generators.Helpers;

/// <summary>A string builder that indents every line it writes by the current depth (four spaces a level).</summary>
internal sealed class IndentedTextWriter
{
    private readonly StringBuilder _builder = new();
    private int _depth;

    /// <summary>Writes one line (or an empty line) at the current depth.</summary>
    public IndentedTextWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', 4 * _depth);
        }
        _builder.Append(text).Append('\n');
        return this;
    }

    /// <summary>Writes each line of a block (e.g. a raw string literal) at the current depth.</summary>
    public IndentedTextWriter Lines(string block)
    {
        var lines = block.Replace("\r\n", "\n").Split('\n');
        foreach (var line in lines)
        {
            Line(line);
        }
        return this;
    }

    /// <summary>Writes the header lines, an opening brace, and indents until the returned scope is disposed.</summary>
    public Scope Block(params string[] header)
    {
        foreach (var line in header)
        {
            Line(line);
        }
        Line("{");
        _depth++;
        return new Scope(this);
    }

    public override string ToString() => _builder.ToString();

    internal readonly struct Scope(IndentedTextWriter writer) : IDisposable
    {
        public void Dispose()
        {
            writer._depth--;
            writer.Line("}");
        }
    }
}
