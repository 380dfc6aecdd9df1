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
    /// <param name="inputCovariance">Γ_n.</param>
    /// <param name="outputCovariance">Γ_{n+1}.</param>
    /// <param name="crossCovariance">Cov(X_{n+1}, X_n), (N_{n+1} × N_n).</param>
    /// <param name="inputRestrict">Ψ_n.</param>
    /// <param name="outputRestrict">Ψ_{n+1}.</param>
    /// <param name="relativeTolerance">Eigenvalues below this fraction of the largest are outside the numerical range.</param>
    public static double Linearised(Matrix<double> inputCovariance, Matrix<double> outputCovariance, Matrix<double> crossCovariance,
        Matrix<double> inputRestrict, Matrix<double> outputRestrict, double relativeTolerance = 1e-10)
    {
        var whitened = SymmetricMatrices.Power(outputCovariance, -0.5, relativeTolerance) * crossCovariance * SymmetricMatrices.Power(inputCovariance, -0.5, relativeTolerance);
        var inputResolved = Resolved(inputCovariance, inputRestrict, relativeTolerance);
        var outputResolved = Resolved(outputCovariance, outputRestrict, relativeTolerance);
        var left = Matrix<double>.Build.DenseIdentity(outputCovariance.RowCount) - outputResolved.TransposeAndMultiply(outputResolved);
        var right = Matrix<double>.Build.DenseIdentity(inputCovariance.RowCount) - inputResolved.TransposeAndMultiply(inputResolved);
        return SymmetricMatrices.SpectralNorm(left * whitened * right);
    }

    /// <summary>κ_n^lin from the states of layers n and n+1 and their bases (samples as rows).</summary>
    public static double FromSamples(Matrix<double> input, Matrix<double> output, LayerBasis inputBasis, LayerBasis outputBasis)
    {
        var inputMean = input.ColumnSums() / input.RowCount;
        var outputMean = output.ColumnSums() / output.RowCount;
        var centredIn = Centred(input, inputMean);
        var centredOut = Centred(output, outputMean);
        double scale = 1.0 / input.RowCount;
        return Linearised(centredIn.TransposeThisAndMultiply(centredIn) * scale, centredOut.TransposeThisAndMultiply(centredOut) * scale,
            centredOut.TransposeThisAndMultiply(centredIn) * scale, inputBasis.Restrict, outputBasis.Restrict);
    }

    private static Matrix<double> Resolved(Matrix<double> covariance, Matrix<double> restrict, double relativeTolerance)
    {
        if (restrict.ColumnCount == 0) return Matrix<double>.Build.Dense(covariance.RowCount, 0);
        return SymmetricMatrices.OrthonormalColumns(SymmetricMatrices.Power(covariance, 0.5, relativeTolerance) * restrict, 1e-12);
    }

    private static Matrix<double> Centred(Matrix<double> states, Vector<double> mean)
    {
        var centred = states.Clone();
        for (int j = 0; j < centred.ColumnCount; j++)
            for (int i = 0; i < centred.RowCount; i++) centred[i, j] -= mean[j];
        return centred;
    }
}
