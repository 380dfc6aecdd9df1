using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Mz.Core.Data;
using Mz.Core.Lowering;
using Mz.Core.Reduction;
using Mz.Generator.Declarations;
using Mz.Generator.Diagnostics;
using Mz.Generator.Model;

namespace Mz.Generator.Planning;

/// <summary>
/// The optional planner pass for [MzReduce]: runs the gated MZ reduction search (MZ.md §5.8) on the calibration rows
/// (content-cached), lowers the chosen reduced network to plan steps, and reports what it chose (MZ0404), that nothing
/// met the tolerance (MZ0405), that the network cannot be reduced (MZ0406) or that the fit is sample-limited (MZ0407).
/// Whenever no reduced network ships, the plan routes PredictReduced to the full network: never a silently worse model.
/// </summary>
internal static class ReductionPlanning
{
    /// <summary>Share of the calibration rows held out to validate (the rest fit the reduction).</summary>
    public const double ValidationFraction = 0.2;

    /// <summary>Searches recently run in this process, by model, calibration and request content.</summary>
    internal static readonly ContentCache<ReductionOutcome> Cache = new(8);

    /// <summary>The distinct-row indices of recently seen calibration files, by content (checked on every plan step).</summary>
    private static readonly ContentCache<int[]> DistinctRowCache = new(8);

    public static ReducedPlan? Run(NetworkDeclaration declaration, PreparedGraph graph, string modelHash, CalibrationRows? rows, string? networkProblem, long fullMultiplyAdds,
        string input, string output, LocationInfo? location, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var request = declaration.Reduce;
        if (request == null) return null;
        // The search does not depend on the guard, which is fitted afterwards (once per cached search).
        string searchKey = string.Format(CultureInfo.InvariantCulture, "{0}|{1}|tol={2:R}|K={3}|{4}|hyper={5}|margin={6:R}",
            modelHash, rows?.Key ?? "none", request.Tolerance, request.MaxMemory, request.Basis, request.HyperReduction, request.Margin);
        string key = searchKey + "|guard=" + (request.Guard ? "on" : "off");
        var summary = new ReductionSummary { Tolerance = request.Tolerance, Margin = request.Margin, Basis = request.Basis, FullMacCount = fullMultiplyAdds, Guarded = false };

        // Unusable arguments were reported (MZ0003) with the declaration.
        if (request.Unusable != null) return Unavailable(key, summary, fullMultiplyAdds, request.Unusable, report: false, declaration, location, diagnostics);
        // A network the analysis cannot read was only an Info (MZ0403): say it again as the reduction's warning. Problems
        // with the calibration file itself were errors (MZ0105/MZ0106); PredictReduced still compiles meanwhile.
        if (networkProblem != null) return Unavailable(key, summary, fullMultiplyAdds, networkProblem, report: true, declaration, location, diagnostics);
        if (rows == null) return Unavailable(key, summary, fullMultiplyAdds, "no usable calibration rows", report: false, declaration, location, diagnostics);
        var distinctRows = DistinctRowCache.GetOrAdd(rows.Key, () => CalibrationCheck.DistinctRows(rows.Array));
        string? rowsProblem = CalibrationCheck.ReductionProblem(rows.Array.Rows, distinctRows.Length);
        if (rowsProblem != null) return Unavailable(key, summary, fullMultiplyAdds, rowsProblem, report: true, declaration, location, diagnostics);

        LayerView view;
        try { view = LayerView.FromGraph(graph); }
        catch (LayerViewException e)
        {
            return Unavailable(key, summary, fullMultiplyAdds, e.Message, report: true, declaration, location, diagnostics);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var outcome = Cache.GetOrAdd(searchKey, () => Search(view, rows, distinctRows, request, cancellationToken));
        if (outcome.Problem != null) return Unavailable(key, summary, fullMultiplyAdds, outcome.Problem, report: true, declaration, location, diagnostics);
        var guard = outcome.Network != null && request.Guard ? outcome.Guard : null;
        summary = outcome.Summary;
        if (guard != null)
        {
            summary = Copy(summary);
            summary.Guarded = true;
            summary.GuardMacCount = guard.MacCount;
        }
        foreach (var warning in outcome.Result.Warnings)
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.ReductionSampleLimited, location, declaration.FullName, warning));

