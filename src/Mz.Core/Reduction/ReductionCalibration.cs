using System;
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>
/// Everything the reducers share for one network and one set of calibration rows (MZ.md §5.1): the layer states of the
/// fit split, the adjoint Gramians for output-oriented bases, the held-out validation inputs with their full logits,
/// and a cache of per-state bases so that a search builds each (state, rank) basis once.
/// </summary>
public sealed class ReductionCalibration
{
    private readonly Dictionary<(int State, int Rank, BasisKind Kind), LayerBasis> _bases = new();
    private IReadOnlyList<Matrix<double>>? _adjointGramians;

    /// <summary>MZ models already built and validated on this calibration, keyed by configuration and fit settings.</summary>
    internal Dictionary<string, ReductionCandidate> EvaluatedModels { get; } = new(StringComparer.Ordinal);

    /// <summary>How many distinct MZ models searches on this calibration have built and validated.</summary>
    public int EvaluatedModelCount => EvaluatedModels.Count;

    public ReductionCalibration(LayerView view, Matrix<double> inputs, double validationFraction = 0.2, ulong seed = 1, int maxAdjointRows = 400)
    {
        if (inputs.ColumnCount != view.InputWidth) throw new ArgumentException($"calibration rows have {inputs.ColumnCount} columns, the network takes {view.InputWidth}");
        View = view;
        Split = CalibrationSplit.Create(inputs.RowCount, validationFraction, seed);
        FitInputs = CalibrationRunner.SelectRows(inputs, Split.FitRows);
        ValidationInputs = CalibrationRunner.SelectRows(inputs, Split.ValidationRows);
        FitStates = view.Forward(FitInputs);
        FitLogits = view.Logits(FitStates[view.Depth]);
        ValidationLogits = view.Logits(view.Forward(ValidationInputs)[view.Depth]);
        ValidationOutputs = view.Outputs(ValidationLogits);
        FitOutputs = view.Outputs(FitLogits);
        MaxAdjointRows = maxAdjointRows;
        FullMacCount = NetworkCost.MacCount(view);
        _problem = new Lazy<string?>(FindProblem);
    }

    public LayerView View { get; }
    public CalibrationSplit Split { get; }

    /// <summary>
    /// Why these rows cannot calibrate a reduction, or null: when every fit row gives the same state at some layer
    /// (rows that differ by less than the layer's rounding, or units that are dead on all of them), that state has no
    /// direction to keep and everything after it is one constant output, so there is nothing to fit.
    /// </summary>
    public string? Problem => _problem.Value;

    private readonly Lazy<string?> _problem;

    private string? FindProblem()
    {
        for (int n = 0; n < FitStates.Count; n++)
        {
            var states = FitStates[n];
            bool varies = false;
            for (int i = 1; i < states.RowCount && !varies; i++)
                for (int j = 0; j < states.ColumnCount; j++)
                    if (states[i, j] != states[0, j]) { varies = true; break; }
            if (!varies)
                return $"all {FitInputs.RowCount} fit rows give the same layer-{n} state (the rows differ too little to move the " +
                    (n == 0 ? "network's input" : $"network at layer {n}") + ", or its units there are inactive on every row), so its output is one constant and a reduction has nothing to fit; give calibration rows that vary as real inputs do";
        }
        return null;
    }
    public Matrix<double> FitInputs { get; }
    public Matrix<double> ValidationInputs { get; }

    /// <summary>X_0..X_L on the fit rows (samples as rows).</summary>
    public IReadOnlyList<Matrix<double>> FitStates { get; }

    public Matrix<double> FitLogits { get; }
    public Matrix<double> ValidationLogits { get; }

    /// <summary>
    /// What the network returns on the validation rows (its output activation applied to the logits): the tolerance
    /// is the relative error of these, the values a caller of Predict sees.
    /// </summary>
    public Matrix<double> ValidationOutputs { get; }

    /// <summary>What the network returns on the fit rows: the gate checks these too (see <see cref="ReductionCandidate.GateError"/>).</summary>
    public Matrix<double> FitOutputs { get; }

    public int MaxAdjointRows { get; }
    public long FullMacCount { get; }

    /// <summary>Adjoint Gramians E[λ_n λ_nᵀ] on (at most <see cref="MaxAdjointRows"/> evenly spaced) fit rows, computed on first use.</summary>
    public IReadOnlyList<Matrix<double>> AdjointGramians
    {
        get
        {
            if (_adjointGramians == null)
            {
                var rows = new int[FitInputs.RowCount];
                for (int i = 0; i < rows.Length; i++) rows[i] = i;
                _adjointGramians = CalibrationRunner.Select(View, FitStates, FitLogits, rows, true, MaxAdjointRows).AdjointGramians!;
            }
            return _adjointGramians;
        }
    }

    /// <summary>
    /// The basis of state n at rank r: balanced POD by default, falling back to gradient-weighted and then PCA when the
    /// preferred kind cannot reach the requested rank (MZ.md §5.8 item 1). The rank is capped at the numerical rank.
    /// </summary>
    public LayerBasis Basis(int state, int rank, BasisKind preferred = BasisKind.Balanced)
    {
        if (_bases.TryGetValue((state, rank, preferred), out var cached)) return cached;
        var order = preferred switch
        {
            BasisKind.Balanced => new[] { BasisKind.Balanced, BasisKind.Gradient, BasisKind.Pca },
            BasisKind.Gradient => new[] { BasisKind.Gradient, BasisKind.Pca },
            _ => new[] { BasisKind.Pca },
        };
        LayerBasis? best = null;
        foreach (var kind in order)
        {
            LayerBasis candidate;
            try
            {
                var adjoint = kind == BasisKind.Pca ? null : AdjointGramians[state];
                candidate = BasisBuilder.Build(FitStates[state], adjoint, new BasisOptions { Kind = kind, Rank = rank });
            }
            catch (ArgumentException)
            {
                continue;
            }
            // A balanced basis capped below r by the adjoint rank (e.g. at the last state, by the number of logits) is
            // kept: the directions it drops are invisible at the output, and PCA would only add output-blind ones.
            if (candidate.Rank > 0)
            {
                best = candidate;
                break;
            }
        }
        best ??= new LayerBasis(BasisKind.Pca, Vector<double>.Build.Dense(View.StateWidth(state)), Matrix<double>.Build.Dense(View.StateWidth(state), 0), Matrix<double>.Build.Dense(View.StateWidth(state), 0));
        _bases[(state, rank, preferred)] = best;
        return best;
    }
}
