using System.Collections.Generic;

namespace Mz.Core.Analysis;

/// <summary>Settings of <see cref="MzAnalysis"/>; the defaults follow MZ.md §5.</summary>
public sealed class MzAnalysisOptions
{
    public BasisOptions Basis { get; set; } = new();

    /// <summary>K_max: kernel norms are reported for lags k ≤ K_max (the kernels are always identified with full memory).</summary>
    public int MaxLag { get; set; } = 4;

    public double ValidationFraction { get; set; } = 0.2;

    public ulong Seed { get; set; } = 0x4D5A;

    /// <summary>Kernel norms below max(this, sampling floor) end the recommended memory K_n.</summary>
    public double KernelTolerance { get; set; } = 0.05;

    /// <summary>α_rel of the Gram inverses in (1.8). A tiny default keeps Cholesky safe on rank-capped bases.</summary>
    public double RelativeRidge { get; set; } = 1e-12;

    /// <summary>
    /// Fit rows (evenly spaced) whose backward passes estimate the adjoint Gramians; 0 uses all. The passes cost one
    /// per row and output direction and dominate the analysis; 512 rows × the outputs give thousands of snapshots,
    /// ample for Gramians of layers a few hundred wide.
    /// </summary>
    public int MaxAdjointRows { get; set; } = 512;

    /// <summary>β_n per layer map for a noisy network (calibrated with seeded draws); null for a deterministic one.</summary>
    public IReadOnlyList<double>? NoiseLevels { get; set; }
}
