using System.Globalization;

namespace Mz.Core.Reduction;

/// <summary>One evaluated model of a search: its settings, exact cost and validation metrics. One row of the Pareto table.</summary>
public sealed class ReductionCandidate
{
    public ReductionCandidate(string variant, int rank, int memoryLength, int depth, int hiddenUnits, long macCount, long fullMacCount,
        double validationError, double topOneAgreement, bool meetsTolerance, ReducedNetwork? network)
    {
        Variant = variant;
        Rank = rank;
        MemoryLength = memoryLength;
        Depth = depth;
        HiddenUnits = hiddenUnits;
        MacCount = macCount;
        FullMacCount = fullMacCount;
        ValidationError = validationError;
        TopOneAgreement = topOneAgreement;
        MeetsTolerance = meetsTolerance;
        Network = network;
    }

    public string Variant { get; }

    /// <summary>Largest reduced width r (the full width for peers that keep the state).</summary>
    public int Rank { get; }

    public int MemoryLength { get; }

    /// <summary>Number of evaluated stages.</summary>
    public int Depth { get; }

    /// <summary>Largest number of hidden units evaluated by a stage (J, or the SVD rank for truncated SVD).</summary>
    public int HiddenUnits { get; }

    public long MacCount { get; }
    public long FullMacCount { get; }
    public double MacRatio => MacCount > 0 ? (double)FullMacCount / MacCount : double.PositiveInfinity;
    public double ValidationError { get; }
    public double TopOneAgreement { get; }
    public bool MeetsTolerance { get; }
    public ReducedNetwork? Network { get; }

    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "{0,-14} r={1,3} K={2} depth={3,2} J={4,4} MACs={5,7} ({6,5:F1}x) val={7:F4} top1={8:F4}{9}",
        Variant, Rank, MemoryLength, Depth, HiddenUnits, MacCount, MacRatio, ValidationError, TopOneAgreement, MeetsTolerance ? "" : " (over tolerance)");

    /// <summary>The same evaluation reported under another variant label (a shared point of two searches).</summary>
    public ReductionCandidate WithVariant(string variant, double gate) =>
        new ReductionCandidate(variant, Rank, MemoryLength, Depth, HiddenUnits, MacCount, FullMacCount, ValidationError, TopOneAgreement, ValidationError <= gate, Network);

    internal static ReductionCandidate Evaluate(ReductionCalibration calibration, ReducedNetwork network, double gate, int hiddenUnitsOverride = -1, string? variant = null)
    {
        var logits = network.EvaluateRows(calibration.ValidationInputs);
        // The error of the outputs callers get (probabilities after a softmax or sigmoid), not of the logits behind them.
        double error = OutputErrors.RelativeL2(calibration.View.Outputs(logits), calibration.ValidationOutputs);
        double agreement = OutputErrors.TopOneAgreement(logits, calibration.ValidationLogits);
        bool meets = error <= gate;
        return new ReductionCandidate(variant ?? network.Variant, network.MaxRank, network.MemoryLength, network.Depth,
            hiddenUnitsOverride >= 0 ? hiddenUnitsOverride : network.MaxHiddenUnits, network.MacCount, calibration.FullMacCount, error, agreement, meets, network);
    }
}
