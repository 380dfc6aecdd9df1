using System.Globalization;
using Mz.Cli;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Cli;

/// <summary>The `mz analyze / reduce / propagate` verbs: their closing lines, plots, and clear refusals of bad input.</summary>
public sealed class CommandLineTests
{
    private static string Model(string name, string file = "model.onnx") => Path.Combine(RepositoryPaths.TrainedModels, name, file);

    [Fact]
    public void AnalyzePrintsTheTableTheClosingLineAndWritesPlots()
    {
        var output = new StringWriter();
        string plots = Path.Combine(Path.GetTempPath(), "mz-plots-" + Guid.NewGuid().ToString("N"));
        try
        {
            int exit = AnalyzeCommand.Run(Model("digits-resmlp-deep"), Model("digits-resmlp-deep", "train.npz") + ":x", plots, output, new StringWriter());
            Assert.Equal(0, exit);
            var last = output.ToString().TrimEnd().Split('\n').Last();
            Assert.StartsWith("analyze: layers=32 median_decay=", last);
            // The closing line carries the same numbers as the library report (an independent run).
            var fields = last.Split(' ').Skip(1).Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
            Assert.True(double.Parse(fields["median_decay"], CultureInfo.InvariantCulture) is > 0 and < 1);
            Assert.True(int.Parse(fields["recommended_memory"], CultureInfo.InvariantCulture) >= 0);
            foreach (var png in new[] { "kernel-norms.png", "spectra.png" })
            {
                var bytes = File.ReadAllBytes(Path.Combine(plots, png));
                Assert.True(bytes.Length > 1000 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G', png);
            }
        }
        finally { if (Directory.Exists(plots)) Directory.Delete(plots, recursive: true); }
    }

    [Theory]
    [InlineData("missing.npz:x", "cannot use calibration")]
    [InlineData("WRONGWIDTH", "the network needs rows of 64 values: [rows, 64]")]
    public void AnalyzeRefusesBadCalibrationWithAMessage(string calibration, string expected)
    {
        if (calibration == "WRONGWIDTH") calibration = Model("stochastic-resnet-2d", "reference.npz") + ":x";
        var error = new StringWriter();
        Assert.Equal(2, AnalyzeCommand.Run(Model("digits-resmlp-deep"), calibration, null, new StringWriter(), error));
        Assert.Contains(expected, error.ToString());
    }

    /// <summary>
    /// The tool refuses what the build refuses, in the build's words (one check, Mz.Core.Data.CalibrationCheck): no rows
    /// or one row, and for a reduction fewer than 50 distinct rows — never a stack trace, never a "reduction" fitted on
    /// copies of one row.
    /// </summary>
    [Theory]
    [InlineData(0, false, "analyze", "has 0 calibration rows; the analysis needs many more rows")]
    [InlineData(1, false, "reduce", "has 1 calibration row; the analysis needs many more rows")]
    [InlineData(10, false, "reduce", "10 calibration rows are too few; the reduction needs at least 50")]
    [InlineData(1437, true, "reduce", "hold only 1 distinct row; the reduction needs at least 50 different rows")]
    public void DegenerateCalibrationRowsAreRefusedAsTheBuildRefusesThem(int rows, bool allEqual, string verb, string expected)
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, rows * 64).Select(_ => allEqual ? 0.0 : random.NextDouble() * 16).ToArray();
        string file = Path.Combine(Path.GetTempPath(), "mz-rows-" + Guid.NewGuid().ToString("N") + ".npz");
        try
        {
            File.WriteAllBytes(file, new Mz.Benchmarks.Models.NpzWriter().Add("x", values, rows, 64).ToArray());
            var error = new StringWriter();
            int exit = verb == "analyze"
                ? AnalyzeCommand.Run(Model("digits-resmlp-deep"), file + ":x", null, new StringWriter(), error)
                : ReduceCommand.Run(Model("digits-resmlp-deep"), file + ":x", 0.02, 1, new StringWriter(), error);
            Assert.Equal(2, exit);
            Assert.Contains(expected, error.ToString());
        }
        finally { File.Delete(file); }
    }

    /// <summary>Rows too small to move the network (×1e-22) are refused with the build's reason, not a stack trace.</summary>
    [Fact]
    public void RowsThatCannotMoveTheNetworkAreRefused()
    {
        var x = new TrainedModel("cancer-mlp").Reference["x"].Data;
        string file = Path.Combine(Path.GetTempPath(), "mz-rows-" + Guid.NewGuid().ToString("N") + ".npz");
        try
        {
            File.WriteAllBytes(file, new Mz.Benchmarks.Models.NpzWriter().Add("x", x.Select(v => v * 1e-22).ToArray(), x.Length / 30, 30).ToArray());
            var error = new StringWriter();
            Assert.Equal(2, ReduceCommand.Run(Model("cancer-mlp"), file + ":x", 0.05, 1, new StringWriter(), error));
            Assert.StartsWith("reduce: all ", error.ToString());
            Assert.Contains("fit rows give the same layer-", error.ToString());
        }
        finally { File.Delete(file); }
    }

    /// <summary>
    /// A binary classifier with one sigmoid output has a decision (p ≥ ½) to agree on, so the study reports its
    /// agreement rather than NA; cancer-mlp's reduction at 2 % keeps almost every decision of the full network.
    /// </summary>
    [Fact]
    public void ReduceReportsDecisionAgreementForAOneOutputSigmoidClassifier()
    {
        var output = new StringWriter();
        Assert.Equal(0, ReduceCommand.Run(Model("cancer-mlp"), Model("cancer-mlp", "train.npz") + ":x", 0.02, 1, output, new StringWriter()));
        var lines = output.ToString().TrimEnd().Split('\n');
        var fields = lines.Last().Split(' ').Skip(1).Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
        Assert.True(double.Parse(fields["val_top1_agree"], CultureInfo.InvariantCulture) >= 0.95, lines.Last());
        Assert.DoesNotContain(lines, line => line.StartsWith("mz ", StringComparison.Ordinal) && line.Contains(" NA "));
    }

    [Fact]
    public void ReduceAndPropagateRefuseNonsenseArguments()
    {
        var error = new StringWriter();
        Assert.Equal(2, ReduceCommand.Run(Model("digits-resmlp-deep"), Model("digits-resmlp-deep", "train.npz"), -1, 1, new StringWriter(), error));
        Assert.Contains("--tolerance", error.ToString());
        error = new StringWriter();
        Assert.Equal(2, PropagateCommand.Run(Model("stochastic-resnet-2d"), 0.05, "0.5,abc", 1000, null, new StringWriter(), error));
        Assert.Contains("--input", error.ToString());
        error = new StringWriter();
        Assert.Equal(2, PropagateCommand.Run(Model("stochastic-resnet-2d"), 0.05, "0.5,0.1,0.2", 1000, null, new StringWriter(), error));
        Assert.Contains("takes 2 input values", error.ToString());
    }
}
