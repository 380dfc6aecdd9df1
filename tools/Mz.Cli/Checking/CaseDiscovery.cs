using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Mz.Core.Data;

namespace Mz.Cli.Checking;

/// <summary>
/// Finds check cases below a path: a folder with model.onnx plus test_data_set_*/input_*.pb and output_*.pb
/// (ONNX backend layout) or reference.npz (trained models), and pairs &lt;case&gt;.onnx + &lt;case&gt;.npz.
/// Tolerances come from model.json (reference.suggested_tolerance) or a sibling manifest.json.
/// </summary>
public static class CaseDiscovery
{
    public static IReadOnlyList<CheckCase> Find(string path)
    {
        var full = Path.GetFullPath(path);
        var cases = new List<CheckCase>();
        if (File.Exists(full))
        {
            if (full.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) AddPair(Path.GetDirectoryName(full)!, full, cases, Path.GetFileNameWithoutExtension(full));
            return cases;
        }
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"'{path}' does not exist");
        string baseName = Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar));
        Walk(full, full, baseName, cases);
        return cases;
    }

    private static void Walk(string root, string directory, string rootName, List<CheckCase> cases)
    {
        string relative = directory == root ? rootName : Path.GetRelativePath(root, directory).Replace(Path.DirectorySeparatorChar, '/');
        var model = Path.Combine(directory, "model.onnx");
        if (File.Exists(model))
        {
            var dataSets = Directory.GetDirectories(directory, "test_data_set_*").OrderBy(d => d, StringComparer.Ordinal).ToList();
            if (dataSets.Count > 0) { cases.Add(BackendCase(relative, model, dataSets)); return; }
            var npz = Path.Combine(directory, "reference.npz");
            if (File.Exists(npz)) { cases.Add(ReferenceCase(relative, model, npz, ToleranceFromModelJson(Path.Combine(directory, "model.json")))); return; }
        }
        foreach (var file in Directory.GetFiles(directory, "*.onnx").OrderBy(f => f, StringComparer.Ordinal))
            if (!string.Equals(Path.GetFileName(file), "model.onnx", StringComparison.Ordinal))
                AddPair(directory, file, cases, directory == root ? Path.GetFileNameWithoutExtension(file) : relative + "/" + Path.GetFileNameWithoutExtension(file));
        foreach (var sub in Directory.GetDirectories(directory).OrderBy(d => d, StringComparer.Ordinal))
            Walk(root, sub, rootName, cases);
    }

    private static void AddPair(string directory, string onnx, List<CheckCase> cases, string name)
    {
        var npz = Path.ChangeExtension(onnx, ".npz");
        if (!File.Exists(npz)) return;
        cases.Add(ReferenceCase(name, onnx, npz, ToleranceFromManifest(Path.Combine(directory, "manifest.json"), Path.GetFileNameWithoutExtension(onnx))));
    }

    private static CheckCase BackendCase(string name, string model, List<string> dataSets)
    {
        var sets = new List<CaseDataSet>();
        foreach (var set in dataSets)
        {
            var inputs = Numbered(set, "input_").Select(f => CaseTensor.FromProto(File.ReadAllBytes(f))).ToList();
            var outputs = Numbered(set, "output_").Select(f => CaseTensor.FromProto(File.ReadAllBytes(f))).ToList();
            sets.Add(new CaseDataSet(Path.GetFileName(set), inputs, outputs));
        }
        return new CheckCase(name, model, sets, null);
    }

    /// <summary>input_0.pb, input_1.pb, ... in numeric order (input_10 after input_9).</summary>
    private static IEnumerable<string> Numbered(string directory, string prefix) =>
        Directory.GetFiles(directory, prefix + "*.pb")
            .Select(f => (File: f, Index: int.TryParse(Path.GetFileNameWithoutExtension(f).Substring(prefix.Length), out var i) ? i : int.MaxValue))
            .OrderBy(p => p.Index).Select(p => p.File);

    /// <summary>x → y_f64 (else y), plus x_edge → y_edge_f64 when present.</summary>
    private static CheckCase ReferenceCase(string name, string model, string npzPath, Tolerance? tolerance)
    {
        var arrays = NpzReader.Read(File.ReadAllBytes(npzPath), npzPath);
        var sets = new List<CaseDataSet>();
        if (arrays.TryGetValue("x", out var x))
        {
            var y = arrays.TryGetValue("y_f64", out var f64) ? f64 : arrays.TryGetValue("y", out var plain) ? plain : null;
            sets.Add(new CaseDataSet("x", new[] { CaseTensor.FromNpy(x) }, y == null ? Array.Empty<CaseTensor>() : new[] { CaseTensor.FromNpy(y) }));
        }
        if (arrays.TryGetValue("x_edge", out var edge) && arrays.TryGetValue("y_edge_f64", out var yEdge))
            sets.Add(new CaseDataSet("x_edge", new[] { CaseTensor.FromNpy(edge) }, new[] { CaseTensor.FromNpy(yEdge) }));
        return new CheckCase(name, model, sets, tolerance);
    }

    private static Tolerance? ToleranceFromModelJson(string path)
    {
        if (!File.Exists(path)) return null;
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.TryGetProperty("reference", out var reference) && reference.TryGetProperty("suggested_tolerance", out var tolerance)
            ? Read(tolerance) : null;
    }

    private static Tolerance? ToleranceFromManifest(string path, string caseName)
    {
        if (!File.Exists(path)) return null;
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        if (!json.RootElement.TryGetProperty("cases", out var list)) return null;
        foreach (var entry in list.EnumerateArray())
            if (entry.TryGetProperty("name", out var n) && n.GetString() == caseName && entry.TryGetProperty("tolerance", out var tolerance))
                return Read(tolerance);
        return null;
    }

    /// <summary>A missing rtol (or atol) is 0, never a default.</summary>
    private static Tolerance Read(JsonElement tolerance) =>
        new(tolerance.TryGetProperty("atol", out var a) ? a.GetDouble() : 0, tolerance.TryGetProperty("rtol", out var r) ? r.GetDouble() : 0);
}
