using System;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Analysis;

/// <summary>
/// Finite-basis (Galerkin) representations of the composition (Koopman) operator ℳ_n and the transfer
/// (Perron–Frobenius) operator 𝒩_n of one layer (MZ.md (1.2), (1.3)), in the dictionaries g_n = [1; z_n] and
/// g_{n+1} = [1; z_{n+1}] under the Mori projections of the layer measures:
/// <list type="bullet">
/// <item>Koopman K_n = G_n^{-1} E[g_n g_{n+1}ᵀ]: u = cᵀ g_{n+1} on layer n+1 ↦ P_n ℳ_n u = (K_n c)ᵀ g_n;</item>
/// <item>transfer T_n = G_{n+1}^{-1} E[g_{n+1} g_nᵀ]: the density (aᵀ g_n) μ_n ↦ the projected density (T_n a)ᵀ g_{n+1} μ_{n+1}.</item>
/// </list>
/// Duality holds exactly: cᵀ G_{n+1} T_n a = (K_n c)ᵀ G_n a. The constant comes first, so ℳ_n 1 = 1 reads K_n e_0 = e_0.
/// </summary>
public sealed class LayerOperators
{
    private LayerOperators(Matrix<double> koopman, Matrix<double> transfer, Matrix<double> inputGram, Matrix<double> outputGram)
    {
        Koopman = koopman;
        Transfer = transfer;
        InputGram = inputGram;
        OutputGram = outputGram;
    }

    /// <summary>K_n, (1 + r_n) × (1 + r_{n+1}).</summary>
    public Matrix<double> Koopman { get; }

    /// <summary>T_n, (1 + r_{n+1}) × (1 + r_n).</summary>
    public Matrix<double> Transfer { get; }

    /// <summary>G_n = E[g_n g_nᵀ] with the constant.</summary>
    public Matrix<double> InputGram { get; }

    public Matrix<double> OutputGram { get; }

    /// <summary>From paired coordinates z_n, z_{n+1} of the same samples (samples as rows).</summary>
    public static LayerOperators FromSamples(Matrix<double> input, Matrix<double> output, double relativeRidge = 0)
    {
        if (input.RowCount != output.RowCount) throw new ArgumentException("the two layers need the same samples");
        var gIn = WithConstant(input);
        var gOut = WithConstant(output);
        double scale = 1.0 / input.RowCount;
        var inputGram = gIn.TransposeThisAndMultiply(gIn) * scale;
        var outputGram = gOut.TransposeThisAndMultiply(gOut) * scale;
        var cross = gIn.TransposeThisAndMultiply(gOut) * scale;
        var koopman = SymmetricMatrices.SolveRight(cross.Transpose(), inputGram, relativeRidge).Transpose();
        var transfer = SymmetricMatrices.SolveRight(cross, outputGram, relativeRidge).Transpose();
        return new LayerOperators(koopman, transfer, inputGram, outputGram);
    }

    /// <summary>Dictionary values [1, z] per sample.</summary>
    public static Matrix<double> WithConstant(Matrix<double> coordinates)
    {
        var result = Matrix<double>.Build.Dense(coordinates.RowCount, coordinates.ColumnCount + 1);
        for (int i = 0; i < coordinates.RowCount; i++) result[i, 0] = 1;
        result.SetSubMatrix(0, 1, coordinates);
        return result;
    }

    /// <summary>Coefficients of P_n ℳ_n u on layer n for u = cᵀ g_{n+1}.</summary>
    public Vector<double> ApplyKoopman(Vector<double> outputCoefficients) => Koopman * outputCoefficients;

    /// <summary>Weight coefficients of the projected pushed-forward density.</summary>
    public Vector<double> ApplyTransfer(Vector<double> inputWeights) => Transfer * inputWeights;

    /// <summary>‖u‖²_{L²(μ)} = cᵀ G c for u = cᵀ g.</summary>
    public static double SquaredNorm(Vector<double> coefficients, Matrix<double> gram) => coefficients * (gram * coefficients);
}
