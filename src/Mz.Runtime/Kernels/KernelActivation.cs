namespace Mz.Kernels;

/// <summary>Activations the kernels apply in their epilogue.</summary>
public enum KernelActivation
{
    /// <summary>Identity.</summary>
    None,
    /// <summary>max(x, 0), NaN propagating.</summary>
    Relu,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>1 / (1 + e^-x).</summary>
    Sigmoid,
}
