using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>
/// Builds MZ-reduced networks (MZ.md §5.2–§5.5 with the refinements of §5.11): balanced-POD coordinates at the stage
/// boundaries, Galerkin or fitted-output reduced layers, memory kernels fitted closed loop by joint ridge on the reduced
/// model's own rollout over the fit split, runs of residual blocks merged into one stage evaluated at the run's input,
/// optional neuron-level hyper-reduction, and a fitted readout.
/// </summary>
public static class MzReducer
{
    public static ReducedNetwork Build(ReductionCalibration calibration, ReductionConfiguration configuration, MzReducerOptions? options = null, string variant = "mz")
    {
        options ??= new MzReducerOptions();
        var view = calibration.View;
        int depth = view.Depth;
        bool residual = view.Layers.All(l => l.Kind == LayerMapKind.Residual);
        int merge = residual ? Math.Max(1, configuration.MergeLength) : 1;
        if (options.OutputMap == OutputMapKind.Galerkin && (merge > 1 || configuration.HiddenUnits != 0 || (configuration.StageHiddenUnits?.Any(j => j != 0) ?? false)))
            throw new ArgumentException("the Galerkin output map evaluates every layer with all its units: use merge length 1 and J = 0 (all units)");

        var boundaries = Boundaries(view, merge);
        var bases = boundaries.Select(n => StateBasis(calibration, n, configuration.Rank, options)).ToArray();
        for (int t = 0; t < bases.Length; t++)
            if (bases[t].Rank == 0)
                throw new ArgumentException($"the layer-{boundaries[t]} state has no direction to keep on the fit rows: " + (calibration.Problem ?? "its calibration states do not vary"));
        var truth = boundaries.Select((n, t) => bases[t].Coordinates(calibration.FitStates[n])).ToArray();

        var (inputMap, inputOffset) = InputMap(view, bases[0]);
        var rollout = new List<Matrix<double>>();
        var z0 = DenseKernels.TransposeAndMultiply(calibration.FitInputs, inputMap);
        ReducedNetwork.AddToColumns(z0, inputOffset);
        rollout.Add(z0);

        var stages = new List<ReducedStage>();
        for (int t = 0; t + 1 < boundaries.Length; t++)
        {
            int lags = Math.Min(configuration.MemoryLength, t);
            var history = Enumerable.Range(0, lags + 1).Select(k => rollout[t - k]).ToArray();
            var stage = options.OutputMap == OutputMapKind.Galerkin
                ? GalerkinStage(view.Layers[boundaries[t]], boundaries[t], bases[t], bases[t + 1], history, truth[t + 1], options.RelativeRidge)
                : FittedStage(view, boundaries[t], boundaries[t + 1], bases[t], history, truth[t + 1], configuration.HiddenUnitsAt(t), options.RelativeRidge);
            stages.Add(stage);
            rollout.Add(stage.ApplyToRows(history));
        }

        Matrix<double> readout;
        Vector<double> readoutBias;
        var last = bases[bases.Length - 1];
        if (options.OutputMap == OutputMapKind.Galerkin)
        {
            readout = view.Readout.Weight * last.Lift;
            readoutBias = view.Readout.Weight * last.Mean + view.Readout.Bias;
        }
        else
        {
            var fit = RidgeRegression.Fit(calibration.FitLogits, new[] { rollout[rollout.Count - 1] }, options.RelativeRidge);
            readout = fit.Blocks[0];
            readoutBias = fit.Intercept;
        }
        return new ReducedNetwork(variant, inputMap, inputOffset, stages, readout, readoutBias, bases.Select(b => b.Kind).ToArray());
    }

