using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Analysis;

/// <summary>MZ.md §7.2 tests 1, 2, 3 and 5: the exact identities of the finite-rank (Mori) decomposition, float64.</summary>
public sealed class ExactIdentityTests
{
    private readonly ITestOutputHelper _output;

    public ExactIdentityTests(ITestOutputHelper output) { _output = output; }

    /// <summary>z = Ψᵀ(x − m), computed here rather than by the code under test.</summary>
    private static Matrix<double> Coordinates(Matrix<double> states, LayerBasis basis)
    {
        var centred = states.Clone();
        for (int i = 0; i < centred.RowCount; i++) centred.SetRow(i, centred.Row(i) - basis.Mean);
        return centred * basis.Restrict;
    }

    private static double Rms(Matrix<double> m) => m.FrobeniusNorm() / Math.Sqrt(m.RowCount * m.ColumnCount);

    [Fact]
    public void TeacherForcedRecursionIsExactAndEveryStageIsOrthogonalToItsRegressor()
    {
        // Test 1: a nonlinear network, uneven ranks and non-orthogonal random bases.
        var view = SyntheticNetworks.DenseNetwork(6, 12, 6, 3, Activation.Tanh, seed: 11);
        var states = view.Forward(SyntheticNetworks.Inputs(400, 6, seed: 12));
        var bases = SyntheticNetworks.RandomBases(states, n => 2 + n % 3, seed: 13);
        var mz = MzDecomposition.Build(states, bases);
        var z = states.Select((x, n) => Coordinates(x, bases[n])).ToArray();
        int samples = states[0].RowCount;

        double worstReproduction = 0, worstOrthogonality = 0, worstNoiseOrthogonality = 0;
        for (int n = 0; n < view.Depth; n++)
        {
            var eta = mz.Kernels.NoiseTerm(n, mz.Coordinates);
            var rebuilt = eta.Clone();
            for (int k = 0; k <= n; k++) rebuilt += z[n - k] * mz.Kernels.Kernel(n, k).Transpose();
            worstReproduction = Math.Max(worstReproduction, SyntheticNetworks.RelativeError(rebuilt, z[n + 1]));

            var remainder = z[n + 1].Clone();
            for (int k = 0; k <= n; k++)
            {
                remainder -= z[n - k] * mz.Kernels.Kernel(n, k).Transpose();
                var correlation = remainder.TransposeThisAndMultiply(z[n - k]) / samples;
                double normalised = correlation.Enumerate().Max(Math.Abs) / (Rms(remainder) * Rms(z[n - k]));
                worstOrthogonality = Math.Max(worstOrthogonality, normalised);
            }
            var noiseCorrelation = eta.TransposeThisAndMultiply(z[0]) / samples;
            worstNoiseOrthogonality = Math.Max(worstNoiseOrthogonality, noiseCorrelation.Enumerate().Max(Math.Abs) / (Rms(eta) * Rms(z[0])));
        }
        _output.WriteLine($"reproduction {worstReproduction:E2}, stage orthogonality {worstOrthogonality:E2}, E[η z0ᵀ] {worstNoiseOrthogonality:E2}");
        Assert.True(worstReproduction <= 1e-10, $"(1.7) with η reproduces z to {worstReproduction:E2}");
        Assert.True(worstOrthogonality <= 1e-12, $"E[R_n^(k) z_(n-k)ᵀ] = {worstOrthogonality:E2}");
        Assert.True(worstNoiseOrthogonality <= 1e-12, $"E[η z0ᵀ] = {worstNoiseOrthogonality:E2}");
    }

    [Fact]
    public void NoiseFreeFullMemoryRolloutCollapsesToRegressionOnLayerZero()
    {
        // Test 2, on the prototype's configuration: tanh MLP, d = 6, width 48, 10 layers, r = 5.
        var view = SyntheticNetworks.DenseNetwork(6, 48, 10, 2, Activation.Tanh, seed: 21);
        var states = view.Forward(SyntheticNetworks.Inputs(1000, 6, seed: 22));
        var bases = SyntheticNetworks.PcaBases(states, _ => 5);
        var mz = MzDecomposition.Build(states, bases);
        var z = states.Select((x, n) => Coordinates(x, bases[n])).ToArray();
        var rollout = mz.Kernels.Rollout(z[0]);

        double worst = 0, nonlinearity = 0;
        for (int m = 1; m <= view.Depth; m++)
        {
            var regression = z[0] * SyntheticNetworks.LeastSquares(z[0], z[m]);
            worst = Math.Max(worst, SyntheticNetworks.RelativeError(rollout[m], regression));
            nonlinearity = Math.Max(nonlinearity, SyntheticNetworks.RelativeError(regression, z[m]));
        }
        _output.WriteLine($"collapse {worst:E2}; regression misses z by up to {nonlinearity:F3}");
        Assert.True(worst <= 1e-10, $"rollout differs from C_m0 C_00^-1 z0 by {worst:E2}");
        Assert.True(nonlinearity > 0.05, "the network should be visibly nonlinear, or the test proves nothing");
    }

