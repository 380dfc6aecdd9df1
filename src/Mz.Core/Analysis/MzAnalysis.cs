using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Lowering;

namespace Mz.Core.Analysis;

/// <summary>
/// Entry point of the Mori–Zwanzig analysis (MZ.md §5.1–§5.7): reads the layer structure, calibrates, builds
/// per-layer bases on the fit split, identifies the full-memory kernels (1.8) and reports, per layer map, the whitened
/// kernel norms with their decay and sampling floor, κ^lin, the noise-term ratio and (noisy layers) Theorem A's bound.
/// </summary>
public static class MzAnalysis
{
    /// <param name="graph">A prepared MLP or residual MLP.</param>
    /// <param name="calibration">Calibration inputs, one row per sample.</param>
    /// <param name="options">Basis, memory and split settings; defaults when null.</param>
    public static AnalysisReport Analyze(PreparedGraph graph, Matrix<double> calibration, MzAnalysisOptions? options = null)
    {
        options ??= new MzAnalysisOptions();
        var view = LayerView.FromGraph(graph);
        Matrix<double> logits;
        var states = options.NoiseLevels == null
            ? CalibrationRunner.CheckedStates(graph, view, calibration, out logits)
            : CalibrationRunner.SimulateStates(view, calibration, options.NoiseLevels, options.Seed, out logits);
        return Analyze(view, states, logits, options);
    }

    /// <summary>Row-major calibration data (rows × input width), e.g. as read from an .npz file.</summary>
    public static AnalysisReport Analyze(PreparedGraph graph, double[] rowMajor, int rows, MzAnalysisOptions? options = null)
    {
        if (rows <= 0 || rowMajor.Length % rows != 0) throw new ArgumentException("the calibration data must hold a whole number of rows");
        int columns = rowMajor.Length / rows;
        return Analyze(graph, Matrix<double>.Build.Dense(rows, columns, (i, j) => rowMajor[i * columns + j]), options);
    }

    /// <summary>Analysis of already computed layer states (samples as rows) and logits of all calibration rows.</summary>
    public static AnalysisReport Analyze(LayerView view, IReadOnlyList<Matrix<double>> states, Matrix<double> logits, MzAnalysisOptions? options = null)
    {
        options ??= new MzAnalysisOptions();
        var basisOptions = options.Basis;
        int rows = logits.RowCount;
        var split = CalibrationSplit.Create(rows, options.ValidationFraction, options.Seed);
        var fit = CalibrationRunner.Select(view, states, logits, split.FitRows, withAdjoints: basisOptions.Kind != BasisKind.Pca, options.MaxAdjointRows);
        var bases = Enumerable.Range(0, view.Depth + 1)
            .Select(n => BasisBuilder.Build(fit.States[n], fit.AdjointGramians?[n], basisOptions)).ToArray();
        var decomposition = MzDecomposition.Build(fit.States, bases, options.RelativeRidge);
        int fitRows = fit.SampleCount;

        // Every state covariance serves two layer maps: decompose it once.
        var means = fit.States.Select(x => x.ColumnSums() / fitRows).ToArray();
        var centred = fit.States.Select((x, n) => DenseKernels.Centred(x, means[n])).ToArray();
        var roots = centred.Select(x =>
        {
            var covariance = DenseKernels.TransposeThisAndMultiply(x, x);
            covariance.Multiply(1.0 / fitRows, covariance);
            return new OrthogonalDynamicsFactor.CovarianceRoots(covariance);
        }).ToArray();
        var unresolved = Enumerable.Range(0, view.Depth + 1).Select(n => OrthogonalDynamicsFactor.UnresolvedProjector(roots[n], bases[n].Restrict)).ToArray();
        var layers = new LayerReport[view.Depth];
        for (int n = 0; n < view.Depth; n++)
        {
            var cross = DenseKernels.TransposeThisAndMultiply(centred[n + 1], centred[n]);
            cross.Multiply(1.0 / fitRows, cross);
            double kappa = OrthogonalDynamicsFactor.FromProjectors(roots[n], roots[n + 1], cross, unresolved[n], unresolved[n + 1]);
            layers[n] = LayerRow(view, fit, decomposition, n, kappa, options);
        }

        var report = new AnalysisReport
        {
            BasisKind = basisOptions.Kind,
            RequestedRank = basisOptions.Rank,
            MaxLag = options.MaxLag,
            CalibrationRows = rows,
            FitRows = fitRows,
            ValidationRows = split.ValidationRows.Length,
            InputWidth = view.StateWidth(0),
            InputRank = bases[0].Rank,
            Layers = layers,
            MedianDecayRate = Median(layers.Select(l => l.DecayRate)),
            RecommendedMemory = layers.Length == 0 ? 0 : layers.Max(l => l.RecommendedMemory),
            MedianNoiseRatio = Median(layers.Select(l => l.NoiseRatio)),
            MedianOrthogonalDynamicsFactor = Median(layers.Select(l => l.OrthogonalDynamicsFactor)),
            LinearMoriValidationError = split.ValidationRows.Length == 0 ? double.NaN
                : LinearMoriError(view, decomposition, CalibrationRunner.SelectRows(states[0], split.ValidationRows), CalibrationRunner.SelectRows(logits, split.ValidationRows)),
            Warnings = Warnings(view, bases, fitRows, options).ToArray(),
        };
        return report;
    }

