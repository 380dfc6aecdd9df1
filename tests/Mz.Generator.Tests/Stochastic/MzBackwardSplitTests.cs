using Mz.Core.Stochastic;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Stochastic;

/// <summary>
/// The backward MZ identity (1.6) on grid operators: the streaming, memory and noise terms add up to P_n q_n to
/// round-off; the noise term vanishes when q is resolved at the output; on a linear-Gaussian network with affine
/// projections every memory term is zero (q_j stays affine, so each Q_j annihilates it).
/// </summary>
public sealed class MzBackwardSplitTests
{
    private readonly ITestOutputHelper _output;

    public MzBackwardSplitTests(ITestOutputHelper output) { _output = output; }

    private static double[] GaussianDensity(StateGrid grid, double[] centre, double width) =>
        grid.Sample(x =>
        {
            double r2 = 0;
            for (int a = 0; a < x.Length; a++) r2 += (x[a] - centre[a]) * (x[a] - centre[a]);
            return Math.Exp(-0.5 * r2 / (width * width)) / Math.Pow(2 * Math.PI * width * width, x.Length / 2.0);
        });

    private static StochasticLayerStack TanhResidualNetwork()
    {
        var random = new Random(41);
        var layers = Enumerable.Range(0, 6).Select(_ => new StochasticLayer(
            Enumerable.Range(0, 4).Select(_ => 2.5 * (random.NextDouble() * 2 - 1)).ToArray(),
            Enumerable.Range(0, 2).Select(_ => random.NextDouble() - 0.5).ToArray(), 2, LayerActivation.Tanh, 0.3)).ToList();
        return new StochasticLayerStack(2, layers, new StochasticReadout(new[] { 2.0, -1.5 }, new[] { 0.2 }, 2, LayerActivation.Sigmoid));
    }

    private static (GridOperatorPropagator Propagator, MzBackwardSplit Split) Build(StochasticLayerStack stack, LayerNoise noise, int degree)
    {
        var propagator = new GridOperatorPropagator(stack, noise, new[] { -1.5, -1.5 }, new[] { 1.5, 1.5 },
            new GridOperatorOptions { Spacing = 0.05, HermitePoints = 5, PaddingInNoiseLevels = 6, CloudPointsPerAxis = 17, CloudPassesPerPoint = 8 });
        var densities = propagator.Forward(GaussianDensity(propagator.Grids[0], new[] { 0.0, 0.0 }, 0.4));
        return (propagator, new MzBackwardSplit(propagator, densities, degree));
    }

    [Fact]
    public void StreamingMemoryAndNoiseAddUpToTheResolvedConditionalExpectation()
    {
        var stack = TanhResidualNetwork();
        var (propagator, split) = Build(stack, LayerNoise.Uniform(0.15, stack.Depth), degree: 2);
        var q = propagator.ReadoutOnLastGrid();
        foreach (int layer in new[] { 0, 2, 5 })
        {
            var result = split.Compute(layer, q);
            _output.WriteLine($"layer {layer}: ‖P q‖ {result.ResolvedNorm:F5}, norms by lag [{string.Join(", ", result.MemoryNorms.Select(v => v.ToString("E2")))}], noise {result.NoiseNorm:E2}, identity residual {result.IdentityResidual:E1}");
            Assert.Equal(stack.Depth - layer, result.MemoryNorms.Length);
            Assert.True(result.IdentityResidual <= 1e-13 * result.ResolvedNorm, $"layer {layer}: (1.6) residual {result.IdentityResidual:E2}");
            Assert.True(result.NoiseNorm > 0, "a sigmoid readout is not in the quadratic dictionary, so the noise term is nonzero");
        }

        // With q resolved at the output (an affine q and an affine dictionary), Q_L q = 0 and the noise term vanishes.
        var affine = propagator.Grids[^1].Sample(x => 0.4 * x[0] - 0.7 * x[1] + 0.1);
        var resolvedAtOutput = split.Compute(1, affine);
        Assert.True(resolvedAtOutput.NoiseNorm <= 1e-12 * resolvedAtOutput.ResolvedNorm, $"noise {resolvedAtOutput.NoiseNorm:E2}");
        Assert.True(resolvedAtOutput.IdentityResidual <= 1e-13 * resolvedAtOutput.ResolvedNorm);
    }

    [Fact]
    public void LinearGaussianNetworksHaveNoMemoryUnderAffineProjections()
    {
        var stack = LinearGaussianNetwork.Create(42, new[] { 2, 2, 2, 2, 2 }, new[] { true, true, false, true });
        var (propagator, split) = Build(stack, LayerNoise.Uniform(0.1, stack.Depth), degree: 1);
        var q = propagator.Grids[^1].Sample(x => 0.8 * x[0] + 0.3 * x[1] - 0.2);
        var result = split.Compute(0, q);
        _output.WriteLine($"‖P q‖ {result.ResolvedNorm:F5}, norms by lag [{string.Join(", ", result.MemoryNorms.Select(v => v.ToString("E2")))}], noise {result.NoiseNorm:E2}");
        Assert.True(Math.Abs(result.MemoryNorms[0] - result.ResolvedNorm) <= 1e-8 * result.ResolvedNorm, "the streaming term carries everything");
        for (int k = 1; k < result.MemoryNorms.Length; k++)
            Assert.True(result.MemoryNorms[k] <= 1e-8 * result.ResolvedNorm, $"lag {k}: {result.MemoryNorms[k]:E2}");
    }
}
