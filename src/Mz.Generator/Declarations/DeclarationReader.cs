using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Mz.Core.Declared;
using Mz.Generator.Diagnostics;
using Mz.Generator.Emit;
using Mz.Generator.Model;

namespace Mz.Generator.Declarations;

/// <summary>Turns the attributed class symbol into a <see cref="NetworkDeclaration"/> plus declaration diagnostics.</summary>
public static class DeclarationReader
{
    public const string AttributeName = "Mz.MzNetworkAttribute";

    public static NetworkDeclaration Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        Read((INamedTypeSymbol)context.TargetSymbol, (ClassDeclarationSyntax)context.TargetNode, context.Attributes[0], cancellationToken);

    /// <summary>Shared by the generator and the analyzer, so both judge a declaration identically.</summary>
    public static NetworkDeclaration Read(INamedTypeSymbol symbol, ClassDeclarationSyntax syntax, AttributeData attribute, CancellationToken cancellationToken)
    {
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
        if (!symbol.IsStatic && symbol.TypeKind == TypeKind.Class && diagnostics.Count == 0)
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.ClassNotStatic, new LocationInfo(syntax.SyntaxTree, syntax.Identifier.Span, null), symbol.ToDisplayString()));
        for (var t = symbol; t != null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.GenericContainer, new LocationInfo(syntax.SyntaxTree, syntax.Identifier.Span, null), symbol.ToDisplayString()));
                break;
            }
        }

        string modelPath = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string s ? s : "";
        string? calibration = null, weights = null;
        int inputSize = 0, layout = 0, maxThreads = 0;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "Calibration" when named.Value.Value is string c: calibration = c; break;
                case "Weights" when named.Value.Value is string w: weights = w; break;
                case "InputSize" when named.Value.Value is int size: inputSize = size; break;
                case "WeightLayout" when named.Value.Value is int l: layout = l; break;
                case "MaxThreads" when named.Value.Value is int threads: maxThreads = threads; break;
            }
        }

        var noise = NoiseDeclarationReader.Read(attribute, attributeSyntax, attributeLocation, diagnostics, cancellationToken);
        var (layers, layerLocations) = ReadLayers(symbol, cancellationToken);
        bool hasModel = attribute.ConstructorArguments.Length > 0;
        if (hasModel && string.IsNullOrWhiteSpace(modelPath))
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InvalidAttributeArgument, attributeLocation, "model", "the model path is empty; name an .onnx file of the project"));
        else if (hasModel && weights != null)
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InvalidAttributeArgument, attributeLocation, "Weights", "give either an ONNX model or Weights with layer attributes, not both"));
        else if (hasModel && layers.Count > 0)
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InvalidAttributeArgument, layerLocations[0], "layers", "layer attributes describe a network built from Weights; an ONNX model already defines its layers"));
        else if (!hasModel && string.IsNullOrWhiteSpace(weights))
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InvalidAttributeArgument, attributeLocation, "Weights", "name an ONNX model, [MzNetwork(\"model.onnx\")], or a weights file with layer attributes, [MzNetwork(Weights = \"w.safetensors\", InputSize = n)]"));
        else if (!hasModel && inputSize <= 0)
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InvalidAttributeArgument, attributeLocation, "InputSize", $"a declared network needs InputSize > 0, got {inputSize}"));
        else if (!hasModel && layers.Count == 0)
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InvalidAttributeArgument, attributeLocation, "layers", "a declared network needs layer attributes such as [MzDense(10, Weight = \"out.weight\")]"));

        if (maxThreads < 0)
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InvalidAttributeArgument, attributeLocation, "MaxThreads", $"MaxThreads must be 0 or 1 (single-threaded) or a thread count above 1, got {maxThreads}"));
        var reduce = ReductionRequestReader.Read(symbol, calibration, diagnostics, cancellationToken);
        ReportNameClashes(symbol, syntax, GeneratedMemberNames.For(calibration != null, reduce != null, reduce?.Guard == true, noise != null, maxThreads), diagnostics, cancellationToken);

        var containers = new List<TypeDeclarationInfo>();
        for (var t = symbol; t != null; t = t.ContainingType)
            containers.Insert(0, new TypeDeclarationInfo(KeywordOf(t), t.Name, t.IsStatic ? "static partial" : "partial"));

        string ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "";
        return new NetworkDeclaration(ns, containers.ToEquatableArray(), modelPath.Trim(), calibration, attributeLocation, diagnostics.ToEquatableArray())
        {
            WeightsPath = hasModel ? "" : (weights ?? "").Trim(),
            InputSize = inputSize,
            WeightLayout = (WeightLayout)layout,
            MaxThreads = maxThreads,
            Layers = layers.ToEquatableArray(),
            LayerLocations = layerLocations.ToEquatableArray(),
            Reduce = reduce,
            Noise = noise,
        };
    }

    /// <summary>
    /// MZ0008 when the class is named like a member Mz generates into it, or declares one of those names itself. Members
    /// from Mz's own generated files do not count (the analyzer sees the compilation with them).
    /// </summary>
    private static void ReportNameClashes(INamedTypeSymbol symbol, ClassDeclarationSyntax syntax, HashSet<string> generated, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (generated.Contains(symbol.Name))
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.GeneratedNameClash, new LocationInfo(syntax.SyntaxTree, syntax.Identifier.Span, null), symbol.ToDisplayString(),
                $"Mz generates a member named '{symbol.Name}' into this class, and C# forbids a member named like its class; rename the class"));
            return;
        }
        foreach (var member in symbol.GetMembers())
        {
            if (!generated.Contains(member.Name) || member.IsImplicitlyDeclared) continue;
            // A method of the user's next to a generated method is an overload (a copy of the generated signature would
            // still fail, as CS0111, but nobody writes that by accident).
            if (member is IMethodSymbol && GeneratedMemberNames.IsMethod(member.Name)) continue;
            var own = member.DeclaringSyntaxReferences.FirstOrDefault(r => !IsMzGenerated(r.SyntaxTree));
            if (own == null) continue;
            var node = own.GetSyntax(cancellationToken);
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.GeneratedNameClash, new LocationInfo(node.SyntaxTree, node.Span, null), symbol.ToDisplayString(),
                $"the class declares '{member.Name}', a name Mz generates into it for this [MzNetwork] declaration; rename that member"));
        }
    }

    /// <summary>Files the generator added ({namespace}.{class}.Mz[.part].g.cs).</summary>
    private static bool IsMzGenerated(SyntaxTree tree) =>
        tree.FilePath.EndsWith(".g.cs", System.StringComparison.OrdinalIgnoreCase) && tree.FilePath.Contains(".Mz.");

    /// <summary>[MzDense], [MzResidual] and [MzSoftmax] in declaration order.</summary>
    private static (List<DeclaredLayer> Layers, List<LocationInfo> Locations) ReadLayers(INamedTypeSymbol symbol, CancellationToken cancellationToken)
    {
        var layers = new List<DeclaredLayer>();
        var locations = new List<LocationInfo>();
        foreach (var data in symbol.GetAttributes())
        {
            string? name = data.AttributeClass?.ToDisplayString();
            DeclaredLayer? layer = name switch
            {
                "Mz.MzDenseAttribute" => new DeclaredLayer(DeclaredLayerKind.Dense, data.ConstructorArguments.Length > 0 && data.ConstructorArguments[0].Value is int units ? units : 0,
                    Named(data, "Weight") as string ?? "", Named(data, "Bias") as string, ActivationName(Named(data, "Activation"), "None"), 1, 1.0, 0),
                "Mz.MzResidualAttribute" => new DeclaredLayer(DeclaredLayerKind.Residual, 0,
                    Named(data, "Weight") as string ?? "", Named(data, "Bias") as string, ActivationName(Named(data, "Activation"), "Tanh"),
                    Named(data, "Count") as int? ?? 1, Named(data, "Step") is float step ? step : 1.0, Named(data, "StartIndex") as int? ?? 0),
                "Mz.MzSoftmaxAttribute" => new DeclaredLayer(DeclaredLayerKind.Softmax, 0, "", null, "None", 1, 1.0, 0),
                _ => null,
            };
            if (layer == null) continue;
            layers.Add(layer);
            locations.Add(LocationInfo.From(data.ApplicationSyntaxReference?.GetSyntax(cancellationToken)) ?? new LocationInfo(null, default, null));
        }
        return (layers, locations);
    }

    private static object? Named(AttributeData data, string name)
    {
        foreach (var pair in data.NamedArguments)
            if (pair.Key == name) return pair.Value.Value;
        return null;
    }

    private static string ActivationName(object? value, string fallback) => value switch
    {
        0 => "None",
        1 => "Relu",
        2 => "Tanh",
        3 => "Sigmoid",
        int other => "Activation" + other,
        _ => fallback,
    };

    private static string KeywordOf(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };
}
