using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Analysis;

/// <summary>
/// MZ.md §7.2 test 12: permuting hidden neurons together with their weights, and flipping the signs of paired basis
/// vectors, leave the reduced-model outputs (the lifted noise-free rollout) and the reported diagnostics unchanged.
/// </summary>
public sealed class InvarianceTests
{
    private readonly ITestOutputHelper _output;

    public InvarianceTests(ITestOutputHelper output) { _output = output; }

    private static Matrix<double> ReducedLogits(LayerView view, IReadOnlyList<Matrix<double>> states, LayerBasis[] bases)
    {
        var mz = MzDecomposition.Build(states, bases);
        var rollout = mz.Kernels.Rollout(mz.Coordinates[0]);
        return view.Logits(bases[view.Depth].LiftRows(rollout[view.Depth]));
    }

    private static LayerView Permuted(LayerView view, int layer, int[] permutation)
    {
        // Layer state `layer` (output of map layer−1) is permuted: rows of W_{layer−1}, b_{layer−1}; columns of W_layer.
        var maps = view.Layers.ToArray();
        var producer = maps[layer - 1];
        maps[layer - 1] = new LayerMap(producer.Kind, Matrix<double>.Build.Dense(producer.OutputWidth, producer.InputWidth, (i, j) => producer.Weight[permutation[i], j]),
            Vector<double>.Build.Dense(producer.OutputWidth, i => producer.Bias[permutation[i]]), producer.Activation, producer.Step);
        var consumer = maps[layer];
        maps[layer] = new LayerMap(consumer.Kind, Matrix<double>.Build.Dense(consumer.OutputWidth, consumer.InputWidth, (i, j) => consumer.Weight[i, permutation[j]]),
            consumer.Bias, consumer.Activation, consumer.Step);
        return new LayerView(view.InputWidth, view.Embedding, maps, view.Readout);
    }

    [Fact]
    public void HiddenNeuronPermutationLeavesReducedOutputsAndReportUnchanged()
    {
        var view = SyntheticNetworks.DenseNetwork(5, 10, 4, 3, Activation.Tanh, seed: 121);
        var inputs = SyntheticNetworks.Inputs(400, 5, seed: 122);
        var permutation = new[] { 3, 7, 0, 9, 1, 5, 8, 2, 6, 4 };
        var permuted = Permuted(view, 2, permutation);
        var options = new MzAnalysisOptions { Basis = new BasisOptions { Kind = BasisKind.Balanced, Rank = 4 }, MaxLag = 3, MaxAdjointRows = 0, RelativeRidge = 0 };

        var states = view.Forward(inputs);
        var permutedStates = permuted.Forward(inputs);
        var original = MzAnalysis.Analyze(view, states, view.Logits(states[view.Depth]), options);
        var shuffled = MzAnalysis.Analyze(permuted, permutedStates, permuted.Logits(permutedStates[permuted.Depth]), options);
        double worst = Math.Abs(original.LinearMoriValidationError - shuffled.LinearMoriValidationError) / original.LinearMoriValidationError;
        for (int n = 0; n < view.Depth; n++)
        {
            var a = original.Layers[n];
            var b = shuffled.Layers[n];
            worst = Math.Max(worst, Math.Abs(a.NoiseRatio - b.NoiseRatio) / a.NoiseRatio);
            worst = Math.Max(worst, Math.Abs(a.OrthogonalDynamicsFactor - b.OrthogonalDynamicsFactor));
            for (int k = 0; k < a.KernelNorms.Length; k++) worst = Math.Max(worst, Math.Abs(a.KernelNorms[k] - b.KernelNorms[k]));
        }

        var split = CalibrationSplit.Create(inputs.RowCount, options.ValidationFraction, options.Seed);
        var fit = CalibrationRunner.Select(view, states, view.Logits(states[view.Depth]), split.FitRows, true);
        var permutedFit = CalibrationRunner.Select(permuted, permutedStates, permuted.Logits(permutedStates[view.Depth]), split.FitRows, true);
        var bases = Enumerable.Range(0, view.Depth + 1).Select(n => BasisBuilder.Build(fit.States[n], fit.AdjointGramians![n], options.Basis)).ToArray();
        var permutedBases = Enumerable.Range(0, view.Depth + 1).Select(n => BasisBuilder.Build(permutedFit.States[n], permutedFit.AdjointGramians![n], options.Basis)).ToArray();
        double outputs = SyntheticNetworks.RelativeError(ReducedLogits(permuted, permutedFit.States, permutedBases), ReducedLogits(view, fit.States, bases));

        _output.WriteLine($"report {worst:E2}; reduced logits {outputs:E2}");
        Assert.True(worst <= 1e-10, $"report changed under permutation by {worst:E2}");
        Assert.True(outputs <= 1e-10, $"reduced outputs changed under permutation by {outputs:E2}");
    }

    [Fact]
    public void PairedBasisSignFlipsLeaveReducedOutputsUnchanged()
    {
        var view = SyntheticNetworks.DenseNetwork(5, 10, 5, 3, Activation.Tanh, seed: 123);
        var states = view.Forward(SyntheticNetworks.Inputs(400, 5, seed: 124));
        var fit = CalibrationRunner.Select(view, states, view.Logits(states[view.Depth]), Enumerable.Range(0, 400).ToArray(), true);
        var bases = Enumerable.Range(0, view.Depth + 1).Select(n => BasisBuilder.Build(fit.States[n], fit.AdjointGramians![n], new BasisOptions { Rank = 4 })).ToArray();
        var random = new DeterministicRandom(125);
        var flipped = bases.Select(b =>
        {
            var signs = Enumerable.Range(0, b.Rank).Select(_ => random.NextDouble() < 0.5 ? -1.0 : 1.0).ToArray();
            var d = Matrix<double>.Build.DenseOfDiagonalArray(signs);
            return new LayerBasis(BasisKind.Explicit, b.Mean, b.Lift * d, b.Restrict * d);
        }).ToArray();

        double outputs = SyntheticNetworks.RelativeError(ReducedLogits(view, states, flipped), ReducedLogits(view, states, bases));
        var original = MzDecomposition.Build(states, bases);
        var signed = MzDecomposition.Build(states, flipped);
        double diagnostics = 0;
        for (int n = 0; n < view.Depth; n++)
        {
            diagnostics = Math.Max(diagnostics, Math.Abs(original.NoiseRatio(n) - signed.NoiseRatio(n)));
            for (int k = 0; k <= n; k++) diagnostics = Math.Max(diagnostics, Math.Abs(original.Kernels.WhitenedNorm(n, k) - signed.Kernels.WhitenedNorm(n, k)));
        }
        _output.WriteLine($"reduced logits {outputs:E2}; diagnostics {diagnostics:E2}");
        Assert.True(outputs <= 1e-10, $"{outputs:E2}");
        Assert.True(diagnostics <= 1e-10, $"{diagnostics:E2}");
    }
}
