using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mz.CodeFixes;

/// <summary>MZ0001 / MZ0004: add the missing 'partial' (to the class and its containers) and 'static' modifiers.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeNetworkClassStaticPartialCodeFix)), Shared]
public sealed class MakeNetworkClassStaticPartialCodeFix : CodeFixProvider
{
    // The ids are repeated here rather than referenced: this assembly must not load the generator.
    public const string ClassNotPartialId = "MZ0001";
    public const string ClassNotStaticId = "MZ0004";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(ClassNotPartialId, ClassNotStaticId);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root == null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            var declaration = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<ClassDeclarationSyntax>().FirstOrDefault();
            if (declaration == null) continue;
            bool makeStatic = diagnostic.Id == ClassNotStaticId;
            string title = makeStatic ? "Make the network class static" : "Make the network class partial";
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => FixAsync(context.Document, declaration, makeStatic, ct), equivalenceKey: title),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, ClassDeclarationSyntax declaration, bool makeStatic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root == null) return document;
        var types = declaration.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().ToList();
        var updated = root.ReplaceNodes(types, (original, current) =>
        {
            var modifiers = current.Modifiers;
            if (makeStatic && original == declaration && !modifiers.Any(SyntaxKind.StaticKeyword))
                modifiers = Insert(modifiers, SyntaxKind.StaticKeyword);
            if (!modifiers.Any(SyntaxKind.PartialKeyword))
                modifiers = modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space));
            return FixLeadingTrivia(current, modifiers);
        });
        return document.WithSyntaxRoot(updated);
    }

    /// <summary>'static' goes right before 'partial' (or last), keeping C#'s conventional modifier order.</summary>
    private static SyntaxTokenList Insert(SyntaxTokenList modifiers, SyntaxKind kind)
    {
        var token = SyntaxFactory.Token(kind).WithTrailingTrivia(SyntaxFactory.Space);
        int partial = modifiers.IndexOf(SyntaxKind.PartialKeyword);
        return partial >= 0 ? modifiers.Insert(partial, token) : modifiers.Add(token);
    }

    /// <summary>A declaration that had no modifiers keeps its leading trivia (comments, attributes' line breaks) in front.</summary>
    private static TypeDeclarationSyntax FixLeadingTrivia(TypeDeclarationSyntax current, SyntaxTokenList modifiers)
    {
        if (current.Modifiers.Count > 0) return current.WithModifiers(modifiers);
        var keyword = current.Keyword;
        var first = modifiers[0].WithLeadingTrivia(keyword.LeadingTrivia);
        return current.WithModifiers(modifiers.Replace(modifiers[0], first)).WithKeyword(keyword.WithLeadingTrivia());
    }
}
