using Mz.Core.Stochastic;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Stochastic;

/// <summary>
/// MZ.md §7.2 test 11 (noisy-network estimators on linear-Gaussian networks), asserted against values the test
/// computes itself: moment closure is exact, Monte Carlo converges as S^−1/2 and agrees with the exact E[q|x]
/// and Var[q|x] within its standard error, and the grid operator reproduces an analytic Gaussian expectation.
/// </summary>
public sealed class NoisyEstimatorPropertyTests
{
    private readonly ITestOutputHelper _output;

    public NoisyEstimatorPropertyTests(ITestOutputHelper output) { _output = output; }

    private static readonly int[] Widths = { 3, 4, 4, 3, 3 };
    private static readonly bool[] Residual = { false, true, false, true };
    private static readonly LayerNoise Noise = new(new[] { 0.2, 0.05, 0.4, 0.1 });
    private static readonly double[] Input = { 0.3, -0.7, 1.1 };

    private static double RelativeError(double[] actual, double[] expected)
    {
        double diff = 0, scale = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return diff / Math.Max(scale, 1e-300);
    }

    [Fact]
    public void MomentClosureIsExactOnLinearGaussianNetworks()
    {
        var stack = LinearGaussianNetwork.Create(11, Widths, Residual);
        var inputCovariance = new[] { 0.5, 0.1, 0.0, 0.1, 0.3, -0.05, 0.0, -0.05, 0.2 };
        var (means, covariances) = LinearGaussianNetwork.ExactMoments(stack, Noise, Input, inputCovariance);
        var (outputMean, outputVariance) = LinearGaussianNetwork.ExactOutput(stack, means[^1], covariances[^1]);

        var full = new GaussianMomentClosure(stack, Noise, CovarianceMode.Full).Propagate(Input, inputCovariance);
        var diagonal = new GaussianMomentClosure(stack, Noise, CovarianceMode.Diagonal).Propagate(Input, inputCovariance);
        for (int n = 0; n <= stack.Depth; n++)
        {
            Assert.True(RelativeError(full.StateMeans[n], means[n]) <= 1e-12, $"full mean, layer {n}");
            Assert.True(RelativeError(diagonal.StateMeans[n], means[n]) <= 1e-12, $"diagonal mean, layer {n}");
            Assert.True(RelativeError(full.StateCovariances[n], covariances[n]) <= 1e-12, $"full covariance, layer {n}");
        }
        Assert.True(Math.Abs(full.OutputMean[0] - outputMean) <= 1e-12 * Math.Abs(outputMean));
        Assert.True(Math.Abs(diagonal.OutputMean[0] - outputMean) <= 1e-12 * Math.Abs(outputMean));
        Assert.True(Math.Abs(full.OutputVariance[0] - outputVariance) <= 1e-12 * outputVariance);
    }

    [Fact]
    public void MonteCarloAgreesWithTheExactConditionalMeanAndVariance()
    {
        var stack = LinearGaussianNetwork.Create(12, Widths, Residual);
        var (means, covariances) = LinearGaussianNetwork.ExactMoments(stack, Noise, Input, new double[9]);
        var (mean, variance) = LinearGaussianNetwork.ExactOutput(stack, means[^1], covariances[^1]);
        var estimator = new MonteCarloEstimator(new NoisyForwardPass(stack, Noise));
        foreach (ulong seed in new ulong[] { 1, 2, 3 })
        {
            var estimate = estimator.Estimate(Input, 200_000, seed);
            double z = (estimate.Mean[0] - mean) / estimate.StandardError[0];
            // For Gaussian y the sample variance has standard deviation σ²·√(2/(S−1)).
            double zVariance = (estimate.Variance[0] - variance) / (variance * Math.Sqrt(2.0 / (estimate.Samples - 1)));
            _output.WriteLine($"seed {seed}: mean z = {z:F2}, variance z = {zVariance:F2}");
            Assert.True(Math.Abs(z) <= 4, $"seed {seed}: E[y|x] off by {z:F2} standard errors");
            Assert.True(Math.Abs(zVariance) <= 4, $"seed {seed}: Var[y|x] off by {zVariance:F2} standard errors");
        }
    }

