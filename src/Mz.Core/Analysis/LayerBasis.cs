using System;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Analysis;

/// <summary>
/// Resolved coordinates of one layer: z = Ψᵀ(x − m), lift x ≈ m + Φ z, with Ψᵀ Φ = I (MZ.md §5.2).
/// Lift and Restrict are (N_n × r_n).
/// </summary>
public sealed class LayerBasis
{
    public LayerBasis(BasisKind kind, Vector<double> mean, Matrix<double> lift, Matrix<double> restrict, double[]? spectrum = null, double capturedEnergy = double.NaN)
    {
        if (lift.RowCount != mean.Count || restrict.RowCount != mean.Count || lift.ColumnCount != restrict.ColumnCount)
            throw new ArgumentException("mean, lift and restriction sizes disagree");
        Kind = kind;
        Mean = mean;
        Lift = lift;
        Restrict = restrict;
        Spectrum = spectrum ?? Array.Empty<double>();
        CapturedEnergy = capturedEnergy;
    }

    public BasisKind Kind { get; }
    public Vector<double> Mean { get; }

    /// <summary>Φ_n.</summary>
    public Matrix<double> Lift { get; }

    /// <summary>Ψ_n.</summary>
    public Matrix<double> Restrict { get; }

    /// <summary>Singular values that ranked the directions (state, adjoint or Hankel), all of them, descending.</summary>
    public double[] Spectrum { get; }

    /// <summary>Fraction of the spectrum's energy kept by the first r directions.</summary>
    public double CapturedEnergy { get; }

    public int Width => Mean.Count;
    public int Rank => Lift.ColumnCount;

    /// <summary>z = Ψᵀ(x − m) for every row of <paramref name="states"/>; rows stay samples.</summary>
    public Matrix<double> Coordinates(Matrix<double> states)
    {
        var z = DenseKernels.Multiply(states, Restrict);
        var shift = Restrict.TransposeThisAndMultiply(Mean);
        for (int j = 0; j < z.ColumnCount; j++)
        {
            double c = shift[j];
            for (int i = 0; i < z.RowCount; i++) z[i, j] -= c;
        }
        return z;
    }

    /// <summary>m + Φ z for every row of <paramref name="coordinates"/>.</summary>
    public Matrix<double> LiftRows(Matrix<double> coordinates)
    {
        var x = DenseKernels.TransposeAndMultiply(coordinates, Lift);
        for (int j = 0; j < x.ColumnCount; j++)
        {
            double m = Mean[j];
            for (int i = 0; i < x.RowCount; i++) x[i, j] += m;
        }
        return x;
    }
}
