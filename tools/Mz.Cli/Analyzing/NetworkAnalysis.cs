using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Mz.Core.Data;
using Mz.Core.Lowering;
using Mz.Core.Onnx;

namespace Mz.Cli.Analyzing;

/// <summary>A model, its calibration rows, the MZ report and the per-layer PCA spectra for plotting.</summary>
public sealed class NetworkAnalysis
{
    private NetworkAnalysis(AnalysisReport report, IReadOnlyList<double[]> spectra)
    {
        Report = report;
        Spectra = spectra;
    }

    public AnalysisReport Report { get; }

    /// <summary>Singular values of the centred states of each layer (layer 0 = input of the first map).</summary>
    public IReadOnlyList<double[]> Spectra { get; }

    public static NetworkAnalysis Run(string modelPath, string calibration)
    {
        PreparedGraph graph;
        try { graph = GraphPreparer.Prepare(OnnxModelReader.Read(File.ReadAllBytes(modelPath))); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OnnxFormatException or GraphPreparationException)
        {
            throw new AnalysisInputException($"cannot use model '{modelPath}': {e.Message}");
        }

        int colon = calibration.LastIndexOf(':');
        bool hasKey = colon > 1 && calibration.IndexOfAny(new[] { '/', '\\' }, colon) < 0;
        string file = hasKey ? calibration.Substring(0, colon) : calibration;
        string? key = hasKey ? calibration.Substring(colon + 1) : null;
        NpyArray rows;
        try { rows = NpzReader.ReadArray(File.ReadAllBytes(file), file, key); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DataFormatException)
        {
            throw new AnalysisInputException($"cannot use calibration '{calibration}': {e.Message}");
        }
        long width = graph.Inputs.Count == 1 ? graph.SizePerRow(graph.Inputs[0].Name) : -1;
        if (rows.Shape.Length != 2 || rows.Shape[1] != width)
            throw new AnalysisInputException($"calibration array '{rows.Name}' has shape [{string.Join(", ", rows.Shape)}]; the model needs [rows, {width}]");
        if (rows.Data.Any(v => double.IsNaN(v) || double.IsInfinity(v)))
            throw new AnalysisInputException($"calibration array '{rows.Name}' contains NaN or infinity");

        var inputs = Matrix<double>.Build.Dense((int)rows.Rows, (int)width, (i, j) => rows.Data[i * width + j]);
        try
        {
            var report = MzAnalysis.Analyze(graph, inputs);
            var view = LayerView.FromGraph(graph);
            var states = CalibrationRunner.CheckedStates(graph, view, inputs, out _);
            var spectra = states.Select(s => BasisBuilder.Build(s, null, new BasisOptions { Kind = BasisKind.Pca }).Spectrum).ToList();
            return new NetworkAnalysis(report, spectra);
        }
        catch (LayerViewException e)
        {
            throw new AnalysisInputException($"the analysis does not cover this network: {e.Message}");
        }
    }
}
