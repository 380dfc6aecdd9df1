using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>
/// Peer: every hidden-layer weight replaced by its rank-k truncated SVD, W ≈ (U_k S_k) V_kᵀ, evaluated as two thin
/// products (k·(N_in + N_out) MACs instead of N_in·N_out). Data-free; the embedding and readout stay as they are.
/// </summary>
public static class TruncatedSvdReduction
{
    public const string VariantName = "truncated-svd";

    public static ReducedNetwork Build(LayerView view, int rank)
    {
        var (inputMap, inputOffset) = FullWidthCoordinates.InputMap(view);
        var stages = new List<ReducedStage>();
        for (int n = 0; n < view.Depth; n++)
        {
            var layer = view.Layers[n];
            var svd = layer.Weight.Svd(true);
            int k = Math.Min(rank, Math.Min(layer.InputWidth, layer.OutputWidth));
            var left = svd.U.SubMatrix(0, layer.OutputWidth, 0, k).Clone();
            for (int c = 0; c < k; c++) left.SetColumn(c, left.Column(c) * svd.S[c]);
            var right = svd.VT.SubMatrix(0, k, 0, layer.InputWidth).Clone();
            bool residual = layer.Kind == LayerMapKind.Residual;
            stages.Add(new ReducedStage(n, 1, layer.InputWidth, layer.OutputWidth, residual, null, right, left, layer.Bias.Clone(), layer.Activation,
                null, residual ? layer.Step : 1, Array.Empty<Matrix<double>>(), Vector<double>.Build.Dense(layer.OutputWidth)));
        }
        return new ReducedNetwork(VariantName, inputMap, inputOffset, stages, view.Readout.Weight.Clone(), view.Readout.Bias.Clone(), FullWidthCoordinates.Kinds(view));
    }

    /// <summary>Grows k over <paramref name="grid"/> until the validation gate passes.</summary>
    public static ReductionResult Search(ReductionCalibration calibration, double tolerance, IReadOnlyList<int> grid, double validationMargin = 1.0) =>
        GrowingSearch.Run(VariantName, calibration, tolerance, grid, validationMargin,
            (k, gate) => ReductionCandidate.Evaluate(calibration, Build(calibration.View, k), gate, hiddenUnitsOverride: k));
}
