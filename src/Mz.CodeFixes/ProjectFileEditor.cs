using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;

namespace Mz.CodeFixes;

/// <summary>
/// Adds one item (<c>&lt;MzModel Include="..." /&gt;</c>) to the text of an MSBuild project file as a splice: every byte
/// outside the inserted text is kept — formatting, comments, the encoding and its byte-order mark, line endings. The
/// XML is parsed only to find where to insert and whether the item is already there.
/// </summary>
public static class ProjectFileEditor
{
    /// <summary>
    /// The project bytes with the item added: after the last item of the same type in an unconditional top-level
    /// ItemGroup, else in a new ItemGroup before <c>&lt;/Project&gt;</c>. Null when the project already lists
    /// <paramref name="include"/> for that item type, or when the file cannot be edited safely (not well-formed XML,
    /// an encoding that does not round-trip, a self-closing root).
    /// </summary>
    public static byte[]? AddItem(byte[] project, string itemType, string include)
    {
        if (!TryDecode(project, out var encoding, out int preambleLength, out var text)) return null;
        Layout layout;
        try { layout = Layout.Read(text, itemType); }
        catch (XmlException) { return null; }
        if (layout.Includes.Any(existing => SamePath(existing, include))) return null;

        string newline = text.Contains("\r\n") ? "\r\n" : text.Contains("\n") ? "\n" : "\r\n";
        string element = $"<{itemType} Include=\"{EscapeAttribute(EscapeMsBuild(include))}\" />";
        int offset;
        string insertion;
        if (layout.GroupEnd is int groupEnd)
        {
            offset = groupEnd;
            insertion = element;
            int lineStart = LineStart(text, groupEnd);
            if (IsBlank(text, lineStart, groupEnd))
            {
                // The end tag has its own line: the new item gets a line of its own, indented like its siblings.
                offset = lineStart;
                insertion = layout.ItemIndent + element + newline;
            }
        }
        else if (layout.ProjectEnd is int projectEnd)
        {
            offset = projectEnd;
            int lineStart = LineStart(text, projectEnd);
            string group = layout.GroupIndent, item = layout.ItemIndent;
            if (IsBlank(text, lineStart, projectEnd))
            {
                offset = lineStart;
                insertion = group + "<ItemGroup>" + newline + item + element + newline + group + "</ItemGroup>" + newline;
            }
            else insertion = "<ItemGroup>" + element + "</ItemGroup>";
        }
        else return null;

        var updated = text.Substring(0, offset) + insertion + text.Substring(offset);
        var bytes = new byte[preambleLength + encoding.GetByteCount(updated)];
        Array.Copy(project, bytes, preambleLength);
        encoding.GetBytes(updated, 0, updated.Length, bytes, preambleLength);
        return bytes;
    }

    /// <summary>True when the project lists <paramref name="include"/> as an item of <paramref name="itemType"/> (literally, not through a wildcard).</summary>
    public static bool ContainsItem(byte[] project, string itemType, string include)
    {
        if (!TryDecode(project, out _, out _, out var text)) return false;
        try { return Layout.Read(text, itemType).Includes.Any(existing => SamePath(existing, include)); }
        catch (XmlException) { return false; }
    }

