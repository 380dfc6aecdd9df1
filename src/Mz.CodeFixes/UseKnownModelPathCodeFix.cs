using System;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mz.CodeFixes;

/// <summary>
/// MZ0101 (model file not part of the build): offer each model file the build does know, by closeness of
/// name, as a replacement path in the attribute. (When the named file does exist, <see cref="AddFileToProjectCodeFix"/>
/// offers to add it to the project's items instead.)
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseKnownModelPathCodeFix)), Shared]
public sealed class UseKnownModelPathCodeFix : CodeFixProvider
{
    public const string ModelFileMissingId = "MZ0101";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(ModelFileMissingId);

    public override FixAllProvider? GetFixAllProvider() => null;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root == null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            var attribute = root.FindNode(diagnostic.Location.SourceSpan).AncestorsAndSelf().OfType<AttributeSyntax>().FirstOrDefault();
            var literal = attribute?.ArgumentList?.Arguments.Select(a => a.Expression).OfType<LiteralExpressionSyntax>().FirstOrDefault();
            if (literal == null) continue;
            string requested = literal.Token.ValueText;
            // The message ends with "(model items found: a, b)".
            var match = Regex.Match(diagnostic.GetMessage(), @"model items found: (?<list>[^)]*)\)$");
            if (!match.Success) continue;
            var candidates = match.Groups["list"].Value.Split(new[] { ", " }, StringSplitOptions.RemoveEmptyEntries)
                .Where(p => p != "none")
                .OrderBy(p => Distance(p, requested)).ThenBy(p => p, StringComparer.Ordinal)
                .Take(3);
            foreach (var candidate in candidates)
            {
                string title = $"Use model file '{candidate}'";
                context.RegisterCodeFix(CodeAction.Create(title, ct =>
                {
                    var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(candidate)).WithTriviaFrom(literal);
                    return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal, replacement)));
                }, equivalenceKey: title), diagnostic);
            }
        }
    }

    /// <summary>Levenshtein distance, to rank candidate paths by similarity to what was typed.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int previous = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }
}
