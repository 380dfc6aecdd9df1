using System;
using System.Text;

namespace Mz.Generator.Emit;

/// <summary>Indented text output with '\n' line endings; block scopes must close back to column zero.</summary>
public sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
        _text.Append('\n');
        return this;
    }

    /// <summary>Writes "{", indents until the returned scope is disposed, then writes "}" (plus an optional suffix).</summary>
    public IDisposable Block(string? header = null, string closeSuffix = "")
    {
        if (header != null) Line(header);
        Line("{");
        _indent++;
        return new Scope(this, closeSuffix);
    }

    public override string ToString()
    {
        if (_indent != 0) throw new InvalidOperationException($"unbalanced indentation ({_indent}) at the end of generated source");
        return _text.ToString();
    }

    private sealed class Scope : IDisposable
    {
        private readonly SourceWriter _writer;
        private readonly string _suffix;
        private bool _closed;

        public Scope(SourceWriter writer, string suffix) { _writer = writer; _suffix = suffix; }

        public void Dispose()
        {
            if (_closed) return;
            _closed = true;
            _writer._indent--;
            _writer.Line("}" + _suffix);
        }
    }
}
