using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Mz.Core.Analysis;

/// <summary>Symmetric eigen-decompositions, powers and regularised solves used throughout the analysis.</summary>
public static class SymmetricMatrices
{
    /// <summary>Eigenvalues in descending order with matching eigenvector columns (ties keep the solver's order).</summary>
    public static (double[] Values, Matrix<double> Vectors) Eigen(Matrix<double> symmetric)
    {
        var evd = Symmetrised(symmetric).Evd(Symmetricity.Symmetric);
        int n = symmetric.RowCount;
        var values = evd.EigenValues.Select(c => c.Real).ToArray();
        var order = Enumerable.Range(0, n).OrderByDescending(i => values[i]).ThenBy(i => i).ToArray();
        var vectors = Matrix<double>.Build.Dense(n, n);
        for (int c = 0; c < n; c++) vectors.SetColumn(c, evd.EigenVectors.Column(order[c]));
        return (order.Select(i => values[i]).ToArray(), vectors);
    }

    /// <summary>(A + Aᵀ)/2: removes round-off asymmetry before a symmetric solver sees the matrix.</summary>
    public static Matrix<double> Symmetrised(Matrix<double> a)
    {
        var s = a + a.Transpose();
        s.Multiply(0.5, s);
        return s;
    }

    /// <summary>Number of eigenvalues above <paramref name="relativeTolerance"/> times the largest (descending input).</summary>
    public static int NumericalRank(double[] descendingValues, double relativeTolerance)
    {
        if (descendingValues.Length == 0 || !(descendingValues[0] > 0)) return 0;
        double threshold = relativeTolerance * descendingValues[0];
        return descendingValues.Count(v => v > threshold);
    }

    /// <summary>G^p on the numerical range of a positive semi-definite G (p may be negative: a pseudo-inverse power).</summary>
    public static Matrix<double> Power(Matrix<double> gram, double power, double relativeTolerance = 1e-12)
    {
        var (values, vectors) = Eigen(gram);
        int rank = NumericalRank(values, relativeTolerance);
        var scaled = vectors.SubMatrix(0, gram.RowCount, 0, rank).Clone();
        for (int c = 0; c < rank; c++)
        {
            double f = Math.Pow(values[c], power);
            for (int i = 0; i < scaled.RowCount; i++) scaled[i, c] *= f;
        }
        return scaled.TransposeAndMultiply(vectors.SubMatrix(0, gram.RowCount, 0, rank));
    }

    /// <summary>X (G + α I)^{-1} with α = relativeRidge·tr(G)/dim (MZ.md §7.1 item 4); G symmetric positive definite.</summary>
    public static Matrix<double> SolveRight(Matrix<double> x, Matrix<double> gram, double relativeRidge)
    {
        var regularised = Regularised(gram, relativeRidge);
        var cholesky = regularised.Cholesky();
        // (G⁻¹ Xᵀ)ᵀ = X G⁻¹ because G is symmetric.
        return cholesky.Solve(x.Transpose()).Transpose();
    }

    public static Matrix<double> Regularised(Matrix<double> gram, double relativeRidge)
    {
        var result = Symmetrised(gram);
        if (relativeRidge > 0)
        {
            double alpha = relativeRidge * gram.Trace() / gram.RowCount;
            for (int i = 0; i < gram.RowCount; i++) result[i, i] += alpha;
        }
        return result;
    }

    /// <summary>Largest singular value.</summary>
    public static double SpectralNorm(Matrix<double> m)
    {
        if (m.RowCount == 0 || m.ColumnCount == 0) return 0;
        return m.Svd(false).S[0];
    }

    /// <summary>Ratio of largest to smallest eigenvalue (infinite when singular).</summary>
    public static double ConditionNumber(Matrix<double> gram)
    {
        var (values, _) = Eigen(gram);
        double smallest = values[values.Length - 1];
        return smallest > 0 ? values[0] / smallest : double.PositiveInfinity;
    }

    /// <summary>Orthonormal basis of the column space (left singular vectors above the relative tolerance).</summary>
    public static Matrix<double> OrthonormalColumns(Matrix<double> m, double relativeTolerance = 1e-12)
    {
        var svd = m.Svd(true);
        int rank = svd.S.Count(s => s > relativeTolerance * svd.S[0]);
        return svd.U.SubMatrix(0, m.RowCount, 0, rank);
    }
}
