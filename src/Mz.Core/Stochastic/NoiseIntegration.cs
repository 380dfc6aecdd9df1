namespace Mz.Core.Stochastic;

/// <summary>How a grid operator integrates over the Gaussian layer noise.</summary>
public enum NoiseIntegration
{
    /// <summary>
    /// Tensor Gauss–Hermite nodes: (ℳu)(x) = Σ_k w_k u(H(x) + βz_k), one cubic interpolation per node.
    /// </summary>
    GaussHermite,

    /// <summary>
    /// Blur u with the noise kernel on the next grid first (separable discrete convolution, weights normalised to
    /// sum to one), then one cubic interpolation at H(x): (ℳu)(x) = (G_β ∗ u)(H(x)). The same operator, 5–10×
    /// cheaper per point; the trapezoid rule for the convolution is spectrally accurate once h ≲ β.
    /// </summary>
    GridConvolution,
}
