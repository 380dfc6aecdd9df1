using System;

namespace Mz.Core.Stochastic;

/// <summary>
/// Gaussian moment closure (MZ.md §5.10): treat every pre-activation as Gaussian and propagate the state mean
/// and covariance layer by layer, adding β_n² I after each hidden layer. Per layer, with a = W x + b:
/// <list type="bullet">
/// <item>E[a] = W m + b, Cov(a) = W C Wᵀ, Cov(x, a) = C Wᵀ;</item>
/// <item>E[σ(a_i)], Var[σ(a_i)] and E[σ′(a_i)] from <see cref="GaussianActivationMoments"/>;</item>
/// <item>Cov(x, σ(a_i)) = Cov(x, a_i)·E[σ′(a_i)] (Stein's identity: exact for Gaussian x);</item>
/// <item>Cov(σ(a_i), σ(a_j)), i ≠ j, is linearised: E[σ′(a_i)]·E[σ′(a_j)]·Cov(a_i, a_j). Together with the
/// exact diagonal this is positive semi-definite, because Var σ(a) ≥ E[σ′(a)]²·Var a for Gaussian a
/// (the diagonal surplus is clamped at zero where an approximate slope would break that).</item>
/// </list>
/// MLP: X′ = σ(a) + ξ. Residual: X′ = X + Δσ(a) + ξ, so C′ = C + Δ(C_xσ + C_xσᵀ) + Δ²C_σσ + β²I. For
/// linear-Gaussian networks every step is exact. It is biased wherever the state law is far from Gaussian,
/// such as near a decision boundary where noise splits trajectories between the two classes.
/// </summary>
public sealed class GaussianMomentClosure
{
    private readonly StochasticLayerStack _stack;
    private readonly LayerNoise _noise;

    public GaussianMomentClosure(StochasticLayerStack stack, LayerNoise noise, CovarianceMode mode = CovarianceMode.Full, ActivationMomentMethod method = ActivationMomentMethod.ClosedForm)
    {
        noise.CheckMatches(stack);
        _stack = stack;
        _noise = noise;
        Mode = mode;
        Method = method;
    }

    public CovarianceMode Mode { get; }
    public ActivationMomentMethod Method { get; }

    /// <summary>Propagates from X_0 = <paramref name="input"/> exactly, or X_0 ~ N(input, <paramref name="inputCovariance"/>).</summary>
    public MomentClosureResult Propagate(double[] input, double[]? inputCovariance = null)
    {
        int d = _stack.InputWidth;
        if (input.Length != d) throw new ArgumentException($"the network takes {d} inputs, got {input.Length}");
        var means = new double[_stack.Depth + 1][];
        var covariances = new double[_stack.Depth + 1][];
        means[0] = (double[])input.Clone();
        covariances[0] = inputCovariance != null ? (double[])inputCovariance.Clone() : new double[d * d];
        if (covariances[0].Length != d * d) throw new ArgumentException($"the input covariance must be {d}×{d}");
        if (Mode == CovarianceMode.Diagonal) KeepDiagonal(covariances[0], d);
        for (int n = 0; n < _stack.Depth; n++)
            (means[n + 1], covariances[n + 1]) = Step(_stack.Layers[n], _noise[n], means[n], covariances[n]);

        var readout = _stack.Readout;
        int width = readout.Inputs;
        var outputMean = new double[readout.Outputs];
        var outputVariance = new double[readout.Outputs];
        var finalMean = means[_stack.Depth];
        var finalCovariance = covariances[_stack.Depth];
        for (int i = 0; i < readout.Outputs; i++)
        {
            double a = readout.Bias[i], va = 0;
            for (int j = 0; j < width; j++)
            {
                a += readout.Weights[i * width + j] * finalMean[j];
                for (int k = 0; k < width; k++) va += readout.Weights[i * width + j] * finalCovariance[j * width + k] * readout.Weights[i * width + k];
            }
            var moments = GaussianActivationMoments.Compute(readout.OutputActivation, a, va, Method);
            outputMean[i] = moments.Mean;
            outputVariance[i] = moments.Variance;
        }
        return new MomentClosureResult(means, covariances, outputMean, outputVariance);
    }

    private (double[] Mean, double[] Covariance) Step(StochasticLayer layer, double level, double[] m, double[] c)
    {
        int nIn = layer.Inputs, nOut = layer.Outputs;
        var w = layer.Weights;
        // Cov(x, a) = C Wᵀ (nIn × nOut); in diagonal mode C is diagonal and only the diagonal of W C Wᵀ is needed.
        var cxa = new double[nIn * nOut];
        for (int r = 0; r < nIn; r++)
            for (int i = 0; i < nOut; i++)
            {
                double sum = 0;
                for (int k = 0; k < nIn; k++) sum += c[r * nIn + k] * w[i * nIn + k];
                cxa[r * nOut + i] = sum;
            }
        var ca = new double[nOut * nOut];
        for (int i = 0; i < nOut; i++)
            for (int j = 0; j < nOut; j++)
            {
                if (Mode == CovarianceMode.Diagonal && i != j) continue;
                double sum = 0;
                for (int r = 0; r < nIn; r++) sum += w[i * nIn + r] * cxa[r * nOut + j];
                ca[i * nOut + j] = sum;
            }

        var mean = new double[nOut];
        var sigmaMean = new double[nOut];
        var slope = new double[nOut];
        var sigmaVariance = new double[nOut];
        for (int i = 0; i < nOut; i++)
        {
            double a = layer.Bias[i];
            for (int r = 0; r < nIn; r++) a += w[i * nIn + r] * m[r];
            var moments = GaussianActivationMoments.Compute(layer.Activation, a, ca[i * nOut + i], Method);
            sigmaMean[i] = moments.Mean;
            slope[i] = moments.MeanSlope;
            // Keep the linearised covariance positive semi-definite (see the class remarks).
            sigmaVariance[i] = Math.Max(moments.Variance, slope[i] * slope[i] * ca[i * nOut + i]);
        }

        var covariance = new double[nOut * nOut];
        for (int i = 0; i < nOut; i++)
            for (int j = 0; j < nOut; j++)
            {
                if (Mode == CovarianceMode.Diagonal && i != j) continue;
                covariance[i * nOut + j] = i == j ? sigmaVariance[i] : slope[i] * slope[j] * ca[i * nOut + j];
            }

        if (layer.ResidualStep is double step)
        {
            for (int i = 0; i < nOut; i++) mean[i] = m[i] + step * sigmaMean[i];
            for (int i = 0; i < nOut; i++)
                for (int j = 0; j < nOut; j++)
                {
                    if (Mode == CovarianceMode.Diagonal && i != j) continue;
                    // Cov(x_i, σ_j) = Cov(x_i, a_j)·E[σ′_j].
                    double cross = cxa[i * nOut + j] * slope[j] + cxa[j * nOut + i] * slope[i];
                    covariance[i * nOut + j] = c[i * nIn + j] + step * cross + step * step * covariance[i * nOut + j];
                }
        }
        else
        {
            Array.Copy(sigmaMean, mean, nOut);
        }
        for (int i = 0; i < nOut; i++) covariance[i * nOut + i] += level * level;
        return (mean, covariance);
    }

    private static void KeepDiagonal(double[] matrix, int size)
    {
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
                if (i != j) matrix[i * size + j] = 0;
    }
}
