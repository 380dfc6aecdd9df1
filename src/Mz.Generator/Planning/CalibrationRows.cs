using System;
using System.Collections.Generic;
using System.Linq;
using Mz.Core.Data;
using Mz.Core.Lowering;
using Mz.Generator.Declarations;
using Mz.Generator.Diagnostics;
using Mz.Generator.Model;
using Mz.Generator.ModelFiles;

namespace Mz.Generator.Planning;

/// <summary>
/// The calibration rows named by [MzNetwork(..., Calibration = "data.npz:key")], found among the sidecars and checked
/// (an array of [rows, input width], finite, more than one row) once for the analysis and the reduction alike.
/// <see cref="Key"/> identifies the content (file hash and array key) for the content-keyed caches.
/// </summary>
internal sealed class CalibrationRows
{
    public CalibrationRows(NpyArray array, string key)
    {
        Array = array;
        Key = key;
    }

    public NpyArray Array { get; }
    public string Key { get; }

    /// <summary>The rows, or null with a diagnostic (MZ0105 missing item, MZ0106 unusable data, MZ0403 unsupported network).</summary>
    public static CalibrationRows? Load(NetworkDeclaration declaration, PreparedGraph graph, IReadOnlyList<ModelFile> files,
        LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (string.IsNullOrWhiteSpace(declaration.Calibration)) return null;
        var (path, key) = ArrayReference.Split(declaration.Calibration!);
        string normalized = SidecarReader.NormalizePath(path);
        if (!path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.CalibrationInvalid, location, path,
                "calibration rows come from a NumPy file: name an .npz (with ':key', default x) or an .npy file"));
            return null;
        }
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
        return new CalibrationRows(array, file.Blob.Hash + "|" + (key ?? "x"));
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

}
