using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>The calibrated region of one reduced state: d²(ẑ) = ‖W (ẑ − mean)‖² ≤ <see cref="Bound"/>.</summary>
public sealed class ReducedStateBound
{
    public ReducedStateBound(Matrix<double> whitening, Vector<double> mean, double bound)
    {
        Whitening = whitening;
        Mean = mean;
        Bound = bound;
    }

    /// <summary>W = (C + εI)^{-1/2}, symmetric, for the calibration covariance C of the state.</summary>
    public Matrix<double> Whitening { get; }

    public Vector<double> Mean { get; }

    /// <summary>The largest squared distance a row may have and still count as in distribution.</summary>
    public double Bound { get; }

    /// <summary>−W·mean, so that d² = ‖W ẑ + offset‖².</summary>
    public Vector<double> Offset => -(Whitening * Mean);

    public double SquaredDistance(Vector<double> state)
    {
        var whitened = Whitening * (state - Mean);
        return whitened.DotProduct(whitened);
    }
}

/// <summary>
/// The calibrated region of the input itself: with c = u − mean and p = Vᵀ c its coordinates on the q leading principal
/// directions of the calibration inputs, the Mahalanobis part Σ p_k² / λ_k ≤ <see cref="MahalanobisBound"/> and the
/// energy outside those directions ‖c‖² − ‖p‖² ≤ <see cref="ResidualBound"/>.
/// </summary>
/// <remarks>
/// The reduced states alone miss inputs whose reduced coordinates look ordinary while the input is not (digits under
/// pixel noise pass every state bound, yet the reduced network then errs by 7 %): the full network sees all of the
/// input, the reduced one only the directions its input map keeps. Checking the input's own distribution closes that
/// gap for q·d + d + q multiply-adds. What lies inside the calibration inputs' Gaussian range passes (a blank digit).
/// </remarks>
public sealed class InputRegionBound
{
    public InputRegionBound(Matrix<double> directions, Vector<double> mean, Vector<double> variances, double mahalanobisBound, double residualBound)
    {
        Directions = directions;
        Mean = mean;
        Variances = variances;
        MahalanobisBound = mahalanobisBound;
        ResidualBound = residualBound;
    }

    /// <summary>V, [q, d]: row k is the k-th principal direction of the calibration inputs (unit length).</summary>
    public Matrix<double> Directions { get; }

    public Vector<double> Mean { get; }

    /// <summary>λ_k, the calibration variance along each direction.</summary>
    public Vector<double> Variances { get; }

    public double MahalanobisBound { get; }
    public double ResidualBound { get; }

    public int Rank => Directions.RowCount;
    public int Width => Directions.ColumnCount;

    /// <summary>Multiply-adds per row: the projection, ‖c‖² and the weighted sum of the p_k².</summary>
    public long MacCount => (long)Rank * Width + Width + Rank;

    /// <summary>max(Mahalanobis part / its bound, residual part / its bound): above 1 the input left the calibrated region.</summary>
    public double Ratio(Vector<double> input)
    {
        var (mahalanobis, residual) = Parts(input);
        return Math.Max(mahalanobis / MahalanobisBound, residual / ResidualBound);
    }

    internal (double Mahalanobis, double Residual) Parts(Vector<double> input)
    {
        var centred = input - Mean;
        var projected = Directions * centred;
        double mahalanobis = 0;
        for (int k = 0; k < Rank; k++) mahalanobis += projected[k] * projected[k] / Variances[k];
        return (mahalanobis, Math.Max(0, centred.DotProduct(centred) - projected.DotProduct(projected)));
    }
}

/// <summary>
/// Out-of-distribution guards of a reduced network (MZ.md §5.7, "OOD guards"): a bound on the input's own distribution
/// (<see cref="InputRegionBound"/>) and per reduced state a Mahalanobis bound fitted on the calibration rollout. Each
/// bound is the largest value any calibration row reaches, widened by <see cref="Slack"/>² so that rows like the
/// calibration ones pass and rows far outside them do not.
/// </summary>
public sealed class ReducedStateBounds
{
    /// <summary>Distances up to this multiple of the largest calibration distance still count as inside.</summary>
    public const double Slack = 1.25;

    /// <summary>Eigenvalues below this fraction of the largest are raised to it before whitening (flat directions stay finite).</summary>
    public const double RelativeFloor = 1e-6;

    private ReducedStateBounds(InputRegionBound input, IReadOnlyList<ReducedStateBound> states)
    {
        Input = input;
        States = states;
    }

    /// <summary>The bound on the input row itself, on as many principal directions as ẑ_0 has coordinates.</summary>
    public InputRegionBound Input { get; }

    /// <summary>One bound per reduced state ẑ_0..ẑ_G.</summary>
    public IReadOnlyList<ReducedStateBound> States { get; }

