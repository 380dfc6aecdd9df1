using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Mz.Generator.Diagnostics;
using Mz.Generator.Model;

namespace Mz.Generator.Declarations;

/// <summary>Turns the attributed class symbol into a <see cref="NetworkDeclaration"/> plus declaration diagnostics.</summary>
public static class DeclarationReader
{
    public const string AttributeName = "Mz.MzNetworkAttribute";

    public static NetworkDeclaration Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (ClassDeclarationSyntax)context.TargetNode;
        var attribute = context.Attributes[0];
        var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
        var attributeLocation = LocationInfo.From(attributeSyntax);
        var diagnostics = new List<DiagnosticInfo>();

        // Every part of the type and of its containers must be partial for the generated half to merge.
        for (var t = symbol; t != null; t = t.ContainingType)
        {
            bool partial = t.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partial)
            {
                diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.ClassNotPartial, new LocationInfo(syntax.SyntaxTree, syntax.Identifier.Span, null), t.ToDisplayString()));
                break;
            }
        }
        for (var t = symbol; t != null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.GenericContainer, new LocationInfo(syntax.SyntaxTree, syntax.Identifier.Span, null), symbol.ToDisplayString()));
                break;
            }
        }

        string modelPath = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string s ? s : "";
        if (string.IsNullOrWhiteSpace(modelPath))
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InvalidAttributeArgument, attributeLocation, "model", "the model path is empty; name an .onnx file of the project"));

        string? calibration = null;
        foreach (var named in attribute.NamedArguments)
            if (named.Key == "Calibration" && named.Value.Value is string c) calibration = c;

        var containers = new List<TypeDeclarationInfo>();
        for (var t = symbol; t != null; t = t.ContainingType)
            containers.Insert(0, new TypeDeclarationInfo(KeywordOf(t), t.Name, t.IsStatic ? "static partial" : "partial"));

        string ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "";
        return new NetworkDeclaration(ns, containers.ToEquatableArray(), modelPath.Trim(), calibration, attributeLocation, diagnostics.ToEquatableArray());
    }

    private static string KeywordOf(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };
}