        var c = CultureInfo.InvariantCulture;
        if (outcome.Network == null && outcome.Result.Evaluated.Any(e => e.MeetsTolerance))
            return Unavailable(key, summary, fullMultiplyAdds,
                $"every reduced network that met the tolerance costs at least the full network's {fullMultiplyAdds.ToString(c)} multiply-adds per row, so there is nothing to gain",
                report: true, declaration, location, diagnostics);
        if (outcome.Network == null)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.ReductionNotMet, location, declaration.FullName, GateText(request),
                summary.BestError.ToString("G4", c), summary.ModelsEvaluated.ToString(c)));
            return ReducedPlan.Full(key, summary, fullMultiplyAdds);
        }
        // The guard's checks are paid on every call: a guarded reduction that costs what the full network costs saves
        // nothing (on a wide input, projecting it can cost as much as a small network), so the full network answers.
        if (guard != null && summary.ReducedMacCount + summary.GuardMacCount >= fullMultiplyAdds)
            return Unavailable(key, summary, fullMultiplyAdds,
                $"with the out-of-distribution guard PredictReduced would cost {(summary.ReducedMacCount + summary.GuardMacCount).ToString(c)} multiply-adds per row " +
                $"({summary.ReducedMacCount.ToString(c)} for the reduced network, {summary.GuardMacCount.ToString(c)} for the checks), at least the full network's {fullMultiplyAdds.ToString(c)}; " +
                "without Guard the reduced network ships", report: true, declaration, location, diagnostics);

        ReducedPlan plan;
        try { plan = ReducedLowering.Lower(key, summary, outcome.Network, guard, view.OutputActivation, input, output); }
        catch (NotSupportedException e)
        {
            return Unavailable(key, summary, fullMultiplyAdds, e.Message, report: true, declaration, location, diagnostics);
        }
        string classifier = view.HasDecision ? $", top-1 agreement {summary.ValidationTopOneAgreement.ToString("F4", c)}" : "";
        string ablation = summary.MarkovMacRatio > 0
            ? $"; without memory terms (K = 0) the best is {summary.MarkovMacRatio.ToString("F2", c)}× fewer"
            : "; no model without memory terms (K = 0) met the tolerance";
        // The cost quoted is ReducedMultiplyAdds: with the guard, its checks are part of every call.
        long cost = summary.ReducedMacCount + summary.GuardMacCount;
        string guarded = summary.Guarded
            ? $"; the out-of-distribution guard's checks are {summary.GuardMacCount.ToString(c)} of those multiply-adds (the network alone: {summary.ReducedMacCount.ToString(c)}, {summary.MacRatio.ToString("F2", c)}× fewer)"
            : "";
        diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.ReductionChosen, location, declaration.FullName,
            cost.ToString(c), summary.FullMacCount.ToString(c), ((double)summary.FullMacCount / cost).ToString("F2", c),
            summary.Rank.ToString(c), summary.MemoryLength.ToString(c), summary.Depth.ToString(c), StageUnits(summary),
            $"{summary.ValidationError.ToString("G4", c)} on the held-out validation rows and {summary.FitError.ToString("G4", c)} on the fit rows", GateText(request), classifier + ablation + guarded));
        return plan;
    }

    /// <summary>The hidden units each stage evaluates, in order ("affine" for a stage replaced by a fitted map).</summary>
    private static string StageUnits(ReductionSummary summary) =>
        summary.StageHiddenUnits.Length == 0
            ? summary.HiddenUnits.ToString(CultureInfo.InvariantCulture)
            : string.Join(", ", summary.StageHiddenUnits.Select(j => j == 0 ? "affine" : j.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The error a model must stay within, as messages quote it: the tolerance, divided by the margin when one is set.</summary>
    private static string GateText(ReductionRequest request)
    {
        var c = CultureInfo.InvariantCulture;
        return request.Margin == 1
            ? request.Tolerance.ToString("G4", c)
            : $"{(request.Tolerance / request.Margin).ToString("G4", c)} (tolerance {request.Tolerance.ToString("G4", c)} / margin {request.Margin.ToString("G4", c)})";
    }

    /// <summary>The search itself (pure: the same rows and request give a bit-identical network).</summary>
    private static ReductionOutcome Search(LayerView view, CalibrationRows rows, int[] distinctRows, ReductionRequest request, CancellationToken cancellationToken)
    {
        var array = rows.Array;
        int width = view.InputWidth;
        var inputs = Matrix<double>.Build.Dense(distinctRows.Length, width, (i, j) => array.Data[(long)distinctRows[i] * width + j]);
        var calibration = new ReductionCalibration(view, inputs, ValidationFraction, seed: 1);
        if (calibration.Problem != null)
        {
            var none = new ReductionResult("mz", request.Tolerance, null, Array.Empty<ReductionCandidate>(), calibration.FullMacCount);
            return new ReductionOutcome(none, null, inputs, Summarise(none, none, calibration, request)) { Problem = calibration.Problem };
        }
        var basis = request.Basis switch { "Gradient" => BasisKind.Gradient, "Pca" => BasisKind.Pca, _ => BasisKind.Balanced };
        var options = MzReducerOptions.StandardSearch(request.MaxMemory, basis, request.HyperReduction, request.Margin);
        // The K = 0 ablation first (what the memory terms are measured against); the search with memory then reuses
        // its evaluated models from the calibration's cache, so the ablation costs little and changes nothing chosen.
        var markovOptions = MzReducerOptions.StandardSearch(0, basis, request.HyperReduction, request.Margin);
        var markov = MzReductionSearch.Run(calibration, request.Tolerance, markovOptions, "mz-k0", cancellationToken);
        var result = request.MaxMemory == 0 ? markov : MzReductionSearch.Run(calibration, request.Tolerance, options, "mz", cancellationToken);
        return new ReductionOutcome(result, result.Network, inputs, Summarise(result, markov, calibration, request));
    }

    /// <summary>A copy to adjust per declaration: the cached outcome's summary is shared and never changed.</summary>
    private static ReductionSummary Copy(ReductionSummary summary)
    {
        var copy = new ReductionSummary();
        foreach (var property in typeof(ReductionSummary).GetProperties())
            if (property.CanWrite) property.SetValue(copy, property.GetValue(summary));
        return copy;
    }

    private static ReductionSummary Summarise(ReductionResult result, ReductionResult markov, ReductionCalibration calibration, ReductionRequest request)
    {
        var chosen = result.Chosen;
        var summary = new ReductionSummary
        {
            Tolerance = request.Tolerance,
            Margin = request.Margin,
            Basis = request.Basis,
            MeetsTolerance = chosen != null,
            Reason = chosen != null ? "" : string.Format(CultureInfo.InvariantCulture, "no evaluated model met the gate {0} on the validation and fit rows (best {1:G4})", GateText(request), result.BestError),
            FullMacCount = result.FullMacCount,
            ReducedMacCount = chosen?.MacCount ?? result.FullMacCount,
            MacRatio = chosen?.MacRatio ?? 1,
            ValidationError = chosen?.ValidationError ?? double.NaN,
            ValidationTopOneAgreement = chosen != null && calibration.View.HasDecision ? chosen.TopOneAgreement : double.NaN,
            FitError = chosen?.FitError ?? double.NaN,
            BestError = result.BestError,
            MarkovMacRatio = markov.Chosen?.MacRatio ?? 0,
            FitRows = calibration.Split.FitRows.Length,
            ValidationRows = calibration.Split.ValidationRows.Length,
            ModelsEvaluated = calibration.EvaluatedModelCount,
            Warnings = result.Warnings.ToArray(),
        };
        if (chosen?.Network is { } network)
        {
            var description = network.Describe();
            summary.Rank = network.MaxRank;
            summary.StateRanks = network.StateRanks.ToArray();
            summary.MemoryLength = network.MemoryLength;
            summary.Depth = network.Depth;
            summary.HiddenUnits = network.MaxHiddenUnits;
            summary.StageHiddenUnits = network.Stages.Select(s => s.HiddenUnits).ToArray();
            summary.StageMemoryLengths = network.Stages.Select(s => s.MemoryLength).ToArray();
            summary.Stages = description.Stages.Select(s => s.ToString()).ToArray();
        }
        return summary;
    }

    private static ReducedPlan Unavailable(string key, ReductionSummary summary, long fullMultiplyAdds, string reason, bool report, NetworkDeclaration declaration,
        LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (report) diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.ReductionUnavailable, location, declaration.FullName, reason));
        summary = Copy(summary);
        summary.MeetsTolerance = false;
        summary.Reason = reason;
        summary.ValidationError = double.NaN;
        summary.ValidationTopOneAgreement = double.NaN;
        summary.FitError = double.NaN;
        summary.ReducedMacCount = fullMultiplyAdds;
        summary.MacRatio = 1;
        return ReducedPlan.Full(key, summary, fullMultiplyAdds);
    }
}

