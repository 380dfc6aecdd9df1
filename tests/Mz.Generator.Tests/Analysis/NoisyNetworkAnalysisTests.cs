using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Mz.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Analysis;

/// <summary>The noisy-network path: stochastic-resnet-2d with its training noise β = 0.05 after every block.</summary>
public sealed class NoisyNetworkAnalysisTests
{
    private readonly ITestOutputHelper _output;

    public NoisyNetworkAnalysisTests(ITestOutputHelper output) { _output = output; }

    [Fact]
    public void StochasticResNetReportsTheoremABoundsAndFlagsThemVacuous()
    {
        var graph = LayerViewTests.Prepare("stochastic-resnet-2d");
        var reference = new TrainedModel("stochastic-resnet-2d").Reference;
        var isTest = reference["is_test"].Data;
        var x = reference["x"].Data;
        var training = Enumerable.Range(0, isTest.Length).Where(i => isTest[i] == 0).ToArray();
        var calibration = Matrix<double>.Build.Dense(training.Length, 2, (i, j) => x[training[i] * 2 + j]);
        var options = new MzAnalysisOptions { NoiseLevels = Enumerable.Repeat(0.05, 20).ToArray(), MaxLag = 3 };
        var report = MzAnalysis.Analyze(graph, calibration, options);
        _output.WriteLine(report.Format());

        Assert.Equal(20, report.Layers.Length);
        Assert.All(report.Layers, layer =>
        {
            Assert.Equal(0.05, layer.NoiseLevel);
            // D ≥ 2·0.25·2·√2 ≈ 1.4 against β = 0.05: √(2·ncdf(D/2β) − 1) is 1 to double precision — rigorous but vacuous.
            Assert.InRange(layer.MaximalCorrelationBound, 0.999, 1);
            Assert.True(layer.MaximalCorrelationBoundVacuous);
            Assert.InRange(layer.OrthogonalDynamicsFactor, 0, 1 + 1e-9);
            Assert.InRange(layer.NoiseRatio, 0, 1);
        });
        // Reproducible: the noise draws are seeded.
        Assert.Equal(report.Format(), MzAnalysis.Analyze(graph, calibration, options).Format());
    }
}
