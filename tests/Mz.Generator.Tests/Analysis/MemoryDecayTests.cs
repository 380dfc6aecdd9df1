using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Analysis;

/// <summary>
/// MZ.md §7.2 test 7: memory decay under contraction on linear-Gaussian networks with exact population covariances,
/// centred observables and PCA bases, where κ^lin is exactly the factor of the product bound.
/// </summary>
public sealed class MemoryDecayTests
{
    private const int Width = 8, Rank = 3, Layers = 7;
    private readonly ITestOutputHelper _output;

    public MemoryDecayTests(ITestOutputHelper output) { _output = output; }

    /// <summary>Γ_0 and X_{n+1} = W_n X_n + b_n + β ξ_n: Γ_{n+1} = W Γ Wᵀ + β² I, Cov(X_a, X_b) = W_{a−1}⋯W_b Γ_b.</summary>
    private sealed class LinearGaussianChain
    {
        public LinearGaussianChain(ulong seed, double beta)
        {
            var random = new DeterministicRandom(seed);
            var mixing = SyntheticNetworks.Gaussian(Width, Width, 1, random);
            Covariances.Add(mixing * mixing.Transpose() / Width + 0.1 * Matrix<double>.Build.DenseIdentity(Width));
            for (int n = 0; n < Layers; n++)
            {
                var w = SyntheticNetworks.Gaussian(Width, Width, 1 / Math.Sqrt(Width), random);
                Weights.Add(w);
                Covariances.Add(w * Covariances[n] * w.Transpose() + beta * beta * Matrix<double>.Build.DenseIdentity(Width));
            }
        }

        public List<Matrix<double>> Weights { get; } = new();
        public List<Matrix<double>> Covariances { get; } = new();

        public Matrix<double> Cross(int a, int b)
        {
            var product = Covariances[b];
            for (int j = b; j < a; j++) product = Weights[j] * product;
            return product;
        }

        /// <summary>PCA restriction: top-r eigenvectors of Γ_n, computed here.</summary>
        public Matrix<double> Pca(int n)
        {
            var evd = Covariances[n].Evd();
            var order = Enumerable.Range(0, Width).OrderByDescending(i => evd.EigenValues[i].Real).Take(Rank).ToArray();
            return Matrix<double>.Build.DenseOfColumnVectors(order.Select(i => evd.EigenVectors.Column(i)));
        }
    }

