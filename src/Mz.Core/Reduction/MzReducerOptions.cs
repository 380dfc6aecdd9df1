using System.Collections.Generic;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>Settings of the MZ reducer and its search (MZ.md §5.8, §5.11).</summary>
public sealed class MzReducerOptions
{
    /// <summary>Preferred basis; balanced POD falls back to gradient-weighted, then PCA.</summary>
    public BasisKind Basis { get; set; } = BasisKind.Balanced;

    /// <summary>Use Φ = Ψ = I with the fit mean (full-rank Galerkin, property test 4) instead of data bases.</summary>
    public bool IdentityBases { get; set; }

    public OutputMapKind OutputMap { get; set; } = OutputMapKind.Fitted;

    /// <summary>Relative ridge α_rel of the closed-loop fits (α = α_rel·tr(G)/dim).</summary>
    public double RelativeRidge { get; set; } = 1e-6;

    /// <summary>Validation gate: a model ships only if its validation error ≤ tolerance / margin (margin ≥ 1, §5.11).</summary>
    public double ValidationMargin { get; set; } = 1.0;

    public IReadOnlyList<int> Ranks { get; set; } = new[] { 8, 12, 16, 24, 32, 48, 64 };
    public IReadOnlyList<int> MemoryLengths { get; set; } = new[] { 0, 1, 2 };
    public IReadOnlyList<int> MergeLengths { get; set; } = new[] { 1, 2, 4, 8, 16 };

    /// <summary>Hidden units per stage; 0 means all of them (no hyper-reduction).</summary>
    public IReadOnlyList<int> HiddenUnits { get; set; } = new[] { 16, 24, 32, 48, 64, 96, 128, 192, 256, 0 };

    /// <summary>
    /// Let the stage-by-stage thinning replace a stage's run of layers by a fitted affine map in reduced coordinates
    /// (no hidden units; MZ.md §5.9 block replacement) where validation allows it.
    /// </summary>
    public bool BlockReplacement { get; set; } = true;

    /// <summary>
    /// The search `mz reduce` and the build-time [MzReduce] run: a grid sized for seconds to a minute rather than the
    /// hours of the full MZ.md §5.8 sweep — r up to 32, K = 0..<paramref name="maxMemory"/>, merges of 1–16 residual
    /// blocks and J from 64 units up (or every unit when <paramref name="hyperReduction"/> is off).
    /// </summary>
    public static MzReducerOptions StandardSearch(int maxMemory, BasisKind basis = BasisKind.Balanced, bool hyperReduction = true, double margin = 1.0)
    {
        var memory = new int[maxMemory + 1];
        for (int k = 0; k <= maxMemory; k++) memory[k] = k;
        return new MzReducerOptions
        {
            Basis = basis,
            ValidationMargin = margin,
            Ranks = new[] { 8, 10, 12, 16, 24, 32 },
            MemoryLengths = memory,
            MergeLengths = new[] { 1, 4, 8, 16 },
            HiddenUnits = hyperReduction ? new[] { 64, 96, 128, 160, 192, 256, 0 } : new[] { 0 },
        };
    }
}