    [Fact]
    public void MonteCarloErrorDecaysAsTheInverseSquareRootOfTheSampleCount()
    {
        var stack = LinearGaussianNetwork.Create(13, Widths, Residual);
        var (means, covariances) = LinearGaussianNetwork.ExactMoments(stack, Noise, Input, new double[9]);
        var (mean, variance) = LinearGaussianNetwork.ExactOutput(stack, means[^1], covariances[^1]);
        var estimator = new MonteCarloEstimator(new NoisyForwardPass(stack, Noise));
        int[] sizes = { 64, 256, 1024, 4096, 16384 };
        const int repeats = 100;
        var logS = new double[sizes.Length];
        var logError = new double[sizes.Length];
        for (int k = 0; k < sizes.Length; k++)
        {
            double squared = 0;
            for (int r = 0; r < repeats; r++)
            {
                double error = estimator.Estimate(Input, sizes[k], (ulong)(1000 * k + r)).Mean[0] - mean;
                squared += error * error;
            }
            double rms = Math.Sqrt(squared / repeats);
            logS[k] = Math.Log(sizes[k]);
            logError[k] = Math.Log(rms);
            // The RMS error should match σ/√S (a χ² with 100 degrees of freedom stays within ±40 %).
            double ratio = rms / Math.Sqrt(variance / sizes[k]);
            _output.WriteLine($"S = {sizes[k],5}: RMS error {rms:E3}, σ/√S ratio {ratio:F3}");
            Assert.InRange(ratio, 0.6, 1.4);
        }
        double meanX = logS.Average(), meanY = logError.Average();
        double slope = logS.Zip(logError, (x, y) => (x - meanX) * (y - meanY)).Sum() / logS.Sum(x => (x - meanX) * (x - meanX));
        _output.WriteLine($"fitted log-log slope {slope:F3}");
        Assert.InRange(slope, -0.6, -0.4);
    }

    [Fact]
    public void MonteCarloIsReproducibleAndIndependentOfThreadCount()
    {
        var stack = LinearGaussianNetwork.Create(14, Widths, Residual);
        var estimator = new MonteCarloEstimator(new NoisyForwardPass(stack, Noise));
        var serial = estimator.Estimate(Input, 3 * MonteCarloEstimator.BatchSize + 17, 42, maxParallelism: 1);
        var parallel = estimator.Estimate(Input, 3 * MonteCarloEstimator.BatchSize + 17, 42, maxParallelism: 4);
        Assert.Equal(serial.Mean[0], parallel.Mean[0]);
        Assert.Equal(serial.Variance[0], parallel.Variance[0]);
        Assert.NotEqual(serial.Mean[0], estimator.Estimate(Input, 3 * MonteCarloEstimator.BatchSize + 17, 43).Mean[0]);
    }

    [Fact]
    public void GridOperatorReproducesAnAnalyticGaussianExpectation()
    {
        // A 2-D linear-Gaussian chain: X_L | X_0 = x is Gaussian with exact (m, C), so for q(y) = cos(k·y)
        // E[q(X_L) | X_0 = x] = cos(k·m)·exp(−kᵀCk/2).
        var stack = LinearGaussianNetwork.Create(15, new[] { 2, 2, 2, 2, 2 }, new[] { true, false, true, true });
        var noise = new LayerNoise(new[] { 0.1, 0.15, 0.05, 0.1 });
        double[] k = { 1.3, -0.8 };
        double Q(double[] y) => Math.Cos(k[0] * y[0] + k[1] * y[1]);
        foreach (var integration in new[] { NoiseIntegration.GaussHermite, NoiseIntegration.GridConvolution })
        {
            var propagator = new GridOperatorPropagator(stack, noise, new[] { -1.0, -1.0 }, new[] { 1.0, 1.0 },
                new GridOperatorOptions { Spacing = 0.02, NoiseIntegration = integration, PaddingInNoiseLevels = 8 });
            var backward = propagator.Backward(propagator.Grids[^1].Sample(Q));
            double worst = 0;
            foreach (var x in new[] { new[] { 0.0, 0.0 }, new[] { 0.5, -0.3 }, new[] { -0.9, 0.8 } })
            {
                var (means, covariances) = LinearGaussianNetwork.ExactMoments(stack, noise, x, new double[4]);
                var m = means[^1];
                var c = covariances[^1];
                double quadratic = k[0] * k[0] * c[0] + 2 * k[0] * k[1] * c[1] + k[1] * k[1] * c[3];
                double exact = Math.Cos(k[0] * m[0] + k[1] * m[1]) * Math.Exp(-0.5 * quadratic);
                worst = Math.Max(worst, Math.Abs(propagator.ExpectationAt(x, backward) - exact));
            }
            _output.WriteLine($"{integration}: max |operator − exact| = {worst:E2}");
            Assert.True(worst <= 1e-6, $"{integration}: {worst:E2}");
        }
    }

