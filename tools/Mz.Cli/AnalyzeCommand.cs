using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using Mz.Cli.Analyzing;

namespace Mz.Cli;

/// <summary>`mz analyze &lt;model.onnx&gt; --calibration &lt;file.npz[:key]&gt; [--plots &lt;dir&gt;]`: the MZ memory analysis of a network.</summary>
public static class AnalyzeCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The ONNX model to analyse (an MLP or residual MLP)" };
        var calibration = new Option<string>("--calibration") { Description = "Calibration rows: an .npy, or an .npz with ':key' (default key x)", Required = true };
        var plots = new Option<string?>("--plots") { Description = "Folder for PNG plots: kernel norm vs lag per layer, and the spectrum per layer" };
        var command = new Command("analyze", "Run the Mori–Zwanzig analysis of a network on calibration data and print the per-layer table") { model, calibration, plots };
        command.SetAction(result => Run(result.GetValue(model)!, result.GetValue(calibration)!, result.GetValue(plots), Console.Out, Console.Error));
        return command;
    }

    public static int Run(string modelPath, string calibration, string? plotFolder, TextWriter output, TextWriter error)
    {
        string? plotsProblem = InputPaths.OutputFolderProblem(plotFolder);
        if (plotsProblem != null) { error.WriteLine("analyze: " + plotsProblem); return 2; }
        NetworkAnalysis analysis;
        try { analysis = NetworkAnalysis.Run(modelPath, calibration); }
        catch (AnalysisInputException e)
        {
            error.WriteLine("analyze: " + e.Message);
            return 2;
        }
        output.Write(analysis.Report.Format());
        if (plotFolder != null)
        {
            foreach (var file in AnalysisPlots.Write(analysis, plotFolder)) output.WriteLine("plot: " + file);
        }
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Format(c, "analyze: layers={0} median_decay={1} recommended_memory={2} noise_ratio_median={3}",
            analysis.Report.Layers.Length, Number(analysis.Report.MedianDecayRate), analysis.Report.RecommendedMemory, Number(analysis.Report.MedianNoiseRatio)));
        return 0;
    }

    private static string Number(double value) => double.IsNaN(value) ? "NA" : value.ToString("G4", CultureInfo.InvariantCulture);
}
