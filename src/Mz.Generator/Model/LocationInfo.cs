using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Mz.Generator.Model;

/// <summary>A source location as data: the tree and span (pragma suppression needs the real tree), or a file path.</summary>
public sealed record LocationInfo(SyntaxTree? Tree, TextSpan Span, string? FilePath)
{
    public Location ToLocation() =>
        Tree != null ? Location.Create(Tree, Span)
        : FilePath != null ? Location.Create(FilePath, default, default)
        : Location.None;

    public static LocationInfo? From(SyntaxNode? node) => node == null ? null : new LocationInfo(node.SyntaxTree, node.Span, null);
}
