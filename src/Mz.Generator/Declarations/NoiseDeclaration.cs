using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Mz.Generator.Diagnostics;
using Mz.Generator.Model;

namespace Mz.Generator.Declarations;

/// <summary>
/// The noise a [MzNetwork] declares: one σ for every hidden layer (<c>Noise = 0.05</c>, <see cref="PerLayer"/> false,
/// one value in <see cref="Levels"/>) or one σ per hidden layer (<c>NoisePerLayer = new[] { ... }</c>). Plain data;
/// the count is checked against the network's hidden layers when the model is planned (MZ0207).
/// </summary>
public sealed record NoiseDeclaration(bool PerLayer, EquatableArray<double> Levels)
{
    /// <summary>β_n for each of <paramref name="depth"/> hidden layers (the caller has checked the count).</summary>
    public double[] LevelsFor(int depth) => PerLayer ? Levels.ToArray() : Enumerable.Repeat(Levels[0], depth).ToArray();

    public string Describe() => PerLayer
        ? "NoisePerLayer = { " + string.Join(", ", Levels.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + " }"
        : "Noise = " + Levels[0].ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Reads and checks the Noise / NoisePerLayer arguments of [MzNetwork] (MZ0006 for values that can never be valid).</summary>
public static class NoiseDeclarationReader
{
    public const string UniformName = "Noise";
    public const string PerLayerName = "NoisePerLayer";

    /// <summary>Null when the attribute declares no noise, or when the declared noise is invalid (then a diagnostic is added).</summary>
    public static NoiseDeclaration? Read(AttributeData attribute, SyntaxNode? attributeSyntax, LocationInfo? attributeLocation, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        TypedConstant? uniform = null, perLayer = null;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == UniformName) uniform = named.Value;
            else if (named.Key == PerLayerName) perLayer = named.Value;
        }
        if (uniform == null && perLayer == null) return null;
        cancellationToken.ThrowIfCancellationRequested();

        LocationInfo? At(string name) => LocationInfo.From((attributeSyntax as AttributeSyntax)?.ArgumentList?.Arguments
            .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)) ?? attributeLocation;

        if (uniform != null && perLayer != null)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InvalidNoise, At(PerLayerName), PerLayerName, "give either Noise (one σ for every hidden layer) or NoisePerLayer (one σ per hidden layer), not both"));
            return null;
        }
        if (uniform is { } single)
        {
            double level = single.Value is double d ? d : double.NaN;
            if (Problem(level) is { } problem)
            {
                diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InvalidNoise, At(UniformName), UniformName, "σ " + problem));
                return null;
            }
            return new NoiseDeclaration(false, new[] { level }.ToEquatableArray());
        }

        var array = perLayer!.Value;
        if (array.IsNull || array.Kind != TypedConstantKind.Array || array.Values.Length == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InvalidNoise, At(PerLayerName), PerLayerName, "list one σ per hidden layer, e.g. NoisePerLayer = new[] { 0.05, 0.1 }"));
            return null;
        }
        var levels = new double[array.Values.Length];
        for (int n = 0; n < levels.Length; n++)
        {
            levels[n] = array.Values[n].Value is double d ? d : double.NaN;
            if (Problem(levels[n]) is { } problem)
            {
                diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InvalidNoise, At(PerLayerName), PerLayerName, $"the σ of hidden layer {n.ToString(CultureInfo.InvariantCulture)} {problem}"));
                return null;
            }
        }
        return new NoiseDeclaration(true, levels.ToEquatableArray());
    }

    private static string? Problem(double level) =>
        double.IsNaN(level) ? "is NaN; a noise standard deviation must be a finite number ≥ 0"
        : double.IsInfinity(level) ? "is infinite; a noise standard deviation must be a finite number ≥ 0"
        : level < 0 ? $"is {level.ToString("R", CultureInfo.InvariantCulture)}; a noise standard deviation must be ≥ 0"
        : null;
}
