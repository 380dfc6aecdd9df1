using System;

namespace Mz.Core.Stochastic;

/// <summary>How <see cref="GaussianActivationMoments"/> computes the moments of σ(a) for Gaussian a.</summary>
public enum ActivationMomentMethod
{
    /// <summary>
    /// Closed forms of MZ.md §5.3/§5.10: exact for ReLU, GELU (mean and slope) and the identity; the probit
    /// approximation for tanh and sigmoid means; variances of smooth activations by quadrature.
    /// </summary>
    ClosedForm,

    /// <summary>Means, variances and slopes all by quadrature (ReLU keeps its exact closed form: its kink defeats quadrature).</summary>
    Quadrature,
}

/// <summary>E[σ(a)], Var[σ(a)] and E[σ′(a)] for a ~ N(m, v). The slope gives Cov(x, σ(a_i)) = Cov(x, a_i)·E[σ′(a_i)] (Stein).</summary>
public readonly struct ActivationMoments
{
    public ActivationMoments(double mean, double variance, double meanSlope)
    {
        Mean = mean;
        Variance = variance;
        MeanSlope = meanSlope;
    }

    public double Mean { get; }
    public double Variance { get; }
    public double MeanSlope { get; }
}
