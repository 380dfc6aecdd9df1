namespace Mz.Core.Stochastic;

/// <summary>Which second moments moment closure carries from layer to layer.</summary>
public enum CovarianceMode
{
    /// <summary>Per-neuron variances only: O(N²) per layer (the weight products), correlations dropped.</summary>
    Diagonal,

    /// <summary>The full covariance, O(N³) per layer; exact for linear-Gaussian networks.</summary>
    Full,
}
