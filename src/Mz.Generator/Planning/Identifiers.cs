using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Mz.Generator.Planning;

/// <summary>
/// Turns arbitrary tensor names ("layers.0.weight", "0", "dense/BiasAdd:0") into C# identifiers: invalid
/// characters become '_', a leading digit gets a '_' prefix, keywords are escaped, and clashes are numbered
/// in graph order.
/// </summary>
public sealed class Identifiers
{
    private readonly HashSet<string> _used = new(System.StringComparer.Ordinal);

    public Identifiers(IEnumerable<string>? reserved = null)
    {
        if (reserved != null) foreach (var r in reserved) _used.Add(r);
    }

    public string Create(string name, bool camelCase)
    {
        var builder = new StringBuilder();
        foreach (char c in name)
            builder.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
        var text = builder.ToString();
        if (text.Length == 0) text = "value";
        if (camelCase && char.IsUpper(text[0])) text = char.ToLowerInvariant(text[0]) + text.Substring(1);
        if (!camelCase && char.IsLower(text[0])) text = char.ToUpperInvariant(text[0]) + text.Substring(1);
        if (!(char.IsLetter(text[0]) || text[0] == '_')) text = "_" + text;
        if (SyntaxFacts.GetKeywordKind(text) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(text) != SyntaxKind.None) text = "@" + text;
        var candidate = text;
        for (int i = 2; !_used.Add(candidate); i++) candidate = text + "_" + i.ToString(CultureInfo.InvariantCulture);
        return candidate;
    }
}
