namespace Mz.Core.Analysis;

/// <summary>The two layer-map shapes of MZ.md (1.1).</summary>
public enum LayerMapKind
{
    /// <summary>H(x) = σ(W x + b).</summary>
    Dense,

    /// <summary>H(x) = x + Δ·σ(W x + b), with equal input and output widths.</summary>
    Residual,
}