    /// <summary>Stage boundaries 0 = b_0 &lt; b_1 &lt; … = L: runs of <paramref name="merge"/> layers, never mixing activations.</summary>
    internal static int[] Boundaries(LayerView view, int merge)
    {
        var boundaries = new List<int> { 0 };
        int start = 0;
        for (int n = 1; n <= view.Depth; n++)
            if (n == view.Depth || n - start >= merge || view.Layers[n].Activation != view.Layers[start].Activation)
            {
                boundaries.Add(n);
                start = n;
            }
        return boundaries.ToArray();
    }

    /// <summary>
    /// The width each reduced state at <paramref name="boundaries"/> gets for a requested <paramref name="rank"/>: the
    /// request capped at what the basis supports there (the numerical rank, or the outputs' rank for a balanced basis).
    /// </summary>
    internal static int[] StateRanks(ReductionCalibration calibration, int[] boundaries, int rank, MzReducerOptions options) =>
        boundaries.Select(n => StateBasis(calibration, n, rank, options).Rank).ToArray();

    private static LayerBasis StateBasis(ReductionCalibration calibration, int state, int rank, MzReducerOptions options)
    {
        if (!options.IdentityBases) return calibration.Basis(state, rank, options.Basis);
        int width = calibration.View.StateWidth(state);
        var mean = calibration.FitStates[state].ColumnSums() / calibration.FitStates[state].RowCount;
        var identity = Matrix<double>.Build.DenseIdentity(width);
        return new LayerBasis(BasisKind.Explicit, mean, identity, identity.Clone());
    }

    /// <summary>ẑ_0 = Ψ_0ᵀ(W_in u + b_in − m_0), the embedding folded in (§5.5).</summary>
    private static (Matrix<double> Map, Vector<double> Offset) InputMap(LayerView view, LayerBasis basis)
    {
        var restrictT = basis.Restrict.Transpose();
        if (view.Embedding == null) return (restrictT, -(restrictT * basis.Mean));
        return (restrictT * view.Embedding.Weight, restrictT * (view.Embedding.Bias - basis.Mean));
    }

    /// <summary>
    /// Galerkin layer f_n of §5.3 plus memory kernels Ω^(0..K) and offset fitted by joint ridge on the closed-loop
    /// residual e_{n+1} = z_{n+1} − f_n(ẑ_n) (§5.4 b).
    /// </summary>
    private static ReducedStage GalerkinStage(LayerMap layer, int index, LayerBasis input, LayerBasis output, Matrix<double>[] history, Matrix<double> target, double ridge)
    {
        var restrictT = output.Restrict.Transpose();
        var hiddenWeight = layer.Weight * input.Lift;
        var hiddenBias = layer.Weight * input.Mean + layer.Bias;
        Matrix<double>? linear = null;
        Matrix<double> outputMap;
        Vector<double> offset;
        if (layer.Kind == LayerMapKind.Residual)
        {
            linear = restrictT * input.Lift;
            outputMap = restrictT * layer.Step;
            offset = restrictT * (input.Mean - output.Mean);
        }
        else
        {
            outputMap = restrictT;
            offset = -(restrictT * output.Mean);
        }
        var streaming = new ReducedStage(index, 1, input.Rank, output.Rank, false, linear, null, hiddenWeight, hiddenBias, layer.Activation, outputMap, 1, Array.Empty<Matrix<double>>(), offset);
        var residual = target - streaming.ApplyToRows(new[] { history[0] });
        var fit = RidgeRegression.Fit(residual, history, ridge);
        var lagZero = fit.Blocks[0];
        linear = linear == null ? lagZero : linear + lagZero;
        return new ReducedStage(index, 1, input.Rank, output.Rank, false, linear, null, hiddenWeight, hiddenBias, layer.Activation, outputMap, 1,
            fit.Blocks.Skip(1).ToArray(), offset + fit.Intercept);
    }

