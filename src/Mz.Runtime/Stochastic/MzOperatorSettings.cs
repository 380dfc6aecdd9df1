namespace Mz;

/// <summary>Discretisation of <see cref="MzStochastic"/>'s grid operators (state dimension ≤ 3).</summary>
public sealed class MzOperatorSettings
{
    /// <summary>Grid spacing on every layer (0.02 reached 2e-6 self-convergence on the 2-D stochastic ResNet).</summary>
    public double Spacing { get; set; } = 0.02;

    /// <summary>Gauss–Hermite nodes per noise axis.</summary>
    public int HermitePoints { get; set; } = 7;

    /// <summary>Blur-then-interpolate instead of Gauss–Hermite: the same operator, several times cheaper per sweep.</summary>
    public bool UseGridConvolution { get; set; }

    /// <summary>Threads for the backward sweeps; results do not depend on it.</summary>
    public int MaxParallelism { get; set; } = 1;

    /// <summary>Half-width of the input box built around an input when no box was configured.</summary>
    public double DefaultHalfWidth { get; set; } = 0.5;
}
