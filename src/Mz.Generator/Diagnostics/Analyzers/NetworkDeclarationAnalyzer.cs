using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Mz.Generator.Declarations;

namespace Mz.Generator.Diagnostics.Analyzers;

/// <summary>
/// Reports [MzNetwork] declaration problems (not partial, not static, generic container, bad arguments) from
/// symbols alone, so the editor shows them while typing without waiting for the generator. The generator
/// uses the same <see cref="DeclarationReader"/> and skips generation on these errors without reporting them again.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkDeclarationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        MzDiagnostics.ClassNotPartial, MzDiagnostics.GenericContainer, MzDiagnostics.InvalidAttributeArgument, MzDiagnostics.ClassNotStatic,
        MzDiagnostics.InvalidNoise, MzDiagnostics.MissingNetworkAttribute, MzDiagnostics.GeneratedNameClash);

    /// <summary>Attributes that only mean something next to [MzNetwork] on the same class.</summary>
    private static readonly string[] CompanionAttributes =
        { "Mz.MzReduceAttribute", "Mz.MzDenseAttribute", "Mz.MzResidualAttribute", "Mz.MzSoftmaxAttribute" };

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attributes = type.GetAttributes();
        var attribute = attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == DeclarationReader.AttributeName);
        if (attribute == null)
        {
            // A companion attribute alone would otherwise be ignored without a word.
            foreach (var orphan in attributes.Where(a => CompanionAttributes.Contains(a.AttributeClass?.ToDisplayString())))
            {
                var where = orphan.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? type.Locations.FirstOrDefault();
                context.ReportDiagnostic(Diagnostic.Create(MzDiagnostics.MissingNetworkAttribute, where, type.Name, orphan.AttributeClass!.Name.Replace("Attribute", "")));
            }
            return;
        }
        // Judge the declaration that carries the attribute (a partial class may have several parts).
        var syntax = type.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(context.CancellationToken))
            .OfType<ClassDeclarationSyntax>()
            .FirstOrDefault(d => attribute.ApplicationSyntaxReference?.SyntaxTree == d.SyntaxTree && d.Span.Contains(attribute.ApplicationSyntaxReference.Span));
        if (syntax == null) return;
        var declaration = DeclarationReader.Read(type, syntax, attribute, context.CancellationToken);
        foreach (var diagnostic in declaration.Diagnostics)
            context.ReportDiagnostic(diagnostic.ToDiagnostic());
    }
}
