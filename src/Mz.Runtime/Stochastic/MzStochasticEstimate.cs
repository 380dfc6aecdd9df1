using System.Collections.Generic;

namespace Mz;

/// <summary>E[y|x] and Var[y|x] per output from one of the <see cref="MzStochastic"/> estimators.</summary>
public sealed class MzStochasticEstimate
{
    internal MzStochasticEstimate(string method, double[] mean, double[] variance, double[] standardError, long samples)
    {
        Method = method;
        Mean = mean;
        Variance = variance;
        StandardError = standardError;
        Samples = samples;
    }

    /// <summary>"monte-carlo", "moment-closure" or "grid-operator".</summary>
    public string Method { get; }

    /// <summary>E[y|x] per output (NaN for outputs the method did not compute).</summary>
    public IReadOnlyList<double> Mean { get; }
    /// <summary>Var[y|x] per output (NaN for outputs the method did not compute).</summary>
    public IReadOnlyList<double> Variance { get; }

    /// <summary>Standard error of <see cref="Mean"/> for Monte Carlo; zero for the deterministic estimators (whose error is bias, not noise).</summary>
    public IReadOnlyList<double> StandardError { get; }

    /// <summary>Noisy passes used (0 for the deterministic estimators).</summary>
    public long Samples { get; }
}