    [Theory]
    [InlineData(LayerActivation.Relu)]
    [InlineData(LayerActivation.Gelu)]
    public void MomentClosureIsExactOnTheFirstReluOrGeluLayerOfAGaussianInput(LayerActivation activation)
    {
        // With X_0 Gaussian the first pre-activation is exactly Gaussian, and the ReLU/GELU closed forms are exact,
        // so the closure's layer-1 mean and variances must match Monte Carlo within its standard error.
        var layer = new StochasticLayer(new[] { 0.8, -0.5, 0.3, 1.1, 0.4, -0.9 }, new[] { 0.1, -0.2, 0.05 }, 2, activation, null);
        var stack = new StochasticLayerStack(2, new[] { layer }, new StochasticReadout(new[] { 1.0, 0.5, -0.7 }, new[] { 0.0 }, 3, LayerActivation.Identity));
        var noise = new LayerNoise(new[] { 0.1 });
        var inputMean = new[] { 0.2, -0.3 };
        var inputCovariance = new[] { 0.6, 0.2, 0.2, 0.4 };
        var closure = new GaussianMomentClosure(stack, noise, CovarianceMode.Full).Propagate(inputMean, inputCovariance);

        // Monte Carlo over X_0 ~ N(m, C) (Cholesky factor written out) and the layer noise.
        double l00 = Math.Sqrt(inputCovariance[0]), l10 = inputCovariance[2] / l00, l11 = Math.Sqrt(inputCovariance[3] - l10 * l10);
        var source = new GaussianNoiseSource(77);
        const int samples = 400_000;
        var sum = new double[3];
        var sumSquares = new double[3];
        var output = new double[3];
        for (int s = 0; s < samples; s++)
        {
            double z0 = source.NextStandardNormal(), z1 = source.NextStandardNormal();
            var x = new[] { inputMean[0] + l00 * z0, inputMean[1] + l10 * z0 + l11 * z1 };
            layer.Apply(x, 0, output, 0);
            for (int i = 0; i < 3; i++)
            {
                double v = output[i] + 0.1 * source.NextStandardNormal();
                sum[i] += v;
                sumSquares[i] += v * v;
            }
        }
        for (int i = 0; i < 3; i++)
        {
            double mean = sum[i] / samples, variance = (sumSquares[i] - samples * mean * mean) / (samples - 1);
            double standardError = Math.Sqrt(variance / samples);
            double varianceError = variance * Math.Sqrt(2.0 / samples) * 2; // allow for non-Gaussian kurtosis
            _output.WriteLine($"{activation} neuron {i}: closure mean {closure.StateMeans[1][i]:F5} vs MC {mean:F5} ± {standardError:E1}; variance {closure.StateCovariances[1][i * 3 + i]:F5} vs {variance:F5}");
            Assert.True(Math.Abs(closure.StateMeans[1][i] - mean) <= 4 * standardError, $"{activation} neuron {i}: mean");
            Assert.True(Math.Abs(closure.StateCovariances[1][i * 3 + i] - variance) <= 4 * varianceError, $"{activation} neuron {i}: variance");
        }
    }
}
