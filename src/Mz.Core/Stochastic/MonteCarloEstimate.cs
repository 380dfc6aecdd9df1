using System;

namespace Mz.Core.Stochastic;

/// <summary>
/// Sample estimates of E[y|x] and Var[y|x] per output, with the standard error of the mean √(Var/S).
/// </summary>
public sealed class MonteCarloEstimate
{
    public MonteCarloEstimate(double[] mean, double[] variance, long samples)
    {
        Mean = mean;
        Variance = variance;
        Samples = samples;
        StandardError = new double[mean.Length];
        for (int i = 0; i < mean.Length; i++) StandardError[i] = Math.Sqrt(variance[i] / samples);
    }

    public double[] Mean { get; }

    /// <summary>Unbiased sample variance (divisor S − 1).</summary>
    public double[] Variance { get; }

    public double[] StandardError { get; }
    public long Samples { get; }
}
