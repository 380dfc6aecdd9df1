namespace Mz.Generator.Model;

/// <summary>One containing type declaration, outermost first: e.g. "public static partial class Outer".</summary>
public sealed record TypeDeclarationInfo(string Keyword, string Name, string Modifiers);
