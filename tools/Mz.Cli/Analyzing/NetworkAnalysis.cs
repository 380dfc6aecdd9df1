using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Mz.Core.Lowering;

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
        var network = CalibratedNetwork.Load(modelPath, calibration);
        var graph = network.Graph;
        var inputs = network.Inputs;
        try
        {
            // The calibration rollout serves both the analysis and the spectra: compute it once.
            var view = LayerView.FromGraph(graph);
            var states = CalibrationRunner.CheckedStates(graph, view, inputs, out var logits);
            var report = MzAnalysis.Analyze(view, states, logits);
            var spectra = states.Select(s => BasisBuilder.Build(s, null, new BasisOptions { Kind = BasisKind.Pca }).Spectrum).ToList();
            return new NetworkAnalysis(report, spectra);
        }
        catch (LayerViewException e)
        {
            throw new AnalysisInputException($"the analysis does not cover this network: {e.Message}");
        }
    }
}
