using Mz.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Stochastic;

/// <summary>The public run-time entry point on the committed 2-D stochastic ResNet, with coarse (fast) grids.</summary>
public sealed class MzStochasticApiTests
{
    private readonly ITestOutputHelper _output;
    private static readonly string ModelPath = Path.Combine(RepositoryPaths.TrainedModels, StochasticResNetModel.Name, "model.onnx");

    public MzStochasticApiTests(ITestOutputHelper output) { _output = output; }

    private static MzStochastic Load()
    {
        var network = MzStochastic.Load(ModelPath, 0.05);
        network.ConfigureOperators(new[] { 0.3, 0.4 }, new[] { 0.7, 0.8 }, new MzOperatorSettings { Spacing = 0.04, UseGridConvolution = true });
        return network;
    }

    [Fact]
    public void DescribesTheNetworkAndRunsSeededNoisyPasses()
    {
        var network = Load();
        Assert.Equal(2, network.InputSize);
        Assert.Equal(1, network.OutputSize);
        Assert.Equal(20, network.Depth);
        Assert.All(network.StateWidths, w => Assert.Equal(2, w));
        Assert.All(network.NoiseLevels, b => Assert.Equal(0.05, b));
        var x = new[] { 0.5, 0.6 };
        var a = network.NoisyForward(x, 7, out var statesA);
        var b = network.NoisyForward(x, 7, out _);
        var c = network.NoisyForward(x, 8, out _);
        Assert.Equal(a[0], b[0]);
        Assert.NotEqual(a[0], c[0]);
        Assert.Equal(21, statesA.Length);
        var zeros = Enumerable.Range(0, 20).Select(_ => new double[2]).ToArray();
        Assert.Equal(network.Forward(x)[0], network.NoisyForward(x, zeros, out _)[0], 15);
        Assert.Throws<ArgumentException>(() => network.Forward(new double[3]));
        Assert.Throws<ArgumentException>(() => MzStochastic.Load(ModelPath, new[] { 0.05, 0.05 }));
    }

    [Fact]
    public void TheThreeEstimatorsAgreeWhereTheStateLawIsNearlyGaussian()
    {
        var network = Load();
        var x = new[] { 0.5, 0.6 };
        var mc = network.Expectation(x, 200_000, seed: 3, maxParallelism: 2);
        var op = network.OperatorExpectation(x);
        var closure = network.MomentClosure(x);
        _output.WriteLine($"MC {mc.Mean[0]:F6} ± {mc.StandardError[0]:E1} (var {mc.Variance[0]:E3}); operator {op.Mean[0]:F6} (var {op.Variance[0]:E3}); closure {closure.Mean[0]:F6} (var {closure.Variance[0]:E3})");
        Assert.True(Math.Abs(op.Mean[0] - mc.Mean[0]) <= Math.Max(4 * mc.StandardError[0], 1e-4));
        Assert.True(Math.Abs(op.Variance[0] - mc.Variance[0]) <= 0.05 * mc.Variance[0]);
        Assert.True(Math.Abs(closure.Mean[0] - mc.Mean[0]) <= 0.05);
        // An input outside the configured box grows the operator grids instead of failing.
        var far = network.OperatorExpectation(new[] { 1.0, 0.2 });
        Assert.InRange(far.Mean[0], 0, 1);
    }

    [Fact]
    public void ReturnsDensityGridsAndMemoryNormsAsArrays()
    {
        var network = Load();
        var densities = network.PropagateDensity(new[] { 0.5, 0.6 }, new[] { 1, 10, 20 });
        Assert.Equal(new[] { 1, 10, 20 }, densities.Select(d => d.Layer));
        foreach (var d in densities)
            Assert.Equal(1.0, d.Values.Sum() * d.Spacing * d.Spacing, 10);
        var split = network.MemorySplit(0, new[] { 0.5, 0.6 }, 0.1);
        _output.WriteLine($"norms by lag: {string.Join(", ", split.MemoryNorms.Select(v => v.ToString("E2")))}; noise {split.NoiseNorm:E2}");
        Assert.Equal(20, split.MemoryNorms.Length);
        Assert.True(split.IdentityResidual <= 1e-12 * split.ResolvedNorm);
    }
}
