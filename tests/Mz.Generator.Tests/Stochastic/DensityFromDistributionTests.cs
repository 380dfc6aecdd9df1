using Mz.Cli;
using Mz.Cli.Propagating;
using Mz.Core.Stochastic;
using Mz.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Stochastic;

/// <summary>
/// Densities propagated from an input distribution (MzStochastic.PropagateDensity with a density of X_0), as
/// `mz propagate --plots` draws them in density-from-distribution.png: mass is conserved layer by layer, the output
/// expectation under the propagated density matches Monte Carlo with random inputs, and the plot is written.
/// </summary>
public sealed class DensityFromDistributionTests : IClassFixture<StochasticResNetModel>
{
    private readonly StochasticResNetModel _model;
    private readonly ITestOutputHelper _output;

    public DensityFromDistributionTests(StochasticResNetModel model, ITestOutputHelper output)
    {
        _model = model;
        _output = output;
    }

    private static string ModelPath => Path.Combine(RepositoryPaths.TrainedModels, StochasticResNetModel.Name, "model.onnx");

    [Fact]
    public void DensityFromAGaussianInputConservesMassAndMatchesMonteCarloOverRandomInputs()
    {
        var center = new[] { 0.5, 0.25 };
        var distribution = InputDistribution.GaussianAround(center);
        var network = MzStochastic.Load(ModelPath, _model.Sigma);
        var densities = network.PropagateDensity(distribution.Density, distribution.Lower, distribution.Upper, new[] { 0, 10, 20 }, DistributionPlot.Settings);
        Assert.Equal(new[] { 0, 10, 20 }, densities.Select(d => d.Layer));
        foreach (var density in densities)
        {
            double mass = density.Values.Sum() * density.Spacing * density.Spacing;
            Assert.True(Math.Abs(mass - 1) <= 1e-10, $"layer {density.Layer}: mass {mass:R}");
        }

        // E[y] = ∫ p_L(x) y(x) dx against an independent estimate: inputs drawn from the same Gaussian (cut to the same
        // box by rejection), one noisy pass each.
        var last = densities[^1];
        double viaDensity = 0;
        var point = new double[2];
        for (int j = 0; j < last.Counts[1]; j++)
            for (int i = 0; i < last.Counts[0]; i++)
            {
                point[0] = last.Origin[0] + last.Spacing * i;
                point[1] = last.Origin[1] + last.Spacing * j;
                viaDensity += last.Values[i + last.Counts[0] * j] * _model.Stack.Readout.Evaluate(point, 0, 0);
            }
        viaDensity *= last.Spacing * last.Spacing;

        var pass = new NoisyForwardPass(_model.Stack, _model.Noise);
        var source = new GaussianNoiseSource(2026, 12);
        const int samples = 200_000;
        double sum = 0, sumSquares = 0;
        for (int s = 0; s < samples; s++)
        {
            double[] x;
            do x = new[] { center[0] + InputDistribution.GaussianSpread * source.NextStandardNormal(), center[1] + InputDistribution.GaussianSpread * source.NextStandardNormal() };
            while (x[0] < distribution.Lower[0] || x[0] > distribution.Upper[0] || x[1] < distribution.Lower[1] || x[1] > distribution.Upper[1]);
            double y = pass.Run(x, source).Output[0];
            sum += y;
            sumSquares += y * y;
        }
        double mean = sum / samples;
        double standardError = Math.Sqrt((sumSquares / samples - mean * mean) / samples);
        _output.WriteLine($"E[y] via propagated density {viaDensity:F6}, Monte Carlo over random inputs {mean:F6} ± {standardError:E1}");
        // The input density is sampled on a 0.04 grid; its discretisation error sits well inside this bound.
        Assert.True(Math.Abs(viaDensity - mean) <= Math.Max(4 * standardError, 1e-3), $"|{viaDensity:F6} − {mean:F6}| > max(4 se, 1e-3)");
    }

    [Fact]
    public void DistributionPlotIsWrittenFromTheTrainingInputs()
    {
        string folder = Path.Combine(Path.GetTempPath(), "mz-distribution-" + Guid.NewGuid().ToString("N"));
        try
        {
            var sample = InputDistribution.FromSample(Path.Combine(RepositoryPaths.TrainedModels, StochasticResNetModel.Name, "train.npz") + ":x", 2);
            Assert.StartsWith("X₀: kernel density (width 0.08) of 800 rows of train.npz:x", sample.Description);
            string path = DistributionPlot.Write(MzStochastic.Load(ModelPath, _model.Sigma), _model.Sigma, sample, folder);
            Assert.Equal(DistributionPlot.FileName, Path.GetFileName(path));
            var bytes = File.ReadAllBytes(path);
            Assert.True(bytes.Length > 10_000 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G');
        }
        finally { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void PropagateRefusesAnInputSampleOfTheWrongWidthBeforeEstimating()
    {
        var error = new StringWriter();
        string reference = Path.Combine(RepositoryPaths.TrainedModels, "digits-resmlp-deep", "train.npz") + ":x";
        Assert.Equal(2, PropagateCommand.Run(ModelPath, 0.05, "0.5,0.25", 1000, Path.GetTempPath(), new StringWriter(), error, reference));
        Assert.Contains("the model needs [rows, 2]", error.ToString());
    }
}