    /// <summary>
    /// UTF-8 (with or without a BOM) or UTF-16 by its BOM; anything that does not decode and re-encode to the same bytes
    /// is refused, because the splice must leave the rest of the file untouched.
    /// </summary>
    private static bool TryDecode(byte[] bytes, out Encoding encoding, out int preambleLength, out string text)
    {
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE) { encoding = new UnicodeEncoding(false, false, true); preambleLength = 2; }
        else if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF) { encoding = new UnicodeEncoding(true, false, true); preambleLength = 2; }
        else
        {
            encoding = new UTF8Encoding(false, true);
            preambleLength = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        }
        try
        {
            text = encoding.GetString(bytes, preambleLength, bytes.Length - preambleLength);
            var again = encoding.GetBytes(text);
            return again.Length == bytes.Length - preambleLength && again.SequenceEqual(bytes.Skip(preambleLength));
        }
        catch (DecoderFallbackException) { text = ""; return false; }
        catch (EncoderFallbackException) { text = ""; return false; }
    }

    /// <summary>Where things are in the project text, found with the XML reader's line information.</summary>
    private sealed class Layout
    {
        public List<string> Includes { get; } = new();

        /// <summary>Offset of the "&lt;/ItemGroup&gt;" that closes the last unconditional top-level group holding such items.</summary>
        public int? GroupEnd { get; private set; }

        /// <summary>Offset of "&lt;/Project&gt;".</summary>
        public int? ProjectEnd { get; private set; }

        public string GroupIndent { get; private set; } = "  ";
        public string ItemIndent { get; private set; } = "    ";

        public static Layout Read(string text, string itemType)
        {
            var layout = new Layout();
            var lines = LineStarts(text);
            int Offset(IXmlLineInfo info) => lines[info.LineNumber - 1] + info.LinePosition - 1;

            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
            using var reader = XmlReader.Create(new StringReader(text), settings);
            var info = (IXmlLineInfo)reader;
            bool inCandidateGroup = false, candidateHasItems = false;
            string? topLevelIndent = null, groupChildIndent = null, sameTypeIndent = null;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    // The reader reports the position of the name, one character after '<'.
                    int start = Offset(info) - 1;
                    if (reader.Depth == 1)
                    {
                        topLevelIndent ??= Indent(text, start);
                        inCandidateGroup = reader.LocalName == "ItemGroup" && reader.GetAttribute("Condition") == null && !reader.IsEmptyElement;
                        candidateHasItems = false;
                    }
                    if (reader.Depth == 2 && inCandidateGroup) groupChildIndent ??= Indent(text, start);
                    if (reader.LocalName == itemType)
                    {
                        if (reader.GetAttribute("Include") is string include)
                            layout.Includes.AddRange(include.Split(';').Select(p => p.Trim()).Where(p => p.Length > 0));
                        if (reader.Depth == 2 && inCandidateGroup)
                        {
                            candidateHasItems = true;
                            sameTypeIndent = Indent(text, start);
                        }
                    }
                    if (reader.Depth == 0 && reader.IsEmptyElement) return layout;
                }
                else if (reader.NodeType == XmlNodeType.EndElement)
                {
                    int start = Offset(info) - 2;
                    if (reader.Depth == 1 && inCandidateGroup && candidateHasItems)
                    {
                        layout.GroupEnd = start;
                        layout.ItemIndent = sameTypeIndent ?? layout.ItemIndent;
                    }
                    if (reader.Depth == 1) inCandidateGroup = false;
                    if (reader.Depth == 0) layout.ProjectEnd = start;
                }
            }
            if (layout.GroupEnd == null)
            {
                // A new group: indented like the other top-level elements, its item one step further in, as items elsewhere are.
                layout.GroupIndent = topLevelIndent ?? "  ";
                string step = groupChildIndent != null && topLevelIndent != null && groupChildIndent.StartsWith(topLevelIndent, StringComparison.Ordinal)
                    && groupChildIndent.Length > topLevelIndent.Length
                    ? groupChildIndent.Substring(topLevelIndent.Length)
                    : layout.GroupIndent.Length > 0 ? layout.GroupIndent : "  ";
                layout.ItemIndent = layout.GroupIndent + step;
            }
            return layout;
        }
    }

    private static int[] LineStarts(string text)
    {
        // The XML reader counts "\r\n", "\r" and "\n" each as one line break.
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            if (text[i] == '\r' || text[i] == '\n') starts.Add(i + 1);
        }
        return starts.ToArray();
    }

    private static int LineStart(string text, int offset)
    {
        int i = offset;
        while (i > 0 && text[i - 1] != '\n' && text[i - 1] != '\r') i--;
        return i;
    }

    private static bool IsBlank(string text, int from, int to)
    {
        for (int i = from; i < to; i++) if (text[i] != ' ' && text[i] != '\t') return false;
        return true;
    }

    /// <summary>The whitespace in front of <paramref name="offset"/> when nothing else precedes it on its line, else empty.</summary>
    private static string Indent(string text, int offset)
    {
        int start = LineStart(text, offset);
        return IsBlank(text, start, offset) ? text.Substring(start, offset - start) : "";
    }

    /// <summary>Same file for MSBuild: %XX escapes undone, either slash, a leading "./", and case (Windows paths) ignored.</summary>
    private static bool SamePath(string listed, string include) =>
        string.Equals(NormalizePath(UnescapeMsBuild(listed)), NormalizePath(include), StringComparison.OrdinalIgnoreCase);

    private static string NormalizePath(string path) => Mz.Core.Text.ProjectPaths.Normalize(path);

    /// <summary>MSBuild reads %, $, @, ', ;, ? and * in an Include specially; %XX makes them literal.</summary>
    private static string EscapeMsBuild(string path)
    {
        var text = new StringBuilder(path.Length);
        foreach (char c in path)
        {
            if ("%$@';?*".IndexOf(c) >= 0) text.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else text.Append(c);
        }
        return text.ToString();
    }

    private static string UnescapeMsBuild(string value)
    {
        var text = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                text.Append((char)Convert.ToInt32(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else text.Append(value[i]);
        }
        return text.ToString();
    }

    private static bool IsHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';

    private static string EscapeAttribute(string value) =>
        value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}
