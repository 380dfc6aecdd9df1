using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Mz.Core.Data;
using Mz.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Analysis;

/// <summary>The analysis on the committed digits-resmlp-deep with its own training rows as calibration data.</summary>
public sealed class TrainedModelAnalysisTests
{
    private readonly ITestOutputHelper _output;

    public TrainedModelAnalysisTests(ITestOutputHelper output) { _output = output; }

    internal static Matrix<double> TrainingRows(string name)
    {
        var x = NpzReader.Read(File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, name, "train.npz")), name)["x"];
        int rows = (int)x.Rows, cols = (int)x.RowSize;
        return Matrix<double>.Build.Dense(rows, cols, (i, j) => x.Data[i * cols + j]);
    }

    [Fact]
    public void DigitsResMlpDeepReportIsSane()
    {
        var graph = LayerViewTests.Prepare("digits-resmlp-deep");
        var calibration = TrainingRows("digits-resmlp-deep");
        var watch = Stopwatch.StartNew();
        var report = MzAnalysis.Analyze(graph, calibration);
        watch.Stop();
        _output.WriteLine($"{watch.Elapsed.TotalSeconds:F2} s");
        _output.WriteLine(report.Format());

        Assert.Equal(1437, report.CalibrationRows);
        Assert.Equal(32, report.Layers.Length);
    }
}
