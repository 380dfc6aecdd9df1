using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Mz.Core.Reduction;

/// <summary>One point of the reduction search: reduced width r, memory length K, merge length and hyper-reduction size J.</summary>
public sealed class ReductionConfiguration
{
    /// <summary>
    /// J of a stage that evaluates no hidden units: its run of layers is replaced by a fitted affine map in reduced
    /// coordinates (plus memory terms), the block replacement of MZ.md §5.9 item 2.
    /// </summary>
    public const int AffineStage = -1;

    public ReductionConfiguration(int rank, int memoryLength, int mergeLength = 1, int hiddenUnits = 0, IReadOnlyList<int>? stageHiddenUnits = null)
    {
        Rank = rank;
        MemoryLength = memoryLength;
        MergeLength = mergeLength;
        HiddenUnits = hiddenUnits;
        StageHiddenUnits = stageHiddenUnits?.ToArray();
    }

    /// <summary>r, the requested width of every reduced state (capped at the numerical rank).</summary>
    public int Rank { get; }

    /// <summary>K: kernels Ω^(0..K) are fitted; K = 0 is the affine (Markov) correction.</summary>
    public int MemoryLength { get; }

    /// <summary>Consecutive residual blocks evaluated as one stage (1: no depth reduction).</summary>
    public int MergeLength { get; }

    /// <summary>J, hidden units evaluated per stage with a fitted output map; 0 keeps them all, <see cref="AffineStage"/> none.</summary>
    public int HiddenUnits { get; }

    /// <summary>
    /// J per stage when the stages differ (0 keeps all of a stage's units); null: every stage uses <see cref="HiddenUnits"/>.
    /// Stages beyond the list use <see cref="HiddenUnits"/> too.
    /// </summary>
    public IReadOnlyList<int>? StageHiddenUnits { get; }

    /// <summary>J of stage <paramref name="stage"/> (0: all units).</summary>
    public int HiddenUnitsAt(int stage) => StageHiddenUnits != null && stage < StageHiddenUnits.Count ? StageHiddenUnits[stage] : HiddenUnits;

    /// <summary>The same point with stage <paramref name="stage"/> of <paramref name="stages"/> evaluating <paramref name="units"/> hidden units.</summary>
    public ReductionConfiguration WithStageHiddenUnits(int stages, int stage, int units)
    {
        var perStage = Enumerable.Range(0, stages).Select(HiddenUnitsAt).ToArray();
        perStage[stage] = units;
        return new ReductionConfiguration(Rank, MemoryLength, MergeLength, HiddenUnits, perStage);
    }

    public override string ToString()
    {
        string units = StageHiddenUnits == null
            ? Units(HiddenUnits)
            : "[" + string.Join(",", StageHiddenUnits.Select(Units)) + "]";
        return string.Format(CultureInfo.InvariantCulture, "r={0} K={1} merge={2} J={3}", Rank, MemoryLength, MergeLength, units);
    }

    private static string Units(int j) => j == 0 ? "all" : j == AffineStage ? "affine" : j.ToString(CultureInfo.InvariantCulture);
}