    /// <summary>Multiply-adds of checking one row: the input check and one whitening product per state.</summary>
    public long MacCount => Input.MacCount + States.Sum(s => (long)s.Whitening.RowCount * s.Whitening.ColumnCount);

    public static ReducedStateBounds Fit(ReducedNetwork network, Matrix<double> calibrationInputs)
    {
        if (calibrationInputs.RowCount < 2) throw new ArgumentException("the guard needs at least two calibration rows");
        var rollout = network.Rollout(calibrationInputs);
        var states = new List<ReducedStateBound>(rollout.Count);
        foreach (var z in rollout)
        {
            int rows = z.RowCount, rank = z.ColumnCount;
            var mean = z.ColumnSums() / rows;
            var centred = z.Clone();
            for (int j = 0; j < rank; j++)
                for (int i = 0; i < rows; i++) centred[i, j] -= mean[j];
            var covariance = centred.TransposeThisAndMultiply(centred) / (rows - 1);
            var (values, vectors) = SymmetricMatrices.Eigen(covariance);
            double floor = Math.Max(values.Length > 0 ? values[0] : 0, 1e-300) * RelativeFloor;
            var scaled = vectors.Clone();
            for (int c = 0; c < rank; c++)
            {
                double f = 1 / Math.Sqrt(Math.Max(values[c], floor));
                for (int i = 0; i < rank; i++) scaled[i, c] *= f;
            }
            var whitening = scaled.TransposeAndMultiply(vectors);
            double largest = 0;
            var whitened = centred.TransposeAndMultiply(whitening);
            for (int i = 0; i < rows; i++)
            {
                double d2 = 0;
                for (int j = 0; j < rank; j++) d2 += whitened[i, j] * whitened[i, j];
                largest = Math.Max(largest, d2);
            }
            states.Add(new ReducedStateBound(whitening, mean, Math.Max(largest, 1e-12) * Slack * Slack));
        }
        return new ReducedStateBounds(FitInput(calibrationInputs, network.StateRanks[0]), states);
    }

    /// <summary>The input's leading principal directions (q of them, at most the rows' rank) and the bounds of both parts.</summary>
    private static InputRegionBound FitInput(Matrix<double> inputs, int rank)
    {
        int rows = inputs.RowCount, width = inputs.ColumnCount;
        var mean = inputs.ColumnSums() / rows;
        var centred = inputs.Clone();
        for (int j = 0; j < width; j++)
            for (int i = 0; i < rows; i++) centred[i, j] -= mean[j];
        var (values, vectors) = SymmetricMatrices.Eigen(centred.TransposeThisAndMultiply(centred) / (rows - 1));
        double floor = Math.Max(values.Length > 0 ? values[0] : 0, 1e-300) * RelativeFloor;
        int q = 0;
        while (q < Math.Min(rank, width) && values[q] > floor) q++;
        q = Math.Max(q, 1);
        var directions = Matrix<double>.Build.Dense(q, width, (k, j) => vectors[j, k]);
        var variances = Vector<double>.Build.Dense(q, k => Math.Max(values[k], floor));
        var unbounded = new InputRegionBound(directions, mean, variances, 1, 1);
        double largestMahalanobis = 0, largestResidual = 0;
        for (int i = 0; i < rows; i++)
        {
            var (mahalanobis, residual) = unbounded.Parts(inputs.Row(i));
            largestMahalanobis = Math.Max(largestMahalanobis, mahalanobis);
            largestResidual = Math.Max(largestResidual, residual);
        }
        // ‖c‖² − ‖p‖² cancels: in float32 its round-off is about 1e-7 of ‖c‖², which a residual that is (nearly) zero on
        // every calibration row — q = d, or inputs of rank ≤ q — must not mistake for a way out of the region.
        double largestEnergy = 0;
        for (int i = 0; i < rows; i++) largestEnergy = Math.Max(largestEnergy, centred.Row(i).DotProduct(centred.Row(i)));
        double residualFloor = 1e-4 * Math.Max(largestEnergy, 1e-300);
        return new InputRegionBound(directions, mean, variances, Math.Max(largestMahalanobis, 1e-12) * Slack * Slack,
            Math.Max(largestResidual, residualFloor) * Slack * Slack);
    }

    /// <summary>True when every reduced state of the row is inside its bound (what the generated guard decides).</summary>
    public bool Contains(ReducedNetwork network, double[] row)
    {
        if (!(Input.Ratio(Vector<double>.Build.DenseOfArray(row)) <= 1)) return false;
        var rollout = network.Rollout(Matrix<double>.Build.DenseOfRowArrays(row));
        for (int s = 0; s < States.Count; s++)
            if (!(States[s].SquaredDistance(rollout[s].Row(0)) <= States[s].Bound)) return false;
        return true;
    }
}
