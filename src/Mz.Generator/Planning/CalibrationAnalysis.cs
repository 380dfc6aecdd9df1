using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Mz.Core.Analysis;
using Mz.Core.Data;
using Mz.Core.Lowering;
using Mz.Generator.Declarations;
using Mz.Generator.Diagnostics;
using Mz.Generator.Model;
using Mz.Generator.ModelFiles;

namespace Mz.Generator.Planning;

/// <summary>
/// The optional planner pass for [MzNetwork(..., Calibration = "data.npz:key")]: finds the calibration
/// sidecar, validates the rows (width, finiteness), runs the MZ analysis (content-cached) and turns the
/// report into diagnostics: one Info summary and a Warning per problem the analysis flags.
/// </summary>
internal static class CalibrationAnalysis
{
    public static AnalysisData? Run(NetworkDeclaration declaration, PreparedGraph graph, string modelHash, IReadOnlyList<ModelFile> files,
        LocationInfo? location, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(declaration.Calibration)) return null;
        var (path, key) = ArrayReference.Split(declaration.Calibration!);
        string normalized = SidecarReader.NormalizePath(path);
        var file = files.FirstOrDefault(f => f.Kind == "calibration" && string.Equals(f.SourcePath, normalized, StringComparison.Ordinal));
        if (file == null)
        {
            var known = files.Where(f => f.Kind == "calibration").Select(f => f.SourcePath).OrderBy(p => p, StringComparer.Ordinal).ToList();
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.CalibrationFileMissing, location, path, known.Count == 0 ? "none" : string.Join(", ", known))
                .WithProperty(MzDiagnostics.ItemTypeProperty, "MzCalibration").WithProperty(MzDiagnostics.ItemPathProperty, normalized));
            return null;
        }
        if (file.Blob == null)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.CalibrationInvalid, location, path, file.Error ?? "no payload"));
            return null;
        }

        NpyArray array;
        try { array = NpzReader.ReadArray(file.Blob.Bytes, path, key); }
        catch (DataFormatException e)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.CalibrationInvalid, location, path, e.Message));
            return null;
        }
        if (graph.Inputs.Count != 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.AnalysisUnavailable, location, declaration.FullName, "the MZ analysis needs a single-input network"));
            return null;
        }
        long width = graph.SizePerRow(graph.Inputs[0].Name);
        if (array.Shape.Length != 2 || array.Shape[1] != width)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.CalibrationInvalid, location, path,
                $"array '{array.Name}' has shape [{string.Join(", ", array.Shape)}] but the network needs rows of {width} values: [rows, {width}]"));
            return null;
        }
        int bad = CountNonFiniteRows(array, (int)width, out int firstBad);
        if (bad > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.CalibrationInvalid, location, path,
                $"{bad} of {array.Rows} rows of '{array.Name}' contain NaN or infinity (first: row {firstBad}); remove them"));
            return null;
        }
        if (array.Rows < 2)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.CalibrationInvalid, location, path, $"'{array.Name}' has {array.Rows} row(s); the analysis needs many more rows than the layer width ({width})"));
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        string cacheKey = modelHash + "|" + file.Blob.Hash + "|" + (key ?? "x");
        AnalysisReport report;
        try
        {
            report = AnalysisCache.GetOrAdd(cacheKey, () => MzAnalysis.Analyze(graph, array.Data, (int)array.Rows));
        }
        catch (LayerViewException e)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.AnalysisUnavailable, location, declaration.FullName, e.Message));
            return null;
        }

        // Too few rows makes the figures noise (a Warning); other remarks, such as ranks capped at the data's
        // numerical rank, are facts about the network and ride along in the Info summary.
        var notes = new List<string>();
        foreach (var warning in report.Warnings)
        {
            if (warning.IndexOf("too small", StringComparison.Ordinal) >= 0)
                diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.AnalysisWarning, location, declaration.FullName, warning));
            else notes.Add(warning);
        }
        diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.AnalysisSummary, location, declaration.FullName,
            report.Layers.Length.ToString(CultureInfo.InvariantCulture),
            Format(report.MedianDecayRate),
            report.RecommendedMemory.ToString(CultureInfo.InvariantCulture),
            Format(report.MedianNoiseRatio),
            report.CalibrationRows.ToString(CultureInfo.InvariantCulture),
            notes.Count == 0 ? "" : "; " + string.Join("; ", notes)));
        return new AnalysisData(cacheKey, report);
    }

    private static int CountNonFiniteRows(NpyArray array, int width, out int first)
    {
        int count = 0;
        first = -1;
        for (int row = 0; row < array.Rows; row++)
        {
            for (int j = 0; j < width; j++)
            {
                double v = array.Data[row * width + j];
                if (double.IsNaN(v) || double.IsInfinity(v))
                {
                    if (first < 0) first = row;
                    count++;
                    break;
                }
            }
        }
        return count;
    }

    private static string Format(double value) => double.IsNaN(value) ? "n/a" : value.ToString("G3", CultureInfo.InvariantCulture);
}
