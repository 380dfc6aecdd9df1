namespace Mz.Core.Reduction;

/// <summary>How a reduced stage maps its hidden activations back to reduced coordinates.</summary>
public enum OutputMapKind
{
    /// <summary>Galerkin projection Ψ_{n+1}ᵀ (MZ.md §5.3) with memory kernels fitted on its residual and the lifted readout.</summary>
    Galerkin,

    /// <summary>Ridge-fitted jointly with the linear and memory terms, closed loop, plus a fitted readout (MZ.md §5.11 items 1 and 3).</summary>
    Fitted,
}