    /// <summary>κ^lin from its definition, independently of the code under test.</summary>
    private static double KappaByDefinition(Matrix<double> gammaIn, Matrix<double> gammaOut, Matrix<double> cross, Matrix<double> psiIn, Matrix<double> psiOut)
    {
        Matrix<double> Power(Matrix<double> g, double p)
        {
            var evd = g.Evd();
            return evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalVector(evd.EigenValues.Map(v => Math.Pow(v.Real, p))) * evd.EigenVectors.Transpose();
        }
        Matrix<double> Complement(Matrix<double> g, Matrix<double> psi)
        {
            var q = (Power(g, 0.5) * psi).QR().Q.SubMatrix(0, g.RowCount, 0, psi.ColumnCount);
            return Matrix<double>.Build.DenseIdentity(g.RowCount) - q * q.Transpose();
        }
        var r = Power(gammaOut, -0.5) * cross * Power(gammaIn, -0.5);
        return (Complement(gammaOut, psiOut) * r * Complement(gammaIn, psiIn)).L2Norm();
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.6)]
    [InlineData(1.5)]
    public void WhitenedKernelsObeyTheProductBoundOfTheLinearisedFactors(double beta)
    {
        var chain = new LinearGaussianChain(seed: 71, beta);
        var psi = Enumerable.Range(0, Layers + 1).Select(chain.Pca).ToArray();
        var correlations = TwoLayerCorrelations.FromFunction(Enumerable.Repeat(Rank, Layers + 1).ToArray(), (a, b) =>
            a >= b ? psi[a].Transpose() * chain.Cross(a, b) * psi[b] : (psi[b].Transpose() * chain.Cross(b, a) * psi[a]).Transpose());
        var kernels = MemoryKernels.Identify(correlations, relativeRidge: 0);

        var kappa = new double[Layers];
        double kappaAgreement = 0;
        for (int j = 0; j < Layers; j++)
        {
            kappa[j] = OrthogonalDynamicsFactor.Linearised(chain.Covariances[j], chain.Covariances[j + 1], chain.Cross(j + 1, j), psi[j], psi[j + 1]);
            double reference = KappaByDefinition(chain.Covariances[j], chain.Covariances[j + 1], chain.Cross(j + 1, j), psi[j], psi[j + 1]);
            kappaAgreement = Math.Max(kappaAgreement, Math.Abs(kappa[j] - reference));
        }
        double worstSlack = double.PositiveInfinity, largestKernel = 0;
        int checkedPairs = 0;
        for (int n = 0; n < Layers; n++)
            for (int k = 2; k <= n; k++)
            {
                double bound = 1;
                for (int j = n - k + 1; j <= n - 1; j++) bound *= kappa[j];
                double norm = kernels.WhitenedNorm(n, k);
                Assert.True(norm <= bound + 1e-10, $"β = {beta}: ‖Ω̃_{n}^({k})‖ = {norm} exceeds Π κ^lin = {bound}");
                worstSlack = Math.Min(worstSlack, bound - norm);
                largestKernel = Math.Max(largestKernel, norm);
                checkedPairs++;
            }
        _output.WriteLine($"β = {beta}: κ^lin = [{string.Join(", ", kappa.Select(v => v.ToString("F3")))}], {checkedPairs} kernels, largest {largestKernel:F3}, min slack {worstSlack:F3}, κ agreement {kappaAgreement:E1}");
        Assert.True(kappaAgreement <= 1e-10, $"κ^lin differs from its definition by {kappaAgreement:E2}");
        Assert.True(checkedPairs > 0);
    }

    [Fact]
    public void LinearisedFactorOfOneLayerDecreasesStrictlyWithIsotropicNoise()
    {
        var random = new DeterministicRandom(72);
        var w = SyntheticNetworks.Gaussian(Width, Width, 1 / Math.Sqrt(Width), random);
        var mixing = SyntheticNetworks.Gaussian(Width, Width, 1, random);
        var gammaIn = mixing * mixing.Transpose() / Width + 0.1 * Matrix<double>.Build.DenseIdentity(Width);
        var psiIn = Matrix<double>.Build.Dense(Width, 2, (i, j) => i == j ? 1 : 0);
        var psiOut = Matrix<double>.Build.Dense(Width, 2, (i, j) => i == j + 2 ? 1 : 0);
        double previous = double.PositiveInfinity;
        var values = new List<double>();
        foreach (double beta in new[] { 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2 })
        {
            var gammaOut = w * gammaIn * w.Transpose() + beta * beta * Matrix<double>.Build.DenseIdentity(Width);
            double kappa = OrthogonalDynamicsFactor.Linearised(gammaIn, gammaOut, w * gammaIn, psiIn, psiOut);
            values.Add(kappa);
            Assert.True(kappa > 0);
            Assert.True(kappa < previous, $"κ^lin did not decrease at β = {beta}: {kappa} after {previous}");
            previous = kappa;
        }
        _output.WriteLine(string.Join(", ", values.Select(v => v.ToString("F4"))));
    }

    [Fact]
    public void TheoremABoundMatchesItsClosedFormAndIsFlaggedVacuousForWideLayers()
    {
        // tanh layer, D = 2√N: β = √N gives √(2·ncdf(1) − 1); N = 128 with β = 1 gives 1 to double precision.
        double informative = MaximalCorrelationBound.Gaussian(2 * Math.Sqrt(32), Math.Sqrt(32));
        Assert.Equal(Math.Sqrt(2 * 0.841344746068542948585 - 1), informative, 12);
        Assert.False(MaximalCorrelationBound.IsVacuous(informative));
        double wide = MaximalCorrelationBound.Gaussian(2 * Math.Sqrt(128), 1);
        Assert.Equal(1.0, wide, 15);
        Assert.True(MaximalCorrelationBound.IsVacuous(wide));
        var layer = new LayerMap(LayerMapKind.Dense, Matrix<double>.Build.Dense(128, 4), Vector<double>.Build.Dense(128), Activation.Tanh);
        Assert.Equal(2 * Math.Sqrt(128), MaximalCorrelationBound.RangeDiameter(layer, 0), 12);
    }
}
