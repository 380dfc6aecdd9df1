using Mz.Core.Stochastic;

namespace Mz.Tests.Stochastic;

/// <summary>
/// Small networks with known answers for the property tests. A linear-Gaussian network (identity activations,
/// Gaussian noise) keeps every state Gaussian, so the test computes its means and covariances with its own
/// matrix algebra: m′ = A m + c, C′ = A C Aᵀ + β² I, with A = W (MLP) or I + ΔW (residual).
/// </summary>
public static class LinearGaussianNetwork
{
    public static StochasticLayerStack Create(int seed, int[] widths, bool[] residual, double step = 0.3)
    {
        var random = new Random(seed);
        var layers = new List<StochasticLayer>();
        for (int n = 0; n + 1 < widths.Length; n++)
        {
            int nIn = widths[n], nOut = widths[n + 1];
            var w = Enumerable.Range(0, nIn * nOut).Select(_ => (random.NextDouble() * 2 - 1) / Math.Sqrt(nIn)).ToArray();
            var b = Enumerable.Range(0, nOut).Select(_ => random.NextDouble() - 0.5).ToArray();
            layers.Add(new StochasticLayer(w, b, nIn, LayerActivation.Identity, residual[n] ? step : null));
        }
        int last = widths[^1];
        var readout = new StochasticReadout(Enumerable.Range(0, last).Select(_ => random.NextDouble() * 2 - 1).ToArray(), new[] { 0.1 }, last, LayerActivation.Identity);
        return new StochasticLayerStack(widths[0], layers, readout);
    }

    /// <summary>The exact mean and covariance (row-major) of every state X_0..X_L.</summary>
    public static (double[][] Means, double[][] Covariances) ExactMoments(StochasticLayerStack stack, LayerNoise noise, double[] input, double[] inputCovariance)
    {
        var means = new double[stack.Depth + 1][];
        var covariances = new double[stack.Depth + 1][];
        means[0] = input;
        covariances[0] = inputCovariance;
        for (int n = 0; n < stack.Depth; n++)
        {
            var layer = stack.Layers[n];
            int nIn = layer.Inputs, nOut = layer.Outputs;
            var a = new double[nOut * nIn];
            for (int i = 0; i < nOut; i++)
                for (int j = 0; j < nIn; j++)
                    a[i * nIn + j] = layer.IsResidual ? (i == j ? 1 : 0) + layer.ResidualStep!.Value * layer.Weight(i, j) : layer.Weight(i, j);
            var c = new double[nOut];
            for (int i = 0; i < nOut; i++) c[i] = layer.IsResidual ? layer.ResidualStep!.Value * layer.Bias[i] : layer.Bias[i];
            var m = new double[nOut];
            for (int i = 0; i < nOut; i++)
            {
                m[i] = c[i];
                for (int j = 0; j < nIn; j++) m[i] += a[i * nIn + j] * means[n][j];
            }
            var cov = new double[nOut * nOut];
            for (int i = 0; i < nOut; i++)
                for (int k = 0; k < nOut; k++)
                {
                    double sum = 0;
                    for (int j = 0; j < nIn; j++)
                        for (int l = 0; l < nIn; l++) sum += a[i * nIn + j] * covariances[n][j * nIn + l] * a[k * nIn + l];
                    cov[i * nOut + k] = sum + (i == k ? noise[n] * noise[n] : 0);
                }
            means[n + 1] = m;
            covariances[n + 1] = cov;
        }
        return (means, covariances);
    }

    /// <summary>Exact E[y] and Var[y] for the identity readout.</summary>
    public static (double Mean, double Variance) ExactOutput(StochasticLayerStack stack, double[] mean, double[] covariance)
    {
        var w = stack.Readout.Weights;
        int n = w.Length;
        double m = stack.Readout.Bias[0], v = 0;
        for (int i = 0; i < n; i++)
        {
            m += w[i] * mean[i];
            for (int j = 0; j < n; j++) v += w[i] * covariance[i * n + j] * w[j];
        }
        return (m, v);
    }
}
