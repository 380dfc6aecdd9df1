using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Analysis;

/// <summary>Per-layer bases of MZ.md §5.2 against their defining properties.</summary>
public sealed class BasisTests
{
    private readonly ITestOutputHelper _output;

    public BasisTests(ITestOutputHelper output) { _output = output; }

    private static (Matrix<double> States, Matrix<double> AdjointGramian, Matrix<double> Covariance) Snapshots()
    {
        var view = SyntheticNetworks.DenseNetwork(6, 10, 3, 3, Activation.Tanh, seed: 141);
        var states = view.Forward(SyntheticNetworks.Inputs(700, 6, seed: 142));
        var gramians = CalibrationRunner.AdjointGramians(view, states);
        var x = states[2];
        var mean = x.ColumnSums() / x.RowCount;
        var centred = x.Clone();
        for (int i = 0; i < x.RowCount; i++) centred.SetRow(i, x.Row(i) - mean);
        return (x, gramians[2], centred.TransposeThisAndMultiply(centred) / x.RowCount);
    }

    private static double MaxAbs(Matrix<double> m) => m.Enumerate().Max(Math.Abs);

    [Fact]
    public void BalancedBasisIsBiorthogonalAndBalancesBothGramians()
    {
        var (states, adjoint, covariance) = Snapshots();
        var basis = BasisBuilder.Build(states, adjoint, new BasisOptions { Kind = BasisKind.Balanced, Rank = 4 });
        var identity = Matrix<double>.Build.DenseIdentity(4);
        var hankel = Matrix<double>.Build.DenseOfDiagonalArray(basis.Spectrum.Take(4).ToArray());
        double biorthogonal = MaxAbs(basis.Restrict.TransposeThisAndMultiply(basis.Lift) - identity);
        // Ψᵀ Γ Ψ = Φᵀ E[λλᵀ] Φ = Σ_r: both Gramians are diagonal and equal in balanced coordinates.
        double state = MaxAbs(basis.Restrict.Transpose() * covariance * basis.Restrict - hankel) / hankel[0, 0];
        double adjointError = MaxAbs(basis.Lift.Transpose() * adjoint * basis.Lift - hankel) / hankel[0, 0];
        _output.WriteLine($"ΨᵀΦ − I {biorthogonal:E2}; ΨᵀΓΨ − Σ {state:E2}; ΦᵀΛΦ − Σ {adjointError:E2}");
        Assert.True(biorthogonal <= 1e-10 && state <= 1e-10 && adjointError <= 1e-10);
        // Hankel singular values are the square roots of the eigenvalues of Γ·E[λλᵀ].
        var products = (covariance * adjoint).Evd().EigenValues.Select(c => Math.Sqrt(Math.Max(c.Real, 0))).OrderByDescending(v => v).Take(4).ToArray();
        for (int i = 0; i < 4; i++) Assert.Equal(products[i], basis.Spectrum[i], 8);
    }

    [Fact]
    public void PcaAndGradientBasesAreTheLeadingEigenvectorsWithTheSignConvention()
    {
        var (states, adjoint, covariance) = Snapshots();
        foreach (var (kind, gramian) in new[] { (BasisKind.Pca, covariance), (BasisKind.Gradient, adjoint) })
        {
            var basis = BasisBuilder.Build(states, adjoint, new BasisOptions { Kind = kind, Rank = 3 });
            var evd = gramian.Evd();
            var top = Enumerable.Range(0, gramian.RowCount).OrderByDescending(i => evd.EigenValues[i].Real).Take(3).ToArray();
            for (int c = 0; c < 3; c++)
            {
                var expected = evd.EigenVectors.Column(top[c]);
                int largest = expected.AbsoluteMaximumIndex();
                if (expected[largest] < 0) expected = -expected;
                Assert.True((basis.Lift.Column(c) - expected).InfinityNorm() <= 1e-8, $"{kind} column {c}");
                Assert.True(basis.Lift.Column(c).AbsoluteMaximum() == basis.Lift.Column(c).Maximum(), "largest-magnitude entry positive");
            }
            Assert.Equal(basis.Lift, basis.Restrict);
        }
    }

    [Fact]
    public void WhitenedCoordinatesHaveIdentityGramAndBiorthogonalityIsKept()
    {
        var (states, adjoint, _) = Snapshots();
        foreach (var kind in new[] { BasisKind.Pca, BasisKind.Balanced })
        {
            var basis = BasisBuilder.Build(states, adjoint, new BasisOptions { Kind = kind, Rank = 4, Whiten = true });
            var z = basis.Coordinates(states);
            double gram = MaxAbs(z.TransposeThisAndMultiply(z) / z.RowCount - Matrix<double>.Build.DenseIdentity(4));
            double biorthogonal = MaxAbs(basis.Restrict.TransposeThisAndMultiply(basis.Lift) - Matrix<double>.Build.DenseIdentity(4));
            Assert.True(gram <= 1e-10, $"{kind}: Gram − I = {gram:E2}");
            Assert.True(biorthogonal <= 1e-10, $"{kind}: ΨᵀΦ − I = {biorthogonal:E2}");
        }
    }

    [Fact]
    public void RankIsCappedAtTheNumericalRankAndTheBasisDoesNotDependOnRowOrder()
    {
        var random = new DeterministicRandom(143);
        var low = SyntheticNetworks.Gaussian(300, 3, 1, random) * SyntheticNetworks.Gaussian(3, 8, 1, random);
        var basis = BasisBuilder.Build(low, null, new BasisOptions { Kind = BasisKind.Pca, Rank = 6 });
        Assert.Equal(3, basis.Rank);

        var (states, adjoint, _) = Snapshots();
        var reversed = Matrix<double>.Build.Dense(states.RowCount, states.ColumnCount, (i, j) => states[states.RowCount - 1 - i, j]);
        var a = BasisBuilder.Build(states, adjoint, new BasisOptions { Rank = 4 });
        var b = BasisBuilder.Build(reversed, adjoint, new BasisOptions { Rank = 4 });
        Assert.True(MaxAbs(a.Lift - b.Lift) <= 1e-8 && MaxAbs(a.Restrict - b.Restrict) <= 1e-8, "sign convention must make the basis independent of solver signs");
    }

    [Fact]
    public void LiftErrorIsZeroAtFullRankAndTheUnexplainedEnergyForPca()
    {
        var (states, _, covariance) = Snapshots();
        var full = BasisBuilder.Build(states, null, new BasisOptions { Kind = BasisKind.Pca, Rank = states.ColumnCount });
        Assert.True(full.LiftError(states) <= 1e-12);
        var partial = BasisBuilder.Build(states, null, new BasisOptions { Kind = BasisKind.Pca, Rank = 3 });
        var eigenvalues = covariance.Evd().EigenValues.Select(c => c.Real).OrderByDescending(v => v).ToArray();
        double expected = Math.Sqrt(eigenvalues.Skip(3).Sum() / eigenvalues.Sum());
        Assert.Equal(expected, partial.LiftError(states), 10);
    }
}
