using System.Collections.Generic;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>One stage of a reduced network as a code generator needs it: shapes, merged layers, memory and cost.</summary>
public sealed class ReducedStageDescription
{
    public ReducedStageDescription(int index, int firstLayer, int mergedLayers, int inputRank, int outputRank, BasisKind outputBasis,
        bool identitySkip, bool hasLinearTerm, int hiddenFactorRank, int hiddenUnits, Activation activation, bool hasOutputMap,
        IReadOnlyList<int> memorySourceRanks, long macCount)
    {
        Index = index;
        FirstLayer = firstLayer;
        MergedLayers = mergedLayers;
        InputRank = inputRank;
        OutputRank = outputRank;
        OutputBasis = outputBasis;
        IdentitySkip = identitySkip;
        HasLinearTerm = hasLinearTerm;
        HiddenFactorRank = hiddenFactorRank;
        HiddenUnits = hiddenUnits;
        Activation = activation;
        HasOutputMap = hasOutputMap;
        MemorySourceRanks = memorySourceRanks;
        MacCount = macCount;
    }

    public int Index { get; }

    /// <summary>First full-network layer map replaced by the stage.</summary>
    public int FirstLayer { get; }

    /// <summary>How many consecutive full-network layer maps the stage replaces (> 1: merged residual blocks).</summary>
    public int MergedLayers { get; }

    public int InputRank { get; }
    public int OutputRank { get; }
    public BasisKind OutputBasis { get; }
    public bool IdentitySkip { get; }
    public bool HasLinearTerm { get; }

    /// <summary>Rank of the low-rank pre-activation factor (0: none).</summary>
    public int HiddenFactorRank { get; }

    public int HiddenUnits { get; }
    public Activation Activation { get; }
    public bool HasOutputMap { get; }

    /// <summary>K = count; entry k − 1 is the rank of the state ẑ_{s−k} read by kernel Ω^(k).</summary>
    public IReadOnlyList<int> MemorySourceRanks { get; }

    public int MemoryLength => MemorySourceRanks.Count;
    public long MacCount { get; }

    /// <summary>No hidden units: the stage's layers are replaced by a fitted affine map in reduced coordinates.</summary>
    public bool IsAffine => HiddenUnits == 0;

    public override string ToString() =>
        $"stage {Index}: layers {FirstLayer}..{FirstLayer + MergedLayers - 1} ({MergedLayers} merged), r {InputRank}→{OutputRank} ({OutputBasis}), " +
        (IsAffine ? "affine replacement (J 0)" : $"J {HiddenUnits}") + $", K {MemoryLength}, {MacCount} MACs";
}
