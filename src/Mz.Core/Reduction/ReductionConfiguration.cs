using System.Globalization;

namespace Mz.Core.Reduction;

/// <summary>One point of the reduction search: reduced width r, memory length K, merge length and hyper-reduction size J.</summary>
public sealed class ReductionConfiguration
{
    public ReductionConfiguration(int rank, int memoryLength, int mergeLength = 1, int hiddenUnits = 0)
    {
        Rank = rank;
        MemoryLength = memoryLength;
        MergeLength = mergeLength;
        HiddenUnits = hiddenUnits;
    }

    /// <summary>r, the requested width of every reduced state (capped at the numerical rank).</summary>
    public int Rank { get; }

    /// <summary>K: kernels Ω^(0..K) are fitted; K = 0 is the affine (Markov) correction.</summary>
    public int MemoryLength { get; }

    /// <summary>Consecutive residual blocks evaluated as one stage (1: no depth reduction).</summary>
    public int MergeLength { get; }

    /// <summary>J, hidden units evaluated per stage with a fitted output map; 0 keeps them all.</summary>
    public int HiddenUnits { get; }

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "r={0} K={1} merge={2} J={3}", Rank, MemoryLength, MergeLength, HiddenUnits == 0 ? "all" : HiddenUnits.ToString(CultureInfo.InvariantCulture));
}
