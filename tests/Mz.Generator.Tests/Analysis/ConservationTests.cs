using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Analysis;

/// <summary>
/// MZ.md §7.2 test 9, deterministic parts: P_n 1 = 1 and ℳ_n 1 = 1 for Mori projections with constants, Jensen's
/// contraction of the projected composition operator, and the isometry of ℳ_n for deterministic layers; plus the
/// exact duality and mass conservation of the finite-basis composition and transfer operators.
/// </summary>
public sealed class ConservationTests
{
    private readonly ITestOutputHelper _output;

    public ConservationTests(ITestOutputHelper output) { _output = output; }

    private static (LayerView View, IReadOnlyList<Matrix<double>> States, LayerBasis[] Bases) Network()
    {
        var view = SyntheticNetworks.DenseNetwork(5, 16, 4, 2, Activation.Tanh, seed: 91);
        var states = view.Forward(SyntheticNetworks.Inputs(600, 5, seed: 92));
        return (view, states, SyntheticNetworks.PcaBases(states, _ => 4));
    }

    [Fact]
    public void ConstantsAreConservedByProjectionCompositionAndTransfer()
    {
        var (view, states, bases) = Network();
        var unit = Vector<double>.Build.Dense(5, i => i == 0 ? 1 : 0);
        double worst = 0;
        for (int n = 0; n < view.Depth; n++)
        {
            var operators = LayerOperators.FromSamples(bases[n].Coordinates(states[n]), bases[n + 1].Coordinates(states[n + 1]));
            // P_n ℳ_n 1 = 1: the constant on layer n+1 maps to the constant on layer n, so Q_n ℳ_n 1 = 0.
            worst = Math.Max(worst, (operators.ApplyKoopman(unit) - unit).InfinityNorm());
            // 𝒩_n μ_n = μ_{n+1}: the density with weight 1 maps to weight 1.
            worst = Math.Max(worst, (operators.ApplyTransfer(unit) - unit).InfinityNorm());
        }
        _output.WriteLine($"P1 = 1, M1 = 1, N mu = mu: {worst:E2}");
        Assert.True(worst <= 1e-12, $"{worst:E2}");
    }

    [Fact]
    public void ProjectedCompositionContractsAndIsDualToTransfer()
    {
        var (view, states, bases) = Network();
        var random = new DeterministicRandom(93);
        double worstDuality = 0, largestRatio = 0;
        for (int n = 0; n < view.Depth; n++)
        {
            var operators = LayerOperators.FromSamples(bases[n].Coordinates(states[n]), bases[n + 1].Coordinates(states[n + 1]));
            for (int trial = 0; trial < 20; trial++)
            {
                var c = Vector<double>.Build.Dense(5, _ => random.NextNormal());
                var a = Vector<double>.Build.Dense(5, _ => random.NextNormal());
                // Jensen (F2): ‖P_n ℳ_n u‖_{L²(μ_n)} ≤ ‖u‖_{L²(μ_{n+1})}.
                double ratio = Math.Sqrt(LayerOperators.SquaredNorm(operators.ApplyKoopman(c), operators.InputGram) / LayerOperators.SquaredNorm(c, operators.OutputGram));
                largestRatio = Math.Max(largestRatio, ratio);
                // ⟨ℳu, p⟩ = ⟨u, 𝒩p⟩ for u = cᵀ g_{n+1} and p = (aᵀ g_n) μ_n.
                double left = operators.ApplyKoopman(c) * (operators.InputGram * a);
                double right = c * (operators.OutputGram * operators.ApplyTransfer(a));
                worstDuality = Math.Max(worstDuality, Math.Abs(left - right) / Math.Max(Math.Abs(left), 1e-300));
            }
        }
        _output.WriteLine($"largest ‖PMu‖/‖u‖ {largestRatio:F6}; duality {worstDuality:E2}");
        Assert.True(largestRatio <= 1 + 1e-12, $"projected composition expanded a function: {largestRatio}");
        Assert.True(worstDuality <= 1e-10, $"duality {worstDuality:E2}");
    }

    [Fact]
    public void CompositionOperatorOfADeterministicLayerIsAnIsometryOnTheLayerMarginals()
    {
        // ‖ℳ_n f‖_{L²(μ_n)} = ‖f‖_{L²(μ_{n+1})} for f nonlinear, with ℳ_n f = f∘H_n evaluated through the layer map on the
        // layer-n samples and μ_{n+1} taken from the reference interpreter's states of the trained model.
        var graph = LayerViewTests.Prepare("digits-resmlp-deep");
        var view = LayerView.FromGraph(graph);
        var inputs = TrainedModelAnalysisTests.TrainingRows("digits-resmlp-deep").SubMatrix(0, 300, 0, 64);
        var states = CalibrationRunner.InterpretStates(graph, view, inputs, out _);
        var random = new DeterministicRandom(94);
        double worst = 0;
        foreach (int n in new[] { 0, 15, 31 })
        {
            var direction = Vector<double>.Build.Dense(64, _ => random.NextNormal());
            double Norm(Matrix<double> x) => Math.Sqrt(x.EnumerateRows().Average(row => Math.Pow(Math.Sin(row * direction) + 0.3 * Math.Cos(2 * (row * direction)), 2)));
            double composed = Norm(view.Layers[n].ApplyToRows(states[n]));
            double next = Norm(states[n + 1]);
            worst = Math.Max(worst, Math.Abs(composed - next) / next);
        }
        _output.WriteLine($"isometry: {worst:E2}");
        Assert.True(worst <= 1e-10, $"{worst:E2}");
    }
}
