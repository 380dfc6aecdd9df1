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
    [InlineData("WRONGWIDTH", "the model needs [rows, 64]")]
    public void AnalyzeRefusesBadCalibrationWithAMessage(string calibration, string expected)
    {
        if (calibration == "WRONGWIDTH") calibration = Model("stochastic-resnet-2d", "reference.npz") + ":x";
        var error = new StringWriter();
        Assert.Equal(2, AnalyzeCommand.Run(Model("digits-resmlp-deep"), calibration, null, new StringWriter(), error));
        Assert.Contains(expected, error.ToString());
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
