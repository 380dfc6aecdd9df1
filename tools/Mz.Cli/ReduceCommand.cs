using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Mz.Cli.Analyzing;
using Mz.Core.Analysis;
using Mz.Core.Reduction;

namespace Mz.Cli;

/// <summary>
/// `mz reduce &lt;model.onnx&gt; --calibration &lt;file.npz[:key]&gt; --tolerance &lt;eps&gt; [--max-memory K]`: the MZ reduction
/// study — the MZ reduced model, its K = 0 ablation, interpolative-decomposition pruning and per-layer truncated
/// SVD, each at the same tolerance on a held-out split of the calibration rows.
/// </summary>
public static class ReduceCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The ONNX model to reduce (an MLP or residual MLP)" };
        var calibration = new Option<string>("--calibration") { Description = "Calibration rows: an .npy, or an .npz with ':key' (default key x); 20 % are held out for validation", Required = true };
        var tolerance = new Option<double>("--tolerance") { Description = "Relative L2 output error allowed on the validation rows", Required = true, CustomParser = NumberOptions.Real };
        var maxMemory = new Option<int>("--max-memory") { Description = "Largest memory length K searched (default 2, as [MzReduce])", DefaultValueFactory = _ => 2, CustomParser = NumberOptions.Int };
        var command = new Command("reduce", "Search MZ-reduced networks under a validation gate and compare them with pruning and SVD baselines") { model, calibration, tolerance, maxMemory };
        command.SetAction(result => Run(result.GetValue(model)!, result.GetValue(calibration)!, result.GetValue(tolerance), result.GetValue(maxMemory), Console.Out, Console.Error));
        return command;
    }

    /// <summary>How often a running search reports that it is still going.</summary>
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(20);

    public static int Run(string modelPath, string calibration, double tolerance, int maxMemory, TextWriter output, TextWriter error)
    {
        if (!(tolerance > 0) || double.IsInfinity(tolerance)) { error.WriteLine(FormattableString.Invariant($"reduce: --tolerance must be a positive number, got {tolerance}")); return 2; }
        if (tolerance >= 1) { error.WriteLine(FormattableString.Invariant($"reduce: --tolerance must be below 1 (a relative error of 1 is what an all-zero output already has), got {tolerance}")); return 2; }
        if (maxMemory < 0 || maxMemory > 8) { error.WriteLine($"reduce: --max-memory must be between 0 and 8, got {maxMemory}"); return 2; }

        CalibratedNetwork network;
        Matrix<double> inputs;
        try
        {
            network = CalibratedNetwork.Load(modelPath, calibration);
            inputs = network.ReductionInputs();
        }
        catch (AnalysisInputException e) { error.WriteLine("reduce: " + e.Message); return 2; }

        ReductionStudy study;
        LayerView view;
        try
        {
            view = LayerView.FromGraph(network.Graph);
            var split = new ReductionCalibration(view, inputs, validationFraction: 0.2, seed: 1);
            if (split.Problem != null) { error.WriteLine("reduce: " + split.Problem); return 2; }
            // A long search (large K, an unreachable tolerance) says it is alive every 20 s, on the error stream.
            var started = System.Diagnostics.Stopwatch.StartNew();
            using var progress = new System.Threading.Timer(_ =>
                error.WriteLine(string.Format(CultureInfo.InvariantCulture, "reduce: still searching after {0:F0} s, {1} MZ models built and validated",
                    started.Elapsed.TotalSeconds, split.EvaluatedModelCount)), null, ProgressInterval, ProgressInterval);
            study = ReductionStudy.Run(split, tolerance, new ReductionStudyOptions
            {
                // The same search the build-time [MzReduce] runs.
                Mz = MzReducerOptions.StandardSearch(maxMemory),
            });
        }
        catch (LayerViewException e) { error.WriteLine("reduce: the reduction does not cover this network: " + e.Message); return 2; }

        var c = CultureInfo.InvariantCulture;
        bool classifier = view.HasDecision;
        output.WriteLine(string.Format(c, "{0,-22} {1,4} {2,3} {3,6} {4,7} {5,9} {6,12} {7,12} {8,10} {9}", "variant", "r", "K", "depth", "hyper", "MACs", "val_rel_err", "fit_rel_err", "top1_agree", "meets"));
        foreach (var result in study.Results)
        {
            var row = result.Reported;
            if (row == null) { output.WriteLine(string.Format(c, "{0,-22} {1}", result.Variant, result.Diagnostic)); continue; }
            output.WriteLine(string.Format(c, "{0,-22} {1,4} {2,3} {3,6} {4,7} {5,9} {6,12:F5} {7,12:F5} {8,10} {9}",
                result.Variant, row.Rank, row.MemoryLength, row.Depth, Hyper(row), row.MacCount,
                row.ValidationError, row.FitError, classifier ? row.TopOneAgreement.ToString("F4", c) : "NA", Meets(result, row)));
        }
        foreach (var warning in study.Mz.Warnings) output.WriteLine("warning: " + warning);

        var mz = study.Mz;
        var chosen = mz.Chosen;
        if (chosen == null && mz.Evaluated.Any(e => e.MeetsTolerance))
            output.WriteLine($"warning: every MZ reduction that meets tolerance {tolerance.ToString(c)} costs at least the full network's {mz.FullMacCount.ToString(c)} multiply-adds per row; the full model is kept");
        else if (chosen == null)
            output.WriteLine($"warning: no MZ reduction meets tolerance {tolerance.ToString(c)}; the full model is kept (best error reached {mz.BestError.ToString("G4", c)}, the larger of its validation and fit errors)");
        long full = mz.FullMacCount;
        long reduced = chosen?.MacCount ?? full;
        string name = Path.GetFileName(modelPath) == "model.onnx" ? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(modelPath))) ?? "model" : Path.GetFileNameWithoutExtension(modelPath);
        double k0 = study.MarkovAblation.MeetsTolerance ? study.MarkovAblation.Chosen!.MacRatio : 0;
        output.WriteLine(string.Format(c,
            "reduce: model={0} full_macs={1} reduced_macs={2} macs_ratio={3:F2} val_rel_err={4:G4} val_top1_agree={5} r={6} k={7} depth={8} k0_macs_ratio={9:F2} best_peer_macs_ratio={10:F2}",
            name, full, reduced, (double)full / reduced, chosen?.ValidationError ?? double.NaN,
            chosen != null && classifier ? chosen.TopOneAgreement.ToString("F4", c) : "NA",
            chosen?.Rank ?? 0, chosen?.MemoryLength ?? 0, chosen?.Depth ?? 0, k0,
            study.Results.Skip(2).Any(r => r.MeetsTolerance) ? study.BestPeerRatio : 0));
        return 0;
    }

    /// <summary>The hyper-reduction column: J, "all" (every unit) or "affine" (no hidden units: block replacement everywhere).</summary>
    private static string Hyper(ReductionCandidate row) =>
        row.HiddenUnits > 0 ? row.HiddenUnits.ToString(CultureInfo.InvariantCulture)
        : row.Network != null && row.Network.Stages.Count > 0 && row.Network.Stages.All(s => s.IsAffine) ? "affine" : "all";

    /// <summary>Whether the reported row met the gate, and whether meeting it saved anything.</summary>
    private static string Meets(ReductionResult result, ReductionCandidate row) =>
        !row.MeetsTolerance ? "no" : row.MacCount >= result.FullMacCount ? "yes (no saving)" : "yes";
}
