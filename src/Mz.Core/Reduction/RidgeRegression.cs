using System;
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Reduction;

/// <summary>
/// Joint least squares with an intercept: target ≈ Σ_b C_b · regressor_b + c (samples as rows), with the relative ridge
/// α = α_rel·tr(G)/dim of MZ.md §5.4 on the centred Gram matrix G. The intercept is not penalised, which keeps the
/// fit invariant to shifts of the regressors. With α_rel = 0 the solve is a minimum-norm pseudo-inverse, so that nested
/// regressor sets give nested least-squares problems (property test 8).
/// </summary>
public static class RidgeRegression
{
    /// <summary>Coefficients per regressor block (target width × block width), the intercept and the fit residual.</summary>
    public sealed class Solution
    {
        internal Solution(Matrix<double>[] blocks, Vector<double> intercept, Matrix<double> residual)
        {
            Blocks = blocks;
            Intercept = intercept;
            Residual = residual;
        }

        public Matrix<double>[] Blocks { get; }
        public Vector<double> Intercept { get; }
        public Matrix<double> Residual { get; }

        /// <summary>RMS of the residual over samples (Frobenius norm / √samples).</summary>
        public double ResidualRms => Residual.RowCount == 0 ? 0 : Residual.FrobeniusNorm() / Math.Sqrt(Residual.RowCount);
    }

    public static Solution Fit(Matrix<double> target, IReadOnlyList<Matrix<double>> regressors, double relativeRidge)
    {
        int samples = target.RowCount;
        int width = 0;
        foreach (var block in regressors)
        {
            if (block.RowCount != samples) throw new ArgumentException("every regressor block needs one row per sample");
            width += block.ColumnCount;
        }
        var targetMean = target.ColumnSums() / samples;
        if (width == 0)
        {
            var centred = target.Clone();
            for (int i = 0; i < samples; i++) centred.SetRow(i, target.Row(i) - targetMean);
            return new Solution(Array.Empty<Matrix<double>>(), targetMean, centred);
        }

        var design = Matrix<double>.Build.Dense(samples, width);
        int offset = 0;
        foreach (var block in regressors)
        {
            design.SetSubMatrix(0, offset, block);
            offset += block.ColumnCount;
        }
        var designMean = design.ColumnSums() / samples;
        var centredDesign = design.Clone();
        var centredTarget = target.Clone();
        for (int j = 0; j < width; j++)
        {
            double m = designMean[j];
            for (int i = 0; i < samples; i++) centredDesign[i, j] -= m;
        }
        for (int j = 0; j < target.ColumnCount; j++)
        {
            double m = targetMean[j];
            for (int i = 0; i < samples; i++) centredTarget[i, j] -= m;
        }

        // coefficients: width × targets, so target ≈ design · coefficients + intercept.
        Matrix<double> coefficients;
        if (relativeRidge > 0)
        {
            var gram = Mz.Core.Analysis.DenseKernels.TransposeThisAndMultiply(centredDesign, centredDesign);
            var rhs = Mz.Core.Analysis.DenseKernels.TransposeThisAndMultiply(centredDesign, centredTarget);
            double alpha = relativeRidge * gram.Trace() / width;
            if (!(alpha > 0)) alpha = relativeRidge;
            for (int i = 0; i < width; i++) gram[i, i] += alpha;
            coefficients = SolveSymmetric(gram, rhs);
        }
        else
        {
            coefficients = centredDesign.Svd(true).Solve(centredTarget);
        }

        var blocks = new Matrix<double>[regressors.Count];
        offset = 0;
        for (int b = 0; b < regressors.Count; b++)
        {
            int cols = regressors[b].ColumnCount;
            blocks[b] = coefficients.SubMatrix(offset, cols, 0, target.ColumnCount).Transpose();
            offset += cols;
        }
        var intercept = targetMean - coefficients.TransposeThisAndMultiply(designMean);
        var residual = centredTarget - Mz.Core.Analysis.DenseKernels.Multiply(centredDesign, coefficients);
        return new Solution(blocks, intercept, residual);
    }

    /// <summary>Cholesky when the regularised Gram is positive definite in floating point, else a pseudo-inverse.</summary>
    private static Matrix<double> SolveSymmetric(Matrix<double> gram, Matrix<double> rhs)
    {
        var symmetric = Mz.Core.Analysis.SymmetricMatrices.Symmetrised(gram);
        try
        {
            return symmetric.Cholesky().Solve(rhs);
        }
        catch (ArgumentException)
        {
            return symmetric.Svd(true).Solve(rhs);
        }
    }
}
