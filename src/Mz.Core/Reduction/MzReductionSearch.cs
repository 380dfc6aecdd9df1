using System;
using System.Collections.Generic;
using System.Linq;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>
/// The gated search over (r, K, merge length, J) of MZ.md §5.8 with the §5.11 refinements. For each merge length and
/// memory length it walks the (r, J) staircase: start at the largest r and the smallest J, raise J while the gate
/// error is over the gate, lower r once it passes — so it evaluates at most |r grid| + |J grid| models per pair, relying
/// on the error falling as r or J grows. Points that cannot beat the cheapest passing model are skipped unevaluated.
/// Every passing point of the walks is then thinned stage by stage (<see cref="ThinStages"/>): layers differ in how many
/// hidden units they need (in a plain MLP the early layers far fewer than the last), which one J for all stages wastes,
/// and a stage whose layers act almost affinely on the reduced state needs none: thinning may replace it by a fitted
/// affine map (<see cref="ReductionConfiguration.AffineStage"/>, MZ.md §5.9 block replacement), chosen greedily,
/// first stage first, by the gate like every other J.
/// </summary>
public static class MzReductionSearch
{
    public static ReductionResult Run(ReductionCalibration calibration, double tolerance, MzReducerOptions? options = null, string variant = "mz",
        System.Threading.CancellationToken cancellationToken = default)
    {
        options ??= new MzReducerOptions();
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance));
        double gate = tolerance / Math.Max(1.0, options.ValidationMargin);
        var view = calibration.View;
        bool residual = view.Layers.All(l => l.Kind == LayerMapKind.Residual);
        var evaluated = new List<ReductionCandidate>();
        ReductionCandidate? chosen = null;
        var seenBoundaries = new HashSet<string>();
        var ranks = options.Ranks.Distinct().OrderBy(r => r).ToArray();
        var passing = new List<(ReductionCandidate Candidate, ReductionConfiguration Configuration, int[] Boundaries, int[] HiddenGrid)>();

        foreach (int requestedMerge in options.MergeLengths.Distinct().OrderByDescending(m => m))
        {
            int merge = residual ? Math.Max(1, requestedMerge) : 1;
            var boundaries = MzReducer.Boundaries(view, merge);
            if (!seenBoundaries.Add(string.Join(",", boundaries))) continue;
            int widestRun = Enumerable.Range(0, boundaries.Length - 1).Max(t => HiddenWidth(view, boundaries[t], boundaries[t + 1]));
            var hiddenGrid = options.HiddenUnits.Select(j => j <= 0 || j >= widestRun ? 0 : j).Distinct()
                .OrderBy(j => j == 0 ? int.MaxValue : j).ToArray();
            if (options.OutputMap == OutputMapKind.Galerkin) hiddenGrid = new[] { 0 };

            foreach (int memory in options.MemoryLengths.Distinct().OrderBy(k => k))
            {
                int i = ranks.Length - 1, j = 0;
                while (i >= 0 && j < hiddenGrid.Length)
                {
                    var configuration = new ReductionConfiguration(ranks[i], memory, merge, hiddenGrid[j]);
                    if (chosen != null && PredictedMacs(view, boundaries, configuration, MzReducer.StateRanks(calibration, boundaries, ranks[i], options)) >= chosen.MacCount)
                    {
                        i--;
                        continue;
                    }
                    cancellationToken.ThrowIfCancellationRequested();
                    var candidate = Evaluate(calibration, configuration, options, gate, variant);
                    evaluated.Add(candidate);
                    if (candidate.MeetsTolerance)
                    {
                        // A model at least as costly as the full network is no reduction, whatever its error.
                        if (candidate.MacCount < calibration.FullMacCount && (chosen == null || candidate.MacCount < chosen.MacCount)) chosen = candidate;
                        passing.Add((candidate, configuration, boundaries, hiddenGrid));
                        i--;
                    }
                    else j++;
                }
            }
        }

        // Cheapest first, so that the bound below prunes the pricier starting points once a thinned model undercuts them.
        foreach (var (candidate, configuration, boundaries, hiddenGrid) in passing.OrderBy(p => p.Candidate.MacCount))
        {
            var thinning = ThinningGrid(hiddenGrid, options);
            if (thinning.Length == 0) continue;
            var thinnest = new ReductionConfiguration(configuration.Rank, configuration.MemoryLength, configuration.MergeLength, thinning[0]);
            // Passing points can all cost at least the full network (then none was chosen): the full cost bounds them too.
            long cheapest = chosen?.MacCount ?? calibration.FullMacCount;
            if (PredictedMacs(view, boundaries, thinnest, candidate.Network!.StateRanks) >= cheapest) continue;
            var thinned = ThinStages(calibration, candidate, configuration, boundaries, thinning, cheapest, options, gate, variant, evaluated);
            if (thinned.MacCount < cheapest) chosen = thinned;
        }
        return new ReductionResult(variant, tolerance, chosen, evaluated, calibration.FullMacCount, SampleSizeWarnings(calibration, chosen));
    }

    /// <summary>
    /// The J values thinning may give a stage, fewest units first: the affine replacement (no units) when allowed, then
    /// the sizes of this merge length's grid (without "all", which every stage starts from). Empty without
    /// hyper-reduction (a grid of "all" only, or the Galerkin map): then every reduced layer evaluates all its units.
    /// </summary>
    private static int[] ThinningGrid(int[] hiddenGrid, MzReducerOptions options)
    {
        bool hyperReduction = options.OutputMap == OutputMapKind.Fitted && options.HiddenUnits.Any(j => j > 0);
        if (!hyperReduction) return Array.Empty<int>();
        var sizes = hiddenGrid.Where(j => j > 0);
        return (options.BlockReplacement ? new[] { ReductionConfiguration.AffineStage }.Concat(sizes) : sizes).ToArray();
    }

    /// <summary>
    /// Lowers J one stage at a time, first stage first, keeping r, K and the merge length: for each stage a binary search
    /// over the smaller values of <paramref name="thinning"/> (fewest units first, the affine replacement before any)
    /// finds the fewest units that keep the model under the gate, the other stages held. Each accepted step makes the
    /// model cheaper, so the last passing model is the cheapest found. Costs about log2(|grid|) evaluations per stage, and
    /// stops once even the thinnest choice for every remaining stage could not cost less than <paramref name="cheapest"/>.
    /// </summary>
    private static ReductionCandidate ThinStages(ReductionCalibration calibration, ReductionCandidate start, ReductionConfiguration configuration,
        int[] boundaries, int[] thinning, long cheapest, MzReducerOptions options, double gate, string variant, List<ReductionCandidate> evaluated)
    {
        int stages = boundaries.Length - 1;
        var best = start;
        var current = configuration;
        for (int stage = 0; stage < stages; stage++)
        {
            var floor = current;
            for (int rest = stage; rest < stages; rest++) floor = floor.WithStageHiddenUnits(stages, rest, thinning[0]);
            if (PredictedMacs(calibration.View, boundaries, floor, start.Network!.StateRanks) >= Math.Min(cheapest, best.MacCount)) break;
            int width = HiddenWidth(calibration.View, boundaries[stage], boundaries[stage + 1]);
            int units = Effective(current.HiddenUnitsAt(stage), width);
            var smaller = thinning.Where(j => Effective(j, width) < units).ToArray();
            int low = 0, high = smaller.Length;
            while (low < high)
            {
                int middle = (low + high) / 2;
                var trial = current.WithStageHiddenUnits(stages, stage, smaller[middle]);
                var candidate = Evaluate(calibration, trial, options, gate, variant);
                evaluated.Add(candidate);
                if (candidate.MeetsTolerance)
                {
                    high = middle;
                    if (candidate.MacCount < best.MacCount) best = candidate;
                }
                else low = middle + 1;
            }
            if (high < smaller.Length) current = current.WithStageHiddenUnits(stages, stage, smaller[high]);
        }
        return best;
    }

    /// <summary>The hidden units a stage of <paramref name="width"/> units evaluates at grid value J (0: all; affine: none).</summary>
    private static int Effective(int hiddenUnits, int width) =>
        hiddenUnits == ReductionConfiguration.AffineStage ? 0 : hiddenUnits <= 0 || hiddenUnits >= width ? width : hiddenUnits;

    /// <summary>
    /// MZ.md §5.8 sample-size guard: each fitted stage needs S_fit ≥ 10·(regressors per output) rows, counting the J
    /// activations, the (K+1) lagged states and the offset; below that the ridge, not the data, sets the fit.
    /// </summary>
    private static IReadOnlyList<string> SampleSizeWarnings(ReductionCalibration calibration, ReductionCandidate? chosen)
    {
        var warnings = new List<string>();
        if (chosen?.Network == null) return warnings;
        int rows = calibration.Split.FitRows.Length;
        foreach (var stage in chosen.Network.Stages)
        {
            int regressors = stage.HiddenUnits + (stage.Linear != null ? stage.InputRank : 0) + stage.MemoryKernels.Sum(k => k.ColumnCount) + 1;
            if (rows < 10 * regressors)
                warnings.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                    "stage at layer {0}: {1} fit rows for {2} regressors per output, below the rule of thumb of {3}; the fit may be sample-limited, so trust the held-out error only",
                    stage.FirstLayer, rows, regressors, 10 * regressors));
        }
        return warnings;
    }

    /// <summary>Builds and validates one configuration, reusing an earlier evaluation of the same settings on this calibration.</summary>
    private static ReductionCandidate Evaluate(ReductionCalibration calibration, ReductionConfiguration configuration, MzReducerOptions options, double gate, string variant)
    {
        string key = string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}|{1}|{2}|{3}|{4:R}|{5}",
            configuration, options.Basis, options.IdentityBases, options.OutputMap, options.RelativeRidge, calibration.Split.FitRows.Length);
        if (calibration.EvaluatedModels.TryGetValue(key, out var known)) return known.WithVariant(variant, gate);
        var network = MzReducer.Build(calibration, configuration, options);
        var candidate = ReductionCandidate.Evaluate(calibration, network, gate, variant: variant);
        calibration.EvaluatedModels[key] = candidate;
        return candidate;
    }

    private static int HiddenWidth(LayerView view, int first, int end)
    {
        int width = 0;
        for (int n = first; n < end; n++) width += view.Layers[n].OutputWidth;
        return width;
    }

    /// <summary>
    /// The MAC count of the configuration's network (<see cref="ReducedNetwork.MacCount"/>) before it is built, from the
    /// widths its reduced states get (<paramref name="stateRanks"/>, one per boundary): the input map, per stage the J
    /// hidden units read from ẑ_t and mapped to ẑ_{t+1} plus the lag-0 term and the memory kernels, and the readout.
    /// Exact, so a point it prices at or above the cheapest passing model can be skipped without building it.
    /// </summary>
    internal static long PredictedMacs(LayerView view, int[] boundaries, ReductionConfiguration configuration, IReadOnlyList<int> stateRanks)
    {
        int last = boundaries.Length - 1;
        long macs = (long)stateRanks[0] * view.InputWidth + (long)stateRanks[last] * view.OutputWidth;
        for (int t = 0; t < last; t++)
        {
            long hidden = Effective(configuration.HiddenUnitsAt(t), HiddenWidth(view, boundaries[t], boundaries[t + 1]));
            long next = stateRanks[t + 1];
            macs += hidden * stateRanks[t] + next * hidden;
            for (int k = 0; k <= Math.Min(configuration.MemoryLength, t); k++) macs += next * stateRanks[t - k];
        }
        return macs;
    }
}
