using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>
/// Peer: neuron selection without memory, in the spirit of interpolative-decomposition pruning (Chee et al., NeurIPS
/// 2022). Every layer keeps the full-width state and evaluates only J of its hidden units, chosen by column-pivoted QR on
/// the activations; their interpolation matrix is fitted by ridge, closed loop (each layer on the pruned model's own
/// inputs), and folded into the layer output. No reduced coordinates, no memory, no depth reduction.
/// </summary>
public static class InterpolativePruning
{
    public const string VariantName = "id-pruning";

    public static ReducedNetwork Build(ReductionCalibration calibration, int hiddenUnits, double relativeRidge = 1e-6)
    {
        var view = calibration.View;
        var (inputMap, inputOffset) = FullWidthCoordinates.InputMap(view);
        var state = DenseKernels.TransposeAndMultiply(calibration.FitInputs, inputMap);
        ReducedNetwork.AddToColumns(state, inputOffset);
        var stages = new List<ReducedStage>();
        for (int n = 0; n < view.Depth; n++)
        {
            var layer = view.Layers[n];
            var hidden = layer.PreActivations(state);
            var values = hidden.AsColumnMajorArray() ?? throw new InvalidOperationException("dense storage expected");
            for (int i = 0; i < values.Length; i++) values[i] = ActivationMath.Apply(layer.Activation, values[i]);
            int[] kept = NeuronSelection.PivotedColumns(hidden, hiddenUnits > 0 ? hiddenUnits : hidden.ColumnCount);
            bool residual = layer.Kind == LayerMapKind.Residual;
            var target = residual ? calibration.FitStates[n + 1] - state : calibration.FitStates[n + 1];
            var fit = RidgeRegression.Fit(target, new[] { MzReducer.SelectColumns(hidden, kept) }, relativeRidge);
            var weight = Matrix<double>.Build.Dense(kept.Length, layer.InputWidth, (i, j) => layer.Weight[kept[i], j]);
            var bias = Vector<double>.Build.Dense(kept.Length, i => layer.Bias[kept[i]]);
            var stage = new ReducedStage(n, 1, layer.InputWidth, layer.OutputWidth, residual, null, null, weight, bias, layer.Activation,
                fit.Blocks[0], 1, Array.Empty<Matrix<double>>(), fit.Intercept);
            stages.Add(stage);
            state = stage.ApplyToRows(new[] { state });
        }
        return new ReducedNetwork(VariantName, inputMap, inputOffset, stages, view.Readout.Weight.Clone(), view.Readout.Bias.Clone(), FullWidthCoordinates.Kinds(view));
    }

    /// <summary>Grows J over <paramref name="grid"/> until the validation gate passes.</summary>
    public static ReductionResult Search(ReductionCalibration calibration, double tolerance, IReadOnlyList<int> grid, double validationMargin = 1.0) =>
        GrowingSearch.Run(VariantName, calibration, tolerance, grid, validationMargin, (j, gate) => ReductionCandidate.Evaluate(calibration, Build(calibration, j), gate));
}
