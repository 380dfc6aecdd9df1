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

    /// <summary>
    /// The rows, or null with a diagnostic (MZ0105 missing item, MZ0106 unusable data, MZ0403 unsupported network).
    /// <paramref name="networkProblem"/> says why when the network, not the file, is the obstacle (MZ0403 is only
    /// Info, so [MzReduce] must say it again as a warning).
    /// </summary>
    public static CalibrationRows? Load(NetworkDeclaration declaration, PreparedGraph graph, IReadOnlyList<ModelFile> files,
        LocationInfo? location, List<DiagnosticInfo> diagnostics, out string? networkProblem)
    {
        networkProblem = null;
        if (string.IsNullOrWhiteSpace(declaration.Calibration)) return null;
        var (path, key) = ArrayReference.Split(declaration.Calibration!);
        string normalized = SidecarReader.NormalizePath(path);
        if (!path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.CalibrationInvalid, location, path,
                "calibration rows come from a NumPy file: name an .npz (with ':key', default x) or an .npy file"));
            return null;
        }
        var file = files.FirstOrDefault(f => f.Kind == "calibration" && f.IsNamedBy(normalized));
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
        networkProblem = CalibrationCheck.NetworkProblem(graph.Inputs.Count);
        if (networkProblem != null)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.AnalysisUnavailable, location, declaration.FullName, networkProblem));
            return null;
        }
        string? problem = CalibrationCheck.RowsProblem(array, graph.SizePerRow(graph.Inputs[0].Name));
        if (problem != null)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.CalibrationInvalid, location, path, problem));
            return null;
        }
        return new CalibrationRows(array, file.Blob.Hash + "|" + (key ?? "x"));
    }
}
