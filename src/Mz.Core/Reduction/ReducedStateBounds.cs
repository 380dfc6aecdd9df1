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
/// Out-of-distribution guards of a reduced network (MZ.md §5.7, "OOD guards"): per reduced state a Mahalanobis bound
/// fitted on the calibration rollout. The bound is the largest squared distance any calibration row reaches, widened
/// by <see cref="Slack"/>² so that rows like the calibration ones pass and rows far outside them do not.
/// </summary>
public sealed class ReducedStateBounds
{
    /// <summary>Distances up to this multiple of the largest calibration distance still count as inside.</summary>
    public const double Slack = 1.25;

    /// <summary>Eigenvalues below this fraction of the largest are raised to it before whitening (flat directions stay finite).</summary>
    public const double RelativeFloor = 1e-6;

    private ReducedStateBounds(IReadOnlyList<ReducedStateBound> states) { States = states; }

    /// <summary>One bound per reduced state ẑ_0..ẑ_G.</summary>
    public IReadOnlyList<ReducedStateBound> States { get; }

    /// <summary>Multiply-adds of checking one row: one whitening product per state.</summary>
    public long MacCount => States.Sum(s => (long)s.Whitening.RowCount * s.Whitening.ColumnCount);

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
        return new ReducedStateBounds(states);
    }

    /// <summary>True when every reduced state of the row is inside its bound (what the generated guard decides).</summary>
    public bool Contains(ReducedNetwork network, double[] row)
    {
        var rollout = network.Rollout(Matrix<double>.Build.DenseOfRowArrays(row));
        for (int s = 0; s < States.Count; s++)
            if (!(States[s].SquaredDistance(rollout[s].Row(0)) <= States[s].Bound)) return false;
        return true;
    }
}
