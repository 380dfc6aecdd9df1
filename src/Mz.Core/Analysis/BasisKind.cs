namespace Mz.Core.Analysis;

/// <summary>Per-layer bases of MZ.md §5.2.</summary>
public enum BasisKind
{
    /// <summary>Top principal directions of the centred states (POD).</summary>
    Pca,

    /// <summary>Top eigenvectors of the adjoint Gramian E[λλᵀ] (active subspace).</summary>
    Gradient,

    /// <summary>Balanced POD from the state and adjoint Gramians; Ψᵀ Φ = I, oblique projection.</summary>
    Balanced,

    /// <summary>Supplied by the caller.</summary>
    Explicit,
}
