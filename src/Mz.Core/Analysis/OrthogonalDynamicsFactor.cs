using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Analysis;

/// <summary>
/// The linearised orthogonal-dynamics factor of MZ.md §5.7 item 4:
/// κ_n^lin = ‖(I − V_{n+1}V_{n+1}ᵀ) R_n (I − V_nV_nᵀ)‖₂ with R_n = Γ_{n+1}^{-1/2} Cov(X_{n+1}, X_n) Γ_n^{-1/2}
/// (pseudo-inverse roots on the numerical range) and V_n = orth(Γ_n^{1/2} Ψ_n). Exact contraction factor of the
/// kernel bound for linear-Gaussian networks with linear observables; a heuristic otherwise (≈ 1 when deterministic).
/// </summary>
public static class OrthogonalDynamicsFactor
{
    /// <summary>Γ^{1/2} and Γ^{-1/2} (pseudo-inverse on the numerical range) of one covariance, from one eigen-decomposition.</summary>
    public sealed class CovarianceRoots
    {
        public CovarianceRoots(Matrix<double> covariance, double relativeTolerance = 1e-10)
        {
            var (values, vectors) = SymmetricMatrices.Eigen(covariance);
            int rank = SymmetricMatrices.NumericalRank(values, relativeTolerance);
            var range = vectors.SubMatrix(0, covariance.RowCount, 0, rank);
            var up = range.Clone();
            var down = range.Clone();
            for (int c = 0; c < rank; c++)
            {
                double root = System.Math.Sqrt(values[c]);
                up.SetColumn(c, up.Column(c) * root);
                down.SetColumn(c, down.Column(c) / root);
            }
            Root = up.TransposeAndMultiply(range);
            InverseRoot = down.TransposeAndMultiply(range);
        }

        public Matrix<double> Root { get; }
        public Matrix<double> InverseRoot { get; }
    }

    /// <param name="input">Roots of Γ_n.</param>
    /// <param name="output">Roots of Γ_{n+1}.</param>
    /// <param name="crossCovariance">Cov(X_{n+1}, X_n), (N_{n+1} × N_n).</param>
    /// <param name="inputRestrict">Ψ_n.</param>
    /// <param name="outputRestrict">Ψ_{n+1}.</param>
    public static double Linearised(CovarianceRoots input, CovarianceRoots output, Matrix<double> crossCovariance, Matrix<double> inputRestrict, Matrix<double> outputRestrict)
    {
        var whitened = output.InverseRoot * crossCovariance * input.InverseRoot;
        var left = Complement(output.Root, outputRestrict);
        var right = Complement(input.Root, inputRestrict);
        return SymmetricMatrices.SpectralNorm(left * whitened * right);
    }

    /// <summary>κ_n^lin from covariance matrices Γ_n, Γ_{n+1} and Cov(X_{n+1}, X_n).</summary>
    public static double Linearised(Matrix<double> inputCovariance, Matrix<double> outputCovariance, Matrix<double> crossCovariance,
        Matrix<double> inputRestrict, Matrix<double> outputRestrict) =>
        Linearised(new CovarianceRoots(inputCovariance), new CovarianceRoots(outputCovariance), crossCovariance, inputRestrict, outputRestrict);

    /// <summary>κ_n^lin from the states of layers n and n+1 and their bases (samples as rows).</summary>
    public static double FromSamples(Matrix<double> input, Matrix<double> output, LayerBasis inputBasis, LayerBasis outputBasis)
    {
        var inputMean = input.ColumnSums() / input.RowCount;
        var outputMean = output.ColumnSums() / output.RowCount;
        return Linearised(DenseKernels.Covariance(input, inputMean), DenseKernels.Covariance(output, outputMean),
            CrossCovariance(output, outputMean, input, inputMean), inputBasis.Restrict, outputBasis.Restrict);
    }

    /// <summary>(1/S) Σ_s (y_s − m_y)(x_s − m_x)ᵀ for samples as rows.</summary>
    public static Matrix<double> CrossCovariance(Matrix<double> output, Vector<double> outputMean, Matrix<double> input, Vector<double> inputMean)
    {
        // Centre first: subtracting mean products afterwards would cancel catastrophically for large means.
        var cross = DenseKernels.TransposeThisAndMultiply(DenseKernels.Centred(output, outputMean), DenseKernels.Centred(input, inputMean));
        cross.Multiply(1.0 / input.RowCount, cross);
        return cross;
    }

    /// <summary>I − V Vᵀ with V = orth(Γ^{1/2} Ψ): the projector onto the unresolved whitened directions.</summary>
    private static Matrix<double> Complement(Matrix<double> root, Matrix<double> restrict)
    {
        var identity = Matrix<double>.Build.DenseIdentity(root.RowCount);
        if (restrict.ColumnCount == 0) return identity;
        var resolved = SymmetricMatrices.OrthonormalColumns(root * restrict, 1e-12);
        return identity - resolved.TransposeAndMultiply(resolved);
    }
}
