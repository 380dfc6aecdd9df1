using System.Collections.Generic;
using System.Globalization;

namespace Mz.Core.Reduction;

/// <summary>
/// Outcome of a gated search (MZ.md §5.8 item 4): the cheapest evaluated model whose error meets the gate (on the
/// held-out and on the fit rows, <see cref="ReductionCandidate.GateError"/>), or none — then <see cref="Network"/> is
/// null, the full model stays in use, and <see cref="BestError"/> says how close the search came. A model over the gate
/// is never returned as the result.
/// </summary>
public sealed class ReductionResult
{
    public ReductionResult(string variant, double tolerance, ReductionCandidate? chosen, IReadOnlyList<ReductionCandidate> evaluated, long fullMacCount,
        IReadOnlyList<string>? warnings = null)
    {
        ReductionCandidate? best = null;
        foreach (var candidate in evaluated)
            if (best == null || double.IsNaN(best.GateError) || candidate.GateError < best.GateError) best = candidate;
        Warnings = warnings ?? new string[0];
        Variant = variant;
        Tolerance = tolerance;
        Chosen = chosen;
        Best = best;
        Evaluated = evaluated;
        FullMacCount = fullMacCount;
    }

    public string Variant { get; }
    public double Tolerance { get; }

    /// <summary>The cheapest model meeting the tolerance, or null.</summary>
    public ReductionCandidate? Chosen { get; }

    /// <summary>The evaluated model with the lowest gate error (over the gate or not); null when nothing was evaluated.</summary>
    public ReductionCandidate? Best { get; }

    public IReadOnlyList<ReductionCandidate> Evaluated { get; }
    public long FullMacCount { get; }

    /// <summary>Non-fatal findings about the chosen model, e.g. the sample-size guard of MZ.md §5.8.</summary>
    public IReadOnlyList<string> Warnings { get; }
    public bool MeetsTolerance => Chosen != null;
    public ReducedNetwork? Network => Chosen?.Network;
    /// <summary>The lowest gate error any evaluated model reached; NaN when no model was evaluated.</summary>
    public double BestError => Best?.GateError ?? double.NaN;

    /// <summary>The row the Pareto table reports: the chosen model, else the best reached.</summary>
    public ReductionCandidate? Reported => Chosen ?? Best;

    public string Diagnostic => MeetsTolerance
        ? string.Format(CultureInfo.InvariantCulture, "{0}: {1}", Variant, Chosen)
        : string.Format(CultureInfo.InvariantCulture, "{0}: no model met the tolerance {1:G3} on the validation and fit rows (best {2:G4}); keep the full model", Variant, Tolerance, BestError);
}
