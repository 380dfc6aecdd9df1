using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Analysis;

/// <summary>
/// Builds PCA, gradient-weighted and balanced-POD bases from fit-split snapshots (MZ.md §5.2), with centring,
/// optional whitening, numerical-rank capping, a fixed ordering and the sign convention "largest-magnitude entry of
/// each Φ column positive, paired Ψ column flipped with it", so that the same data always give the same basis.
/// </summary>
public static class BasisBuilder
{
    /// <param name="states">Layer states, samples as rows.</param>
    /// <param name="adjointGramian">E[λλᵀ], required for gradient and balanced bases.</param>
    /// <param name="options">Kind, rank, centring, whitening and rank tolerance.</param>
    public static LayerBasis Build(Matrix<double> states, Matrix<double>? adjointGramian, BasisOptions options)
    {
        int samples = states.RowCount, width = states.ColumnCount;
        var mean = options.Centre ? states.ColumnSums() / samples : Vector<double>.Build.Dense(width);
        var stateGramian = StateGramian(states, mean);
        var (stateValues, stateVectors) = SymmetricMatrices.Eigen(stateGramian);
        double eigenTolerance = options.RankTolerance * options.RankTolerance;
        int cap = Math.Min(options.Rank, SymmetricMatrices.NumericalRank(stateValues, eigenTolerance));
        if (options.Centre) cap = Math.Min(cap, samples - 1);
        cap = Math.Max(cap, 0);

        Matrix<double> lift, restrict;
        double[] spectrum;
        switch (options.Kind)
        {
            case BasisKind.Pca:
                spectrum = stateValues.Select(v => Math.Sqrt(Math.Max(v, 0))).ToArray();
                lift = stateVectors.SubMatrix(0, width, 0, cap);
                restrict = lift.Clone();
                break;
            case BasisKind.Gradient:
            {
                var (adjointValues, adjointVectors) = SymmetricMatrices.Eigen(Require(adjointGramian, options.Kind));
                spectrum = adjointValues.Select(v => Math.Sqrt(Math.Max(v, 0))).ToArray();
                cap = Math.Min(cap, SymmetricMatrices.NumericalRank(adjointValues, eigenTolerance));
                lift = adjointVectors.SubMatrix(0, width, 0, cap);
                restrict = lift.Clone();
                break;
            }
            case BasisKind.Balanced:
                (lift, restrict, spectrum, cap) = Balanced(stateValues, stateVectors, Require(adjointGramian, options.Kind), cap, options.RankTolerance);
                break;
            default:
                throw new ArgumentException($"basis kind {options.Kind} cannot be built from snapshots");
        }

        if (options.Whiten && cap > 0)
        {
            var gram = restrict.TransposeThisAndMultiply(stateGramian) * restrict;
            restrict = restrict * SymmetricMatrices.Power(gram, -0.5);
            lift = lift * SymmetricMatrices.Power(gram, 0.5);
        }
        FixSigns(lift, restrict);
        double total = spectrum.Sum(s => s * s);
        double kept = spectrum.Take(cap).Sum(s => s * s);
        return new LayerBasis(options.Kind, mean, lift, restrict, spectrum, total > 0 ? kept / total : 1);
    }

    /// <summary>(1/S) Σ_s (x_s − m)(x_s − m)ᵀ = X̄ X̄ᵀ of MZ.md §5.1.</summary>
    public static Matrix<double> StateGramian(Matrix<double> states, Vector<double> mean) => DenseKernels.Covariance(states, mean);

    /// <summary>
    /// Balanced POD with N × N factors: Γ = R Rᵀ and E[λλᵀ] = T Tᵀ from their eigen-decompositions on the numerical
    /// range, Tᵀ R = U Σ Vᵀ, Φ = R V_r Σ_r^{-1/2}, Ψ = T U_r Σ_r^{-1/2}, so Ψᵀ Φ = I_r.
    /// </summary>
    private static (Matrix<double> Lift, Matrix<double> Restrict, double[] Hankel, int Rank) Balanced(
        double[] stateValues, Matrix<double> stateVectors, Matrix<double> adjointGramian, int cap, double rankTolerance)
    {
        var stateFactor = Factor(stateValues, stateVectors, rankTolerance);
        var (adjointValues, adjointVectors) = SymmetricMatrices.Eigen(adjointGramian);
        var adjointFactor = Factor(adjointValues, adjointVectors, rankTolerance);
        int width = stateVectors.RowCount;
        if (stateFactor.ColumnCount == 0 || adjointFactor.ColumnCount == 0)
            return (Matrix<double>.Build.Dense(width, 0), Matrix<double>.Build.Dense(width, 0), Array.Empty<double>(), 0);
        var svd = adjointFactor.TransposeThisAndMultiply(stateFactor).Svd(true);
        var hankel = svd.S.ToArray();
        int rank = Math.Min(cap, hankel.Count(s => s > rankTolerance * hankel[0]));
        var lift = stateFactor * svd.VT.Transpose().SubMatrix(0, stateFactor.ColumnCount, 0, rank);
        var restrict = adjointFactor * svd.U.SubMatrix(0, adjointFactor.ColumnCount, 0, rank);
        for (int c = 0; c < rank; c++)
        {
            double f = 1.0 / Math.Sqrt(hankel[c]);
            lift.SetColumn(c, lift.Column(c) * f);
            restrict.SetColumn(c, restrict.Column(c) * f);
        }
        return (lift, restrict, hankel, rank);
    }

    /// <summary>A factor F with F Fᵀ = the Gramian on its numerical range: eigenvectors scaled by √eigenvalue.</summary>
    private static Matrix<double> Factor(double[] values, Matrix<double> vectors, double rankTolerance)
    {
        int rank = SymmetricMatrices.NumericalRank(values, rankTolerance * rankTolerance);
        var factor = vectors.SubMatrix(0, vectors.RowCount, 0, rank).Clone();
        for (int c = 0; c < rank; c++) factor.SetColumn(c, factor.Column(c) * Math.Sqrt(values[c]));
        return factor;
    }

    /// <summary>Makes the largest-magnitude entry of each Φ column positive (first index on ties) and flips Ψ with it.</summary>
    public static void FixSigns(Matrix<double> lift, Matrix<double> restrict)
    {
        for (int c = 0; c < lift.ColumnCount; c++)
        {
            int best = 0;
            for (int i = 1; i < lift.RowCount; i++)
                if (Math.Abs(lift[i, c]) > Math.Abs(lift[best, c])) best = i;
            if (lift[best, c] < 0)
            {
                lift.SetColumn(c, -lift.Column(c));
                restrict.SetColumn(c, -restrict.Column(c));
            }
        }
    }

    private static Matrix<double> Require(Matrix<double>? adjointGramian, BasisKind kind) =>
        adjointGramian ?? throw new ArgumentException($"a {kind} basis needs the adjoint Gramian (calibrate with adjoints)");
}
