using Mz.Core.Stochastic;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Stochastic;

/// <summary>
/// MZ.md §7.2 test 9 (conservation) and the Jensen contraction of noisy layers (F1, F2):
/// ℳ_n 1 = 1; ‖ℳ_n f‖_{L²(μ_n)} ≤ ‖f‖_{L²(μ_{n+1})}, checked by nested Monte Carlo on small noisy networks,
/// with the gap equal to E[Var(f(X_{n+1}) | X_n)] (analytic for a linear-Gaussian layer and linear f); and
/// equality, to round-off, for deterministic layers.
/// </summary>
public sealed class ConservationPropertyTests
{
    private readonly ITestOutputHelper _output;

    public ConservationPropertyTests(ITestOutputHelper output) { _output = output; }

    /// <summary>Nested-MC estimates of ‖ℳ_n f‖² and ‖f‖² and of their difference, with standard errors.</summary>
    private sealed record JensenEstimate(double Contracted, double ContractedError, double Original, double OriginalError, double Gap, double GapError);

    /// <summary>
    /// Outer: X_n ~ μ_n (X_0 ~ N(0, I) pushed through the noisy layers 0..n−1). Inner: M draws of X_{n+1} given
    /// X_n. (ℳ_n f)(X_n)² is estimated without bias by mean² − var/M; ‖f‖² from the first inner draw, which is a
    /// draw of μ_{n+1}.
    /// </summary>
    private static JensenEstimate NestedMonteCarlo(StochasticLayerStack stack, LayerNoise noise, int layer, Func<double[], double> f, int outer, int inner, ulong seed)
    {
        var source = new GaussianNoiseSource(seed);
        var pass = new NoisyForwardPass(stack, noise);
        var contracted = new double[outer];
        var original = new double[outer];
        var mapped = new double[stack.Width(layer + 1)];
        var next = new double[mapped.Length];
        for (int s = 0; s < outer; s++)
        {
            var state = new double[stack.InputWidth];
            source.Fill(state, 0, state.Length);
            for (int n = 0; n < layer; n++)
            {
                state = stack.Layers[n].Apply(state);
                for (int i = 0; i < state.Length; i++) state[i] += noise[n] * source.NextStandardNormal();
            }
            stack.Layers[layer].Apply(state, 0, mapped, 0);
            double sum = 0, sumSquares = 0, first = 0;
            for (int j = 0; j < inner; j++)
            {
                for (int i = 0; i < next.Length; i++) next[i] = mapped[i] + noise[layer] * source.NextStandardNormal();
                double value = f(next);
                if (j == 0) first = value;
                sum += value;
                sumSquares += value * value;
            }
            double mean = sum / inner;
            double innerVariance = inner > 1 ? Math.Max(sumSquares - inner * mean * mean, 0) / (inner - 1) : 0;
            contracted[s] = mean * mean - innerVariance / inner;
            original[s] = first * first;
        }
        (double Mean, double Error) Summary(double[] v)
        {
            double m = v.Average();
            return (m, Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1) / v.Length));
        }
        var c = Summary(contracted);
        var o = Summary(original);
        var g = Summary(original.Zip(contracted, (a, b) => a - b).ToArray());
        return new JensenEstimate(c.Mean, c.Error, o.Mean, o.Error, g.Mean, g.Error);
    }

    private static StochasticLayerStack TanhNetwork(int seed, bool residual)
    {
        var random = new Random(seed);
        var layers = new List<StochasticLayer>();
        for (int n = 0; n < 4; n++)
        {
            var w = Enumerable.Range(0, 9).Select(_ => 1.5 * (random.NextDouble() * 2 - 1)).ToArray();
            var b = Enumerable.Range(0, 3).Select(_ => random.NextDouble() - 0.5).ToArray();
            layers.Add(new StochasticLayer(w, b, 3, LayerActivation.Tanh, residual ? 0.5 : null));
        }
        return new StochasticLayerStack(3, layers, new StochasticReadout(new[] { 1.0, -0.5, 0.25 }, new[] { 0.0 }, 3, LayerActivation.Sigmoid));
    }

    [Fact]
    public void NoisyTanhLayersContractInL2OfTheLayerLaws()
    {
        Func<double[], double>[] observables =
        {
            y => Math.Sin(2 * y[0]) + y[1] * y[2],
            y => Math.Exp(-y[0] * y[0] - y[1] * y[1]) - 0.5,
            y => y[0] + 0.3 * y[2],
        };
        foreach (bool residual in new[] { false, true })
        {
            var stack = TanhNetwork(residual ? 21 : 22, residual);
            var noise = new LayerNoise(new[] { 0.3, 0.5, 0.2, 0.4 });
            for (int layer = 0; layer < stack.Depth; layer++)
                for (int o = 0; o < observables.Length; o++)
                {
                    var e = NestedMonteCarlo(stack, noise, layer, observables[o], outer: 2000, inner: 32, seed: (ulong)(100 * layer + o + (residual ? 7 : 0)));
                    _output.WriteLine($"{(residual ? "residual" : "MLP")} layer {layer}, f{o}: ‖ℳf‖² = {e.Contracted:F4} ± {e.ContractedError:F4}, ‖f‖² = {e.Original:F4} ± {e.OriginalError:F4}, gap {e.Gap:F4} ± {e.GapError:F4}");
                    // Jensen: the gap E[Var(f(X_{n+1}) | X_n)] is ≥ 0; it may only look negative within MC error.
                    Assert.True(e.Gap >= -4 * e.GapError, $"layer {layer}, f{o}: ‖ℳf‖² exceeds ‖f‖² by {-e.Gap:E2} (se {e.GapError:E2})");
                }
        }
    }

    [Fact]
    public void JensenGapMatchesTheAnalyticValueOnALinearGaussianLayer()
    {
        // Layer n of a linear-Gaussian network, f(y) = wᵀy + c: (ℳf)(x) = wᵀH(x) + c, so with X_n ~ N(m, C)
        // ‖ℳf‖² = (wᵀ(Am + b′) + c)² + wᵀACAᵀw, ‖f‖² = ‖ℳf‖² + β²|w|².
        var stack = LinearGaussianNetwork.Create(31, new[] { 3, 3, 3, 3 }, new[] { true, false, true });
        var noise = new LayerNoise(new[] { 0.4, 0.3, 0.5 });
        double[] w = { 0.7, -1.1, 0.4 };
        const double c = 0.25;
        double F(double[] y) => w[0] * y[0] + w[1] * y[1] + w[2] * y[2] + c;
        var identity = new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
        var (means, covariances) = LinearGaussianNetwork.ExactMoments(stack, noise, new double[3], identity);
        for (int layer = 0; layer < stack.Depth; layer++)
        {
            // μ_{n+1} moments minus the layer's own noise give the law of H_n(X_n).
            var m = means[layer + 1];
            var cov = covariances[layer + 1];
            double mean = c, spread = 0;
            for (int i = 0; i < 3; i++)
            {
                mean += w[i] * m[i];
                for (int j = 0; j < 3; j++) spread += w[i] * (cov[i * 3 + j] - (i == j ? noise[layer] * noise[layer] : 0)) * w[j];
            }
            double contracted = mean * mean + spread;
            double gap = noise[layer] * noise[layer] * w.Sum(v => v * v);
            var e = NestedMonteCarlo(stack, noise, layer, F, outer: 20000, inner: 16, seed: (ulong)(500 + layer));
            _output.WriteLine($"layer {layer}: ‖ℳf‖² {e.Contracted:F4} vs exact {contracted:F4} (± {e.ContractedError:F4}); ‖f‖² {e.Original:F4} vs {contracted + gap:F4}; gap {e.Gap:F4} vs {gap:F4} (± {e.GapError:F4})");
            Assert.True(Math.Abs(e.Contracted - contracted) <= 4 * e.ContractedError, $"layer {layer}: ‖ℳf‖²");
            Assert.True(Math.Abs(e.Original - (contracted + gap)) <= 4 * e.OriginalError, $"layer {layer}: ‖f‖²");
            Assert.True(Math.Abs(e.Gap - gap) <= 4 * e.GapError, $"layer {layer}: Jensen gap");
        }
    }

    [Fact]
    public void DeterministicLayersAreIsometries()
    {
        var stack = TanhNetwork(23, residual: true);
        var noise = new LayerNoise(new[] { 0.3, 0.0, 0.2, 0.0 });
        foreach (int layer in new[] { 1, 3 })
        {
            var e = NestedMonteCarlo(stack, noise, layer, y => Math.Sin(2 * y[0]) + y[1] * y[2], outer: 500, inner: 4, seed: 9);
            Assert.True(Math.Abs(e.Contracted - e.Original) <= 1e-12 * e.Original, $"layer {layer}: {e.Contracted} vs {e.Original}");
        }
    }

    [Fact]
    public void GridCompositionOperatorPreservesConstants()
    {
        var stack = TanhNetwork(24, residual: true);
        var twoD = new StochasticLayerStack(2,
            new[] { new StochasticLayer(new[] { 1.2, -0.4, 0.3, 0.9 }, new[] { 0.1, -0.2 }, 2, LayerActivation.Tanh, 0.25), new StochasticLayer(new[] { -0.5, 0.8, 1.1, 0.2 }, new[] { 0.0, 0.3 }, 2, LayerActivation.Tanh, 0.25) },
            new StochasticReadout(new[] { 1.0, 1.0 }, new[] { 0.0 }, 2, LayerActivation.Sigmoid));
        foreach (var (network, lower, upper) in new[] { (stack, new[] { -1.0, -1.0, -1.0 }, new[] { 1.0, 1.0, 1.0 }), (twoD, new[] { -1.0, -1.0 }, new[] { 1.0, 1.0 }) })
            foreach (var integration in new[] { NoiseIntegration.GaussHermite, NoiseIntegration.GridConvolution })
            {
                var noise = LayerNoise.Uniform(0.2, network.Depth);
                var propagator = new GridOperatorPropagator(network, noise, lower, upper,
                    new GridOperatorOptions { Spacing = network.InputWidth == 3 ? 0.3 : 0.05, HermitePoints = network.InputWidth == 3 ? 3 : 5, NoiseIntegration = integration, CloudPointsPerAxis = 9, CloudPassesPerPoint = 4 });
                var ones = Enumerable.Repeat(1.0, propagator.Grids[^1].PointCount).ToArray();
                var backward = propagator.Backward(ones);
                for (int n = 0; n < network.Depth; n++)
                    Assert.All(backward[n], v => Assert.True(Math.Abs(v - 1) <= 1e-13, $"ℳ1 = {v}"));
                // The transfer operator conserves mass (the adjoint statement).
                var densities = propagator.ForwardFromInput(new double[network.InputWidth]);
                double mass = propagator.Integrate(network.Depth, ones, densities[network.Depth]!);
                Assert.True(Math.Abs(mass - 1) <= 1e-12, $"mass {mass}");
            }
    }
}
