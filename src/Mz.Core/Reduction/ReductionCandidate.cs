using System;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>One evaluated model of a search: its settings, exact cost and validation metrics. One row of the Pareto table.</summary>
public sealed class ReductionCandidate
{
    public ReductionCandidate(string variant, int rank, int memoryLength, int depth, int hiddenUnits, long macCount, long fullMacCount,
        double validationError, double fitError, double topOneAgreement, bool meetsTolerance, ReducedNetwork? network)
    {
        Variant = variant;
        Rank = rank;
        MemoryLength = memoryLength;
        Depth = depth;
        HiddenUnits = hiddenUnits;
        MacCount = macCount;
        FullMacCount = fullMacCount;
        ValidationError = validationError;
        FitError = fitError;
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
    /// <summary>
    /// Relative L2 error on the held-out validation rows of the outputs callers get — and, for a model that ends in a
    /// softmax or sigmoid, of the logits behind them, whichever is larger (see <see cref="Error"/>).
    /// </summary>
    public double ValidationError { get; }

    /// <summary>The same error on the rows the model was fitted on.</summary>
    public double FitError { get; }

    /// <summary>
    /// What the gate compares with the tolerance: the larger of the validation and the fit error. The held-out rows
    /// show how the fit generalises, but a few hundred of them can miss the rare rows where a softmax or sigmoid output
    /// flips and the error concentrates; the fit rows, four times as many, catch those (a model that is over tolerance
    /// on the rows it was fitted on will not be under it on new ones).
    /// </summary>
    public double GateError => Math.Max(ValidationError, FitError);

    public double TopOneAgreement { get; }
    public bool MeetsTolerance { get; }
    public ReducedNetwork? Network { get; }

    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "{0,-14} r={1,3} K={2} depth={3,2} J={4,4} MACs={5,7} ({6,5:F1}x) val={7:F4} fit={8:F4} top1={9:F4}{10}",
        Variant, Rank, MemoryLength, Depth, HiddenUnits, MacCount, MacRatio, ValidationError, FitError, TopOneAgreement, MeetsTolerance ? "" : " (over tolerance)");

    /// <summary>The same evaluation reported under another variant label (a shared point of two searches).</summary>
    public ReductionCandidate WithVariant(string variant, double gate) =>
        new ReductionCandidate(variant, Rank, MemoryLength, Depth, HiddenUnits, MacCount, FullMacCount, ValidationError, FitError, TopOneAgreement, GateError <= gate, Network);

    internal static ReductionCandidate Evaluate(ReductionCalibration calibration, ReducedNetwork network, double gate, int hiddenUnitsOverride = -1, string? variant = null)
    {
        var logits = network.EvaluateRows(calibration.ValidationInputs);
        double error = Error(calibration.View, logits, calibration.ValidationLogits, calibration.ValidationOutputs);
        double fitError = Error(calibration.View, network.EvaluateRows(calibration.FitInputs), calibration.FitLogits, calibration.FitOutputs);
        double agreement = OutputErrors.TopOneAgreement(logits, calibration.ValidationLogits);
        bool meets = Math.Max(error, fitError) <= gate;
        return new ReductionCandidate(variant ?? network.Variant, network.MaxRank, network.MemoryLength, network.Depth,
            hiddenUnitsOverride >= 0 ? hiddenUnitsOverride : network.MaxHiddenUnits, network.MacCount, calibration.FullMacCount, error, fitError, agreement, meets, network);
    }

    /// <summary>
    /// The error the tolerance bounds on one set of rows: of the outputs Predict returns, and for a softmax or sigmoid
    /// model also of the logits. Probabilities near 0 or 1 hide logit errors — on rows the network was trained on it is
    /// confident, so the probabilities barely move — and those errors surface on less confident rows (measured on the
    /// digits sklearn MLP: probabilities 0.0006 / 0.0035 on validation / fit rows but 0.066 on unseen ones, while the
    /// logits erred 0.044 / 0.038 / 0.043 alike). The logits' error is the steady predictor, so it is bounded too.
    /// </summary>
    internal static double Error(LayerView view, Matrix<double> logits, Matrix<double> exactLogits, Matrix<double> exactOutputs)
    {
        double outputs = OutputErrors.RelativeL2(view.Outputs(logits), exactOutputs);
        return view.OutputActivation == OutputActivation.Identity ? outputs : Math.Max(outputs, OutputErrors.RelativeL2(logits, exactLogits));
    }
}
