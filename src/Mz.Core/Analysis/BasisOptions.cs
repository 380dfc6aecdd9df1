namespace Mz.Core.Analysis;

/// <summary>How per-layer bases are built (MZ.md §5.2 and §7.1 item 4).</summary>
public sealed class BasisOptions
{
    public BasisKind Kind { get; set; } = BasisKind.Balanced;

    /// <summary>Requested r_n; capped per layer at the numerical rank and at S − 1.</summary>
    public int Rank { get; set; } = 16;

    /// <summary>Subtract the fit-split mean m_n (z = Ψᵀ(x − m)); without it the Gram matrices are second moments.</summary>
    public bool Centre { get; set; } = true;

    /// <summary>Rescale the coordinates so that their Gram matrix is the identity (Ψ ← Ψ G^{-1/2}, Φ ← Φ G^{1/2}).</summary>
    public bool Whiten { get; set; }

    /// <summary>Singular values below this fraction of the largest count as zero when capping the rank.</summary>
    public double RankTolerance { get; set; } = 1e-6;
}