/// <summary>One finished search: the gate's result, the shipped network (or null), the calibration inputs and the report.</summary>
internal sealed class ReductionOutcome
{
    private readonly Lazy<ReducedStateBounds?> _guard;

    public ReductionOutcome(ReductionResult result, ReducedNetwork? network, Matrix<double> inputs, ReductionSummary summary)
    {
        Result = result;
        Network = network;
        Inputs = inputs;
        Summary = summary;
        // Fitted on first use and kept with the cached outcome: the input check decomposes the d×d input covariance
        // (a second or so for a 784-pixel input), which a re-plan should not repeat.
        _guard = new Lazy<ReducedStateBounds?>(() => network == null ? null : ReducedStateBounds.Fit(network, inputs), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The out-of-distribution bounds of <see cref="Network"/> on <see cref="Inputs"/> (null without a network).</summary>
    public ReducedStateBounds? Guard => _guard.Value;

    public ReductionResult Result { get; }
    public ReducedNetwork? Network { get; }

    /// <summary>Every calibration row (fit and validation), for the guard's bounds.</summary>
    public Matrix<double> Inputs { get; }

    public ReductionSummary Summary { get; }

    /// <summary>Why the calibration rows could not calibrate any reduction (nothing was searched), or null.</summary>
    public string? Problem { get; init; }
}