    private static LayerReport LayerRow(LayerView view, CalibrationSnapshots fit, MzDecomposition decomposition, int n, double kappa, MzAnalysisOptions options)
    {
        var layer = view.Layers[n];
        var kernels = decomposition.Kernels;
        var ranks = decomposition.Correlations.Ranks;
        int lags = Math.Min(n, options.MaxLag) + 1;
        var norms = new double[lags];
        var floors = new double[lags];
        for (int k = 0; k < lags; k++)
        {
            norms[k] = ranks[n + 1] == 0 || ranks[n - k] == 0 ? 0 : kernels.WhitenedNorm(n, k);
            floors[k] = KernelDecay.NoiseFloor(ranks[n + 1], ranks[n - k], fit.SampleCount);
        }
        var decay = KernelDecay.Fit(norms, floors, options.KernelTolerance);
        double beta = options.NoiseLevels?[n] ?? 0;
        double bound = double.NaN;
        if (beta > 0)
        {
            double inputDiameter = layer.Kind == LayerMapKind.Residual ? BoundingBoxDiameter(fit.States[n]) : 0;
            bound = MaximalCorrelationBound.Gaussian(MaximalCorrelationBound.RangeDiameter(layer, inputDiameter), beta);
        }
        var basis = decomposition.Bases[n + 1];
        return new LayerReport
        {
            Index = n,
            Kind = layer.Kind,
            Activation = layer.Activation,
            InputWidth = layer.InputWidth,
            Width = layer.OutputWidth,
            InputRank = ranks[n],
            Rank = ranks[n + 1],
            CapturedEnergy = basis.CapturedEnergy,
            LiftError = basis.LiftError(fit.States[n + 1]),
            GramCondition = ranks[n + 1] == 0 ? double.NaN : SymmetricMatrices.ConditionNumber(decomposition.Correlations.Gram(n + 1)),
            KernelNorms = norms,
            NoiseFloors = floors,
            DecayRate = decay.Rate,
            DecayRateIsBound = decay.RateIsBound,
            RecommendedMemory = decay.RecommendedMemory,
            OrthogonalDynamicsFactor = kappa,
            NoiseRatio = decomposition.NoiseRatio(n),
            BranchRatio = layer.Kind == LayerMapKind.Residual ? DenseKernels.FrobeniusNorm(fit.States[n + 1] - fit.States[n]) / DenseKernels.FrobeniusNorm(fit.States[n]) : double.NaN,
            NoiseLevel = beta,
            MaximalCorrelationBound = bound,
            MaximalCorrelationBoundVacuous = beta > 0 && MaximalCorrelationBound.IsVacuous(bound),
        };
    }

    /// <summary>Relative L² error of the lifted noise-free rollout against the true logits.</summary>
    private static double LinearMoriError(LayerView view, MzDecomposition decomposition, Matrix<double> initialStates, Matrix<double> logits)
    {
        var rollout = decomposition.Rollout(initialStates);
        var predicted = view.Logits(decomposition.Bases[view.Depth].LiftRows(rollout[view.Depth]));
        double reference = DenseKernels.FrobeniusNorm(logits);
        return reference > 0 ? DenseKernels.FrobeniusNorm(predicted - logits) / reference : double.NaN;
    }

    private static IEnumerable<string> Warnings(LayerView view, LayerBasis[] bases, int fitRows, MzAnalysisOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        for (int n = 0; n < bases.Length; n++)
        {
            if (bases[n].Rank > 0) continue;
            // Every fit row gives the same state: all that follows is one constant, and the table's zeros mean nothing.
            yield return string.Format(c, "the calibration rows do not move layer state X_{0}: all {1} fit rows give the same state (rows that differ too little for the layer's rounding, or units inactive on every row), so the rows after it describe a constant network; give calibration rows that vary as real inputs do", n, fitRows);
            break;
        }
        int maxRank = Enumerable.Range(0, view.Depth + 1).Max(n => Math.Min(options.Basis.Rank, view.StateWidth(n)));
        // MZ.md §5.8 sample-size guard: S_fit ≥ 10(K+1)·r_max + 10·r_max.
        long needed = 10L * (options.MaxLag + 1) * maxRank + 10L * maxRank;
        if (fitRows < needed)
            yield return string.Format(c, "the calibration set is too small for the analysis (ranks up to {1}, memory lag K = {2}): {0} fit rows, at least {3} needed (10·(K + 2)·r); kernel norms below the sampling floor are noise", fitRows, maxRank, options.MaxLag, needed);
        var capped = Enumerable.Range(0, bases.Length).Where(n => bases[n].Rank < Math.Min(options.Basis.Rank, view.StateWidth(n))).ToList();
        if (capped.Count > 0)
            yield return string.Format(c, "rank capped below the requested r = {0} at the data's numerical rank on {1} of the {2} layer states X_0..X_{3}, first X_{4} (r = {5})",
                options.Basis.Rank, capped.Count, bases.Length, bases.Length - 1, capped[0], bases[capped[0]].Rank);
    }

    private static double BoundingBoxDiameter(Matrix<double> states)
    {
        double sum = 0;
        for (int j = 0; j < states.ColumnCount; j++)
        {
            var column = states.Column(j);
            double range = column.Maximum() - column.Minimum();
            sum += range * range;
        }
        return Math.Sqrt(sum);
    }

    private static double Median(IEnumerable<double> values)
    {
        var finite = values.Where(v => !double.IsNaN(v) && !double.IsInfinity(v)).OrderBy(v => v).ToArray();
        if (finite.Length == 0) return double.NaN;
        int mid = finite.Length / 2;
        return finite.Length % 2 == 1 ? finite[mid] : 0.5 * (finite[mid - 1] + finite[mid]);
    }
}