    /// <summary>
    /// One stage for layers [first, end): the hidden units of every layer in the run evaluated at the lifted run input
    /// m + Φ ẑ (for a merged residual run, the sum of its branches at the run input), J of them kept by greedy forward
    /// selection against the stage's target (<see cref="NeuronSelection.ForTarget"/>: the units the fit below needs), and
    /// output map B, linear term Ω^(0), kernels Ω^(1..K) and offset fitted jointly by ridge, closed loop (§5.11 items 1–2).
    /// </summary>
    private static ReducedStage FittedStage(LayerView view, int first, int end, LayerBasis input, Matrix<double>[] history, Matrix<double> target, int hiddenUnits, double ridge)
    {
        if (hiddenUnits == ReductionConfiguration.AffineStage) return AffineStage(view, first, end, input, history, target, ridge);
        int width = view.StateWidth(first);
        var weight = Matrix<double>.Build.Dense((end - first) * view.Layers[first].OutputWidth, input.Rank);
        var bias = Vector<double>.Build.Dense(weight.RowCount);
        int row = 0;
        for (int n = first; n < end; n++)
        {
            var layer = view.Layers[n];
            if (layer.InputWidth != width) throw new ArgumentException("a merged run must keep its width");
            weight.SetSubMatrix(row, 0, layer.Weight * input.Lift);
            bias.SetSubVector(row, layer.OutputWidth, layer.Weight * input.Mean + layer.Bias);
            row += layer.OutputWidth;
        }
        var activation = view.Layers[first].Activation;
        var hidden = DenseKernels.TransposeAndMultiply(history[0], weight);
        for (int j = 0; j < hidden.ColumnCount; j++)
        {
            double b = bias[j];
            for (int i = 0; i < hidden.RowCount; i++) hidden[i, j] = ActivationMath.Apply(activation, hidden[i, j] + b);
        }
        int[] kept = hiddenUnits > 0 && hiddenUnits < hidden.ColumnCount
            ? NeuronSelection.ForTarget(hidden, target, history, hiddenUnits)
            : Enumerable.Range(0, hidden.ColumnCount).ToArray();
        var keptActivations = SelectColumns(hidden, kept);
        var keptWeight = Matrix<double>.Build.Dense(kept.Length, input.Rank, (i, j) => weight[kept[i], j]);
        var keptBias = Vector<double>.Build.Dense(kept.Length, i => bias[kept[i]]);

        var regressors = new List<Matrix<double>> { keptActivations };
        regressors.AddRange(history);
        var fit = RidgeRegression.Fit(target, regressors, ridge);
        return new ReducedStage(first, end - first, input.Rank, target.ColumnCount, false, fit.Blocks[1], null, keptWeight, keptBias, activation,
            fit.Blocks[0], 1, fit.Blocks.Skip(2).ToArray(), fit.Intercept);
    }

    /// <summary>
    /// Block replacement (MZ.md §5.9 item 2) in reduced coordinates: layers [first, end) replaced by the affine map
    /// ẑ_{s+1} = Ω^(0) ẑ_s + Σ_{k≥1} Ω^(k) ẑ_{s−k} + c, fitted by the same closed-loop ridge with no hidden units. It keeps
    /// the mean and linear part of the blocks' branches, which dropping them would lose, at (K + 1)·r² MACs.
    /// </summary>
    private static ReducedStage AffineStage(LayerView view, int first, int end, LayerBasis input, Matrix<double>[] history, Matrix<double> target, double ridge)
    {
        var fit = RidgeRegression.Fit(target, history, ridge);
        return new ReducedStage(first, end - first, input.Rank, target.ColumnCount, false, fit.Blocks[0], null,
            Matrix<double>.Build.Dense(0, input.Rank), Vector<double>.Build.Dense(0), view.Layers[first].Activation, null, 1, fit.Blocks.Skip(1).ToArray(), fit.Intercept);
    }

    internal static Matrix<double> SelectColumns(Matrix<double> source, int[] columns)
    {
        var result = Matrix<double>.Build.Dense(source.RowCount, columns.Length);
        for (int c = 0; c < columns.Length; c++) result.SetColumn(c, source.Column(columns[c]));
        return result;
    }
}
