using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Mz.Core.Text;

/// <summary>
/// A small JSON parser for safetensors headers: objects become Dictionary&lt;string, object?&gt;, arrays
/// List&lt;object?&gt;, numbers double, plus string/bool/null. The generator cannot ship System.Text.Json,
/// so we keep our own; nesting is bounded so hostile headers cannot overflow the stack.
/// </summary>
public sealed class MiniJson
{
    public const int MaxDepth = 64;
    private readonly string _text;
    private int _position;

    private MiniJson(string text) { _text = text; }

    public static object? Parse(string text)
    {
        var parser = new MiniJson(text);
        var value = parser.ParseValue(0);
        parser.SkipWhitespace();
        if (parser._position != text.Length) throw parser.Error("unexpected text after the JSON value");
        return value;
    }

    private FormatException Error(string message) => new($"JSON: {message} at character {_position}");

    private void SkipWhitespace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position])) _position++;
    }

    private object? ParseValue(int depth)
    {
        if (depth > MaxDepth) throw Error($"nesting deeper than {MaxDepth}");
        SkipWhitespace();
        if (_position >= _text.Length) throw Error("unexpected end");
        char c = _text[_position];
        switch (c)
        {
            case '{': return ParseObject(depth);
            case '[': return ParseArray(depth);
            case '"': return ParseString();
            case 't': Expect("true"); return true;
            case 'f': Expect("false"); return false;
            case 'n': Expect("null"); return null;
            default:
                if (c == '-' || char.IsDigit(c)) return ParseNumber();
                throw Error($"unexpected character '{c}'");
        }
    }

    private void Expect(string word)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0) throw Error($"expected '{word}'");
        _position += word.Length;
    }

    private Dictionary<string, object?> ParseObject(int depth)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        _position++;
        SkipWhitespace();
        if (_position < _text.Length && _text[_position] == '}') { _position++; return result; }
        while (true)
        {
            SkipWhitespace();
            if (_position >= _text.Length || _text[_position] != '"') throw Error("expected a property name");
            string key = ParseString();
            SkipWhitespace();
            if (_position >= _text.Length || _text[_position] != ':') throw Error("expected ':'");
            _position++;
            result[key] = ParseValue(depth + 1);
            SkipWhitespace();
            if (_position >= _text.Length) throw Error("unterminated object");
            if (_text[_position] == ',') { _position++; continue; }
            if (_text[_position] == '}') { _position++; return result; }
            throw Error("expected ',' or '}'");
        }
    }

    private List<object?> ParseArray(int depth)
    {
        var result = new List<object?>();
        _position++;
        SkipWhitespace();
        if (_position < _text.Length && _text[_position] == ']') { _position++; return result; }
        while (true)
        {
            result.Add(ParseValue(depth + 1));
            SkipWhitespace();
            if (_position >= _text.Length) throw Error("unterminated array");
            if (_text[_position] == ',') { _position++; continue; }
            if (_text[_position] == ']') { _position++; return result; }
            throw Error("expected ',' or ']'");
        }
    }

    private string ParseString()
    {
        var builder = new StringBuilder();
        _position++;
        while (true)
        {
            if (_position >= _text.Length) throw Error("unterminated string");
            char c = _text[_position++];
            if (c == '"') return builder.ToString();
            if (c != '\\') { builder.Append(c); continue; }
            if (_position >= _text.Length) throw Error("unterminated escape");
            char e = _text[_position++];
            switch (e)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _text.Length || !int.TryParse(_text.Substring(_position, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
                        throw Error("malformed \\u escape");
                    builder.Append((char)code);
                    _position += 4;
                    break;
                default: throw Error($"unknown escape '\\{e}'");
            }
        }
    }

    private double ParseNumber()
    {
        int start = _position;
        while (_position < _text.Length && "+-0123456789.eE".IndexOf(_text[_position]) >= 0) _position++;
        if (!double.TryParse(_text.Substring(start, _position - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw Error("malformed number");
        return value;
    }
}
