using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Mz.Core.Reduction;

/// <summary>Grids of the study; the MZ search settings come from <see cref="Mz"/>.</summary>
public sealed class ReductionStudyOptions
{
    public MzReducerOptions Mz { get; set; } = new MzReducerOptions();
    // Up to 128: on a 256-wide layer, 128 kept units or an SVD rank of 128 already cost as much as the dense layer.
    public IReadOnlyList<int> PruningUnits { get; set; } = new[] { 8, 12, 16, 24, 32, 40, 48, 56, 64, 96, 128 };
    public IReadOnlyList<int> SvdRanks { get; set; } = new[] { 4, 8, 12, 16, 24, 32, 40, 48, 56, 64, 96, 128 };
}

/// <summary>
/// Compares, at one tolerance and on one validation split, the MZ pipeline (memory length free), its K = 0 ablation,
/// interpolative-decomposition pruning and per-layer truncated SVD (MZ.md §5.11), one Pareto-table row each.
/// </summary>
public sealed class ReductionStudy
{
    private ReductionStudy(double tolerance, IReadOnlyList<ReductionResult> results)
    {
        Tolerance = tolerance;
        Results = results;
    }

    public double Tolerance { get; }

    /// <summary>mz, mz-k0, id-pruning, truncated-svd, in that order.</summary>
    public IReadOnlyList<ReductionResult> Results { get; }

    /// <summary>The chosen row of each variant, or its best row when it never met the tolerance.</summary>
    public IReadOnlyList<ReductionCandidate> Rows => Results.Where(r => r.Reported != null).Select(r => r.Reported!).ToArray();

    public ReductionResult Mz => Results[0];
    public ReductionResult MarkovAblation => Results[1];

    /// <summary>Largest MACs ratio among the peers (pruning, truncated SVD) that met the tolerance; 1 when none did.</summary>
    public double BestPeerRatio => Results.Skip(2).Where(r => r.MeetsTolerance).Select(r => r.Chosen!.MacRatio).DefaultIfEmpty(1).Max();

    public static ReductionStudy Run(ReductionCalibration calibration, double tolerance, ReductionStudyOptions? options = null)
    {
        options ??= new ReductionStudyOptions();
        var markov = new MzReducerOptions
        {
            Basis = options.Mz.Basis,
            OutputMap = options.Mz.OutputMap,
            RelativeRidge = options.Mz.RelativeRidge,
            ValidationMargin = options.Mz.ValidationMargin,
            Ranks = options.Mz.Ranks,
            MergeLengths = options.Mz.MergeLengths,
            HiddenUnits = options.Mz.HiddenUnits,
            MemoryLengths = new[] { 0 },
        };
        // The ablation runs first: the memory search then reuses its K = 0 models instead of refitting them.
        var ablation = MzReductionSearch.Run(calibration, tolerance, markov, "mz-k0");
        var results = new[]
        {
            MzReductionSearch.Run(calibration, tolerance, options.Mz, "mz"),
            ablation,
            InterpolativePruning.Search(calibration, tolerance, options.PruningUnits, options.Mz.ValidationMargin),
            TruncatedSvdReduction.Search(calibration, tolerance, options.SvdRanks, options.Mz.ValidationMargin),
        };
        return new ReductionStudy(tolerance, results);
    }

    public string Format()
    {
        var text = new StringBuilder();
        text.AppendLine($"tolerance {Tolerance}, full model {Results[0].FullMacCount} MACs");
        foreach (var result in Results) text.AppendLine(result.MeetsTolerance ? result.Chosen!.ToString() : result.Diagnostic);
        return text.ToString();
    }
}
