using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Mz.Generator.Diagnostics;
using Mz.Generator.Model;

namespace Mz.Generator.Declarations;

/// <summary>Reads [MzReduce] from the network class and checks its arguments (MZ0003 at the attribute when they are unusable).</summary>
internal static class ReductionRequestReader
{
    public const string AttributeName = "Mz.MzReduceAttribute";

    private static readonly string[] BasisNames = { "Balanced", "Gradient", "Pca" };

    public static ReductionRequest? Read(INamedTypeSymbol symbol, string? calibration, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        AttributeData? attribute = null;
        foreach (var data in symbol.GetAttributes())
            if (data.AttributeClass?.ToDisplayString() == AttributeName) attribute = data;
        if (attribute == null) return null;

        var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken));
        double tolerance = double.NaN, margin = 1.0;
        bool toleranceGiven = false;
        int maxMemory = 2, basis = 0, hyper = 0;
        bool guard = false;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "Tolerance" when named.Value.Value is double t: tolerance = t; toleranceGiven = true; break;
                case "MaxMemory" when named.Value.Value is int k: maxMemory = k; break;
                case "Basis" when named.Value.Value is int b: basis = b; break;
                case "Hyper" when named.Value.Value is int h: hyper = h; break;
                case "Margin" when named.Value.Value is double m: margin = m; break;
                case "Guard" when named.Value.Value is bool g: guard = g; break;
            }
        }

        string? problem =
            !toleranceGiven ? "Tolerance: set the relative L2 output error the reduced network may have on held-out calibration rows, e.g. [MzReduce(Tolerance = 0.01)]"
            : !(tolerance > 0) || double.IsInfinity(tolerance) ? $"Tolerance: must be a positive number, got {Text(tolerance)}"
            : tolerance >= 1 ? $"Tolerance: must be below 1 (a relative error of 1 is what an all-zero output already has), got {Text(tolerance)}"
            : maxMemory < 0 || maxMemory > ReductionRequest.MaxMemoryLimit ? $"MaxMemory: must be between 0 and {ReductionRequest.MaxMemoryLimit}, got {maxMemory}"
            : basis < 0 || basis >= BasisNames.Length ? $"Basis: unknown value {basis}; use MzBasis.Balanced, Gradient or Pca"
            : hyper < 0 || hyper > 1 ? $"Hyper: unknown value {hyper}; use MzHyper.Auto or Off"
            : !(margin >= 1) || double.IsInfinity(margin) ? $"Margin: must be at least 1 (the gate is Tolerance / Margin), got {Text(margin)}"
            : calibration != null && calibration.Trim().Length == 0 ? "Calibration: [MzNetwork]'s Calibration is empty; name the rows the reduction fits on, e.g. Calibration = \"data/train.npz:x\", and list the file as an <MzCalibration> item"
            : calibration == null ? "Calibration: [MzReduce] fits the reduced network on calibration rows; add Calibration = \"data/train.npz:x\" to [MzNetwork] and list the file as an <MzCalibration> item"
            : null;
        if (problem != null)
        {
            int colon = problem.IndexOf(':');
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InvalidAttributeArgument, location, "MzReduce." + problem.Substring(0, colon), problem.Substring(colon + 2))
                .WithProperty(MzDiagnostics.OptionalPartProperty, "MzReduce"));
            return new ReductionRequest(double.NaN, 0, BasisNames[0], false, 1, false) { Unusable = "invalid [MzReduce] arguments: " + problem };
        }
        return new ReductionRequest(tolerance, maxMemory, BasisNames[basis], hyper == 0, margin, guard);
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