    [Fact]
    public void LinearNetworkIsExactWithTheInputResolvedAndMissesExactlyTheRegressionResidualOtherwise()
    {
        // Test 3: linear layers, r_0 = d_in, hidden ranks 1..2, output layer fully resolved.
        int[] widths = { 4, 7, 6, 8, 5 };
        var view = SyntheticNetworks.LinearNetwork(widths, 3, seed: 31);
        var inputs = SyntheticNetworks.Inputs(300, 4, seed: 32);
        var states = view.Forward(inputs);
        var logits = view.Logits(states[view.Depth]);
        int depth = view.Depth;

        var resolved = SyntheticNetworks.PcaBases(states, n => n == 0 ? 4 : n == depth ? widths[depth] : 1 + n % 2);
        var mz = MzDecomposition.Build(states, resolved);
        var rollout = mz.Kernels.Rollout(mz.Coordinates[0]);
        var lifted = states[depth].Clone();
        for (int i = 0; i < lifted.RowCount; i++) lifted.SetRow(i, resolved[depth].Mean + resolved[depth].Lift * rollout[depth].Row(i));
        double exactError = SyntheticNetworks.RelativeError(view.Logits(lifted), logits);

        var unresolved = SyntheticNetworks.PcaBases(states, n => n == 0 ? 2 : n == depth ? widths[depth] : 1 + n % 2);
        var partial = MzDecomposition.Build(states, unresolved);
        var z = states.Select((x, n) => Coordinates(x, unresolved[n])).ToArray();
        var partialRollout = partial.Kernels.Rollout(z[0]);
        var residual = z[depth] - z[0] * SyntheticNetworks.LeastSquares(z[0], z[depth]);
        var error = z[depth] - partialRollout[depth];
        double residualMatch = (error - residual).FrobeniusNorm() / residual.FrobeniusNorm();
        double residualSize = residual.FrobeniusNorm() / z[depth].FrobeniusNorm();

        _output.WriteLine($"resolved input: output error {exactError:E2}; r0 < d_in: residual {residualSize:F3} of z_L, error − residual {residualMatch:E2}");
        Assert.True(exactError <= 1e-10, $"linear network not reproduced: {exactError:E2}");
        Assert.True(residualSize > 1e-2, "with r_0 < d_in the linear network must not be reproduced");
        Assert.True(residualMatch <= 1e-10, $"error differs from the regression residual by {residualMatch:E2}");
    }

    [Fact]
    public void MarkovKernelIsThePerLayerLeastSquaresMap()
    {
        // Test 5, first part: Ω_n^(0) = argmin ‖z_{n+1} − Ω z_n‖ on any network.
        var view = SyntheticNetworks.DenseNetwork(5, 10, 5, 2, Activation.Relu, seed: 51);
        var states = view.Forward(SyntheticNetworks.Inputs(500, 5, seed: 52));
        var bases = SyntheticNetworks.RandomBases(states, n => 3 + n % 2, seed: 53);
        var mz = MzDecomposition.Build(states, bases);
        var z = states.Select((x, n) => Coordinates(x, bases[n])).ToArray();
        double worst = 0;
        for (int n = 0; n < view.Depth; n++)
        {
            var leastSquares = SyntheticNetworks.LeastSquares(z[n], z[n + 1]).Transpose();
            worst = Math.Max(worst, SyntheticNetworks.RelativeError(mz.Kernels.Kernel(n, 0), leastSquares));
        }
        _output.WriteLine($"K = 0 versus least squares: {worst:E2}");
        Assert.True(worst <= 1e-10, $"Ω_n^(0) differs from the least-squares map by {worst:E2}");
    }

    [Fact]
    public void MarkovKernelOfAStationaryLinearSystemIsDmd()
    {
        // Test 5, second part: autonomous stationary linear system, population covariances, 2 of 6 coordinates observed.
        var system = StationaryProcess.Create(seed: 54);
        var correlations = system.Correlations(layers: 6);
        var kernels = MemoryKernels.Identify(correlations, relativeRidge: 0);
        var dmd = system.LagCovariance(1) * system.LagCovariance(0).Inverse();
        double worst = 0;
        for (int n = 0; n < kernels.Depth; n++) worst = Math.Max(worst, SyntheticNetworks.RelativeError(kernels.Kernel(n, 0), dmd));
        _output.WriteLine($"Ω_n^(0) versus C(1)C(0)^-1: {worst:E2}");
        Assert.True(worst <= 1e-10, $"{worst:E2}");
    }
}
