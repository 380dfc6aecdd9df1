using System.Globalization;
using System.Text;

namespace Mz.Core.Reduction;

/// <summary>
/// What the build-time reduction chose and how it validated, as the generated <c>Reduction</c> property carries it:
/// plain settable properties so the generator can write the report as one object initialiser.
/// </summary>
public sealed class ReductionSummary
{
    /// <summary>The relative L2 output error allowed, on the validation rows and on the fit rows ([MzReduce] Tolerance).</summary>
    public double Tolerance { get; set; }

    /// <summary>The gate's safety factor: a model ships when its validation and fit errors are ≤ Tolerance / Margin.</summary>
    public double Margin { get; set; } = 1;

    /// <summary>True when a reduced network met the gate; false when PredictReduced runs the full network.</summary>
    public bool MeetsTolerance { get; set; }

    /// <summary>Why there is no reduced network, when <see cref="MeetsTolerance"/> is false.</summary>
    public string Reason { get; set; } = "";

    /// <summary>Basis the search asked for (balanced POD falls back to gradient-weighted, then PCA, state by state).</summary>
    public string Basis { get; set; } = "";

    /// <summary>Largest reduced width r.</summary>
    public int Rank { get; set; }

    /// <summary>Width of each reduced state ẑ_0..ẑ_G.</summary>
    public int[] StateRanks { get; set; } = new int[0];

    /// <summary>Memory length K: a reduced layer reads its input and the K reduced states before it.</summary>
    public int MemoryLength { get; set; }

    /// <summary>Evaluated stages (the reduced depth; merged residual blocks count once).</summary>
    public int Depth { get; set; }

    /// <summary>Largest number of hidden units a stage evaluates (J).</summary>
    public int HiddenUnits { get; set; }

    /// <summary>J of each stage in order (0: an affine stage, its layers replaced by a fitted affine map).</summary>
    public int[] StageHiddenUnits { get; set; } = new int[0];

    /// <summary>K of each stage in order: how many earlier reduced states its memory terms read.</summary>
    public int[] StageMemoryLengths { get; set; } = new int[0];

    /// <summary>One line per stage: the layers it replaces, widths, J, K and cost.</summary>
    public string[] Stages { get; set; } = new string[0];

    /// <summary>Multiply-adds of the full network per row.</summary>
    public long FullMacCount { get; set; }

    /// <summary>Multiply-adds of the reduced network per row (the guard's checks excluded).</summary>
    public long ReducedMacCount { get; set; }

    /// <summary>Multiply-adds of the out-of-distribution checks per row (0 without the guard).</summary>
    public long GuardMacCount { get; set; }

    /// <summary>FullMacCount / ReducedMacCount (the guard's checks excluded; the generated ReducedMultiplyAdds includes them).</summary>
    public double MacRatio { get; set; } = 1;

    /// <summary>Relative L2 error of the chosen model's outputs on the validation rows (NaN when no reduced network ships).</summary>
    public double ValidationError { get; set; } = double.NaN;

    /// <summary>
    /// Fraction of validation rows whose top-1 class (for one sigmoid output, the decision) agrees with the full network;
    /// NaN when no reduced network ships or the model is a regression with one linear output.
    /// </summary>
    public double ValidationTopOneAgreement { get; set; } = double.NaN;

    /// <summary>Relative L2 error of the chosen model's outputs on the rows it was fitted on (NaN when no reduced network ships).</summary>
    public double FitError { get; set; } = double.NaN;

    /// <summary>
    /// The lowest error any evaluated model reached, each counted as the larger of its validation and fit errors (what
    /// to compare with the gate when none met it); NaN when no model was evaluated.
    /// </summary>
    public double BestError { get; set; } = double.NaN;

    /// <summary>MACs ratio of the cheapest model without memory terms (K = 0) that met the gate; 0 when none did — the ablation.</summary>
    public double MarkovMacRatio { get; set; }

    /// <summary>Calibration rows the reduction was fitted on (distinct rows only: repeats are dropped before the split).</summary>
    public int FitRows { get; set; }

    /// <summary>Held-out calibration rows that validated it.</summary>
    public int ValidationRows { get; set; }

    /// <summary>Models the search built and validated.</summary>
    public int ModelsEvaluated { get; set; }

    /// <summary>True when PredictReduced checks each row against the calibrated region and runs the full network outside it.</summary>
    public bool Guarded { get; set; }

    /// <summary>Findings about the chosen model, such as the sample-size guard of MZ.md §5.8.</summary>
    public string[] Warnings { get; set; } = new string[0];

    /// <summary>A few lines of text (invariant culture) for logs and tools: what shipped, at what cost and error, or why nothing did.</summary>
    public string Format()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        string gate = Margin == 1 ? Tolerance.ToString("G4", c) : string.Format(c, "{0:G4} (tolerance {1:G4} / margin {2:G4})", Tolerance / Margin, Tolerance, Margin);
        if (MeetsTolerance)
        {
            text.Append(string.Format(c, "MZ reduction: {0} instead of {1} multiply-adds per row ({2:F2}× fewer{3}); r = {4}, K = {5}, {6} stages, J ≤ {7}\n",
                ReducedMacCount, FullMacCount, MacRatio, Guarded ? string.Format(c, ", plus {0} for the guard", GuardMacCount) : "", Rank, MemoryLength, Depth, HiddenUnits));
            text.Append(string.Format(c, "relative error {0:G4} on {1} held-out rows and {2:G4} on {3} fit rows, gate {4}{5}; without memory terms {6}\n",
                ValidationError, ValidationRows, FitError, FitRows, gate,
                double.IsNaN(ValidationTopOneAgreement) ? "" : string.Format(c, "; top-1 agreement {0:F4}", ValidationTopOneAgreement),
                MarkovMacRatio > 0 ? MarkovMacRatio.ToString("F2", c) + "× fewer" : "nothing met the gate"));
            foreach (var stage in Stages) text.Append("  ").Append(stage).Append('\n');
        }
        else
        {
            text.Append(string.Format(c, "MZ reduction: none shipped, PredictReduced runs the full network ({0} multiply-adds per row): {1}\n", FullMacCount, Reason));
        }
        foreach (var warning in Warnings) text.Append("warning: ").Append(warning).Append('\n');
        return text.ToString();
    }

    public override string ToString() => Format();
}
