using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Mz.Core.Data;
using Mz.Core.Declared;
using Mz.Core.Ir;
using Mz.Core.Lowering;
using Mz.Core.Onnx;
using Mz.Generator.Declarations;
using Mz.Generator.Diagnostics;
using Mz.Generator.Model;
using Mz.Generator.ModelFiles;

namespace Mz.Generator.Planning;

/// <summary>
/// The pure planning stage: declaration + model file → <see cref="NetworkResult"/>. Read → validate/prepare →
/// lower to steps. Every failure becomes a diagnostic at the attribute; nothing here throws.
/// </summary>
public static class NetworkPlanner
{
    public static NetworkResult Plan(NetworkDeclaration declaration, IReadOnlyList<ModelFile> files, CancellationToken cancellationToken)
    {
        // Declaration diagnostics are reported by NetworkDeclarationAnalyzer (so the IDE shows them without
        // running the generator); here they only decide whether code can be generated.
        var diagnostics = new List<DiagnosticInfo>();
        // An error about an optional part ([MzReduce]) does not stop the network itself: the build then fails on that
        // error alone, not also on every generated member the user's code calls.
        if (declaration.Diagnostics.Any(d => MzDiagnostics.Find(d.Id)?.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error
                && !d.HasProperty(MzDiagnostics.OptionalPartProperty)))
            return new NetworkResult(null, diagnostics.ToEquatableArray());

        var location = declaration.AttributeLocation;
        string requested = declaration.IsDeclaredNetwork ? declaration.WeightsPath : declaration.ModelPath;
        string path = SidecarReader.NormalizePath(requested);
        var file = files.FirstOrDefault(f => f.Kind == "model" && f.IsNamedBy(path))
            ?? files.FirstOrDefault(f => f.Kind == "model" && f.IsNamedBy(path, StringComparison.OrdinalIgnoreCase));
        if (file == null)
        {
            var known = files.Where(f => f.Kind == "model").Select(f => f.SourcePath).OrderBy(p => p, StringComparer.Ordinal).ToList();
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.ModelFileMissing, location, requested, known.Count == 0 ? "none" : string.Join(", ", known))
                .WithProperty(MzDiagnostics.ItemTypeProperty, "MzModel").WithProperty(MzDiagnostics.ItemPathProperty, path));
            return new NetworkResult(null, diagnostics.ToEquatableArray());
        }
        if (file.Error != null || file.Blob == null)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.SidecarInvalid, location, file.SourcePath, file.Error ?? "no payload"));
            return new NetworkResult(null, diagnostics.ToEquatableArray());
        }

        Graph graph;
        try
        {
            graph = declaration.IsDeclaredNetwork ? BuildDeclared(declaration, file) : OnnxModelReader.Read(file.Blob.Bytes, file.FindPart);
        }
        catch (OnnxFormatException e)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.ModelMalformed, location, file.SourcePath, e.Message));
            return new NetworkResult(null, diagnostics.ToEquatableArray());
        }
        catch (DataFormatException e)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.ModelMalformed, location, file.SourcePath, e.Message));
            return new NetworkResult(null, diagnostics.ToEquatableArray());
        }
        catch (DeclaredNetworkException e)
        {
            var at = e.LayerIndex >= 0 && e.LayerIndex < declaration.LayerLocations.Count ? declaration.LayerLocations[e.LayerIndex] : location;
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.DeclaredLayerMismatch, at, declaration.FullName, e.Message));
            return new NetworkResult(null, diagnostics.ToEquatableArray());
        }
        cancellationToken.ThrowIfCancellationRequested();

        PreparedGraph prepared;
        try
        {
            prepared = GraphPreparer.Prepare(graph, () => cancellationToken.IsCancellationRequested);
        }
        catch (GraphPreparationException e)
        {
            diagnostics.Add(e.Code switch
            {
                "unsupported-op" => DiagnosticInfo.Create(MzDiagnostics.UnsupportedOp, location, file.SourcePath, e.NodeName, e.OpType, e.Message),
                "unsupported-type" => DiagnosticInfo.Create(MzDiagnostics.UnsupportedType, location, file.SourcePath, e.Message),
                "opset" => DiagnosticInfo.Create(MzDiagnostics.OpsetUnsupported, location, file.SourcePath, e.Message),
                "training" => DiagnosticInfo.Create(MzDiagnostics.TrainingMode, location, file.SourcePath, e.Message),
                _ => DiagnosticInfo.Create(MzDiagnostics.InvalidGraph, location, file.SourcePath, e.Message),
            });
            return new NetworkResult(null, diagnostics.ToEquatableArray());
        }
        foreach (var warning in prepared.Warnings)
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.FixedBatch, location, file.SourcePath, warning));
        cancellationToken.ThrowIfCancellationRequested();

        var names = new Identifiers(new[] { "InputSize", "OutputSize", "Predict", "PredictBatch", "PredictReduced", "PredictReducedBatch", "rows", "scratch" });
        bool single = prepared.Inputs.Count == 1 && prepared.Outputs.Count == 1;
        var inputs = prepared.Inputs.Select(i => new PlanPort(i.Name, single ? names.Create("input", true) : PortIdentifier(names, i.Name, "input"), prepared.SizePerRow(i.Name), ShapeText(prepared, i.Name))).ToList();
        var outputs = prepared.Outputs.Select(o => new PlanPort(o.Name, single ? names.Create("output", true) : PortIdentifier(names, o.Name, "output"), prepared.SizePerRow(o.Name), ShapeText(prepared, o.Name))).ToList();

        var lowering = new StepLowering(prepared);
        lowering.Lower(inputs, outputs);
        foreach (var (node, op) in lowering.Fallbacks)
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InterpreterFallback, location, node, op, file.SourcePath));

        long parameters = graph.Initializers.Values.Where(t => ElementTypes.IsFloat(t.SourceType)).Sum(t => t.ElementCount);
        var summary = new List<string>(lowering.Summary);
        // The plan keeps no source locations: a moved line must change diagnostics only, never the output.
        var plan = new NetworkPlan(
            declaration with { AttributeLocation = null, Diagnostics = EquatableArray<DiagnosticInfo>.Empty, LayerLocations = EquatableArray<LocationInfo>.Empty },
            file.SourcePath,
            file.Blob.Hash,
            prepared.ComputeType == ElementType.Float64 ? "double" : "float",
            prepared.HasBatch && prepared.FixedBatch == null,
            inputs.ToEquatableArray(),
            outputs.ToEquatableArray(),
            lowering.Buffers.ToEquatableArray(),
            lowering.ScratchPerRow,
            lowering.Steps.ToEquatableArray(),
            new WeightTable(file.Blob.Hash, lowering.Weights),
            parameters,
            lowering.MultiplyAdds,
            summary.ToEquatableArray())
        {
            WeightResource = file.ResourceName,
            ModelLength = file.Blob.Bytes.Length,
        };
        var calibration = CalibrationRows.Load(declaration, prepared, files, location, diagnostics, out string? networkProblem);
        if (calibration != null)
            plan = plan with { Analysis = CalibrationAnalysis.Run(declaration, prepared, file.Blob.Hash, calibration, location, diagnostics, cancellationToken) };
        plan = plan with
        {
            Reduced = ReductionPlanning.Run(declaration, prepared, file.Blob.Hash, calibration, networkProblem, lowering.MultiplyAdds, inputs[0].Identifier, outputs[0].Identifier,
                location, diagnostics, cancellationToken),
        };
        plan = plan with { Noise = NoisePlanning.Run(declaration, prepared, file, location, diagnostics) };
        return new NetworkResult(plan, diagnostics.ToEquatableArray());
    }

    /// <summary>The attribute front end: weights file + declared layers → the same graph IR an ONNX file gives.</summary>
    private static Graph BuildDeclared(NetworkDeclaration declaration, ModelFile file)
    {
        Dictionary<string, TensorData> tensors = file.Format switch
        {
            "safetensors" => SafetensorsReader.Read(file.Blob!.Bytes, file.SourcePath),
            // An .npz of float arrays keyed by tensor name (np.savez(path, **state_dict)).
            "npz" => NpzReader.Read(file.Blob!.Bytes, file.SourcePath).ToDictionary(p => p.Key, p => ToTensor(p.Value), StringComparer.Ordinal),
            _ => throw new DataFormatException($"Weights must name a .safetensors or .npz file, got a {file.Format} file"),
        };
        return DeclaredNetworkBuilder.Build(declaration.InputSize, declaration.WeightLayout, declaration.Layers.ToList(), tensors);
    }

    private static TensorData ToTensor(NpyArray array) =>
        array.DType.EndsWith("f8", StringComparison.Ordinal)
            ? new TensorData(array.Name, ElementType.Float64, array.Shape, float64: array.Data)
            : new TensorData(array.Name, ElementType.Float32, array.Shape, float32: array.Data.Select(v => (float)v).ToArray());

    /// <summary>
    /// Port identifiers must survive the emitter's derived names: PredictBatch appends "s" (a port "a" would become
    /// the keyword "as") and the size constant capitalises the first letter after '@'/'_' (a port "0" has none).
    /// </summary>
    private static string PortIdentifier(Identifiers names, string onnxName, string role)
    {
        var sanitized = new Identifiers().Create(onnxName, true).TrimStart('@', '_');
        if (sanitized.Length == 0 || !char.IsLetter(sanitized[0])) onnxName = role + "_" + onnxName;
        var identifier = names.Create(onnxName, true);
        string plural = identifier.TrimStart('@') + "s";
        bool keyword = Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(plural) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None
            || Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetContextualKeywordKind(plural) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None;
        return keyword ? names.Create(onnxName + "_", true) : identifier;
    }

    private static string ShapeText(PreparedGraph graph, string value) =>
        "[" + string.Join(", ", graph.Shapes[value].Select(d => d.ToString())) + "]";
}
