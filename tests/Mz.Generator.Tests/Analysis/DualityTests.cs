using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Analysis;

/// <summary>
/// MZ.md §7.2 test 10: the backward memory matrices of (1.6), computed here by applying the projections
/// P_m ℳ_m Q_{m+1}ℳ_{m+1} ⋯ Q_{j−1}ℳ_{j−1} to whitened observables on the empirical measure (where ℳ of a deterministic
/// layer maps a sample's value to the same sample), equal the transposed whitened forward kernels; and the backward
/// recursion with Q_L q = 0 returns the regression of q on the layer-0 observables.
/// </summary>
public sealed class DualityTests
{
    private readonly ITestOutputHelper _output;

    public DualityTests(ITestOutputHelper output) { _output = output; }

    private static Matrix<double> InverseRoot(Matrix<double> gram)
    {
        var evd = gram.Evd();
        return evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalVector(evd.EigenValues.Map(v => 1 / Math.Sqrt(v.Real))) * evd.EigenVectors.Transpose();
    }

    /// <summary>Coefficients of the orthogonal projection of the columns of f onto span(basis columns), empirical inner product.</summary>
    private static Matrix<double> ProjectionCoefficients(Matrix<double> basis, Matrix<double> f) => SyntheticNetworks.LeastSquares(basis, f);

    [Fact]
    public void BackwardMemoryMatricesAreTheTransposedWhitenedForwardKernels()
    {
        var view = SyntheticNetworks.DenseNetwork(5, 12, 6, 2, Activation.Tanh, seed: 101);
        var states = view.Forward(SyntheticNetworks.Inputs(500, 5, seed: 102));
        var bases = SyntheticNetworks.RandomBases(states, n => 2 + n % 3, seed: 103);
        var mz = MzDecomposition.Build(states, bases);
        int samples = states[0].RowCount, depth = view.Depth;
        var whitened = mz.Coordinates.Select(z => z * InverseRoot(z.TransposeThisAndMultiply(z) / samples)).ToArray();

        double worst = 0;
        for (int j = 1; j <= depth; j++)
            for (int m = 0; m < j; m++)
            {
                var f = whitened[j].Clone();
                for (int i = j - 1; i > m; i--) f -= whitened[i] * ProjectionCoefficients(whitened[i], f);
                var backward = ProjectionCoefficients(whitened[m], f);
                var forward = mz.Kernels.Whitened(j - 1, j - 1 - m).Transpose();
                worst = Math.Max(worst, (backward - forward).Enumerate().Max(Math.Abs) / Math.Max(forward.Enumerate().Max(Math.Abs), 1e-3));
            }
        _output.WriteLine($"B̃_mj versus Ω̃ᵀ: {worst:E2}");
        Assert.True(worst <= 1e-10, $"{worst:E2}");
    }

    [Fact]
    public void BackwardRecursionReturnsTheRegressionOfTheOutputOnLayerZero()
    {
        var view = SyntheticNetworks.DenseNetwork(6, 24, 8, 2, Activation.Tanh, seed: 104);
        var states = view.Forward(SyntheticNetworks.Inputs(800, 6, seed: 105));
        var bases = SyntheticNetworks.PcaBases(states, _ => 4);
        var mz = MzDecomposition.Build(states, bases);
        var q = Matrix<double>.Build.Dense(4, 1, (i, _) => 1.0 + i);
        var coefficients = mz.Kernels.BackwardCoefficients(q);
        var backward = mz.Coordinates[0] * coefficients[0];
        var quantity = mz.Coordinates[view.Depth] * q;
        var regression = mz.Coordinates[0] * SyntheticNetworks.LeastSquares(mz.Coordinates[0], quantity);
        double error = SyntheticNetworks.RelativeError(backward, regression);
        _output.WriteLine($"P_0 q_0 versus regression: {error:E2}");
        Assert.True(error <= 1e-10, $"{error:E2}");
    }
}
