using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Mz.Core.Reduction;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Reduction;

/// <summary>
/// The MZ search on digits-deep-tanh-mlp, a plain (no residual connections) 64-256×6-10 tanh MLP that no part of the
/// reducer was developed on, at tolerance 0.02: calibrated on train.npz, reported on the unseen test rows.
/// </summary>
public sealed class DeepTanhMlpReductionTests
{
    private readonly ITestOutputHelper _output;

    public DeepTanhMlpReductionTests(ITestOutputHelper output) { _output = output; }

    [Fact]
    public void PlainDeepTanhMlpNeedsTenTimesFewerMacsAtTwoPercent()
    {
        var watch = Stopwatch.StartNew();
        var view = ReductionNetworks.DigitsDeepTanhMlp();
        Assert.All(view.Layers, layer => Assert.Equal(LayerMapKind.Dense, layer.Kind));
        Assert.Equal(64 * 256 + 5 * 256 * 256 + 256 * 10, NetworkCost.MacCount(view));
        var (inputs, logits, labels) = ReductionNetworks.DigitsTestRows("digits-deep-tanh-mlp");
        // The float64 layer view reproduces the committed float64 reference logits: the test compares with the real network.
        Assert.True(OutputErrors.RelativeL2(view.Logits(view.Forward(inputs)[view.Depth]), logits) < 1e-12);

        var calibration = new ReductionCalibration(view, ReductionNetworks.DigitsDeepTanhMlpTrainingRows(), validationFraction: 0.2, seed: 1);
        // The grid of `mz reduce` narrowed to the ranks around its choice and K = 0, to keep the test short; the documented
        // numbers (docs/mz-reduction.md) come from the full command.
        var result = MzReductionSearch.Run(calibration, 0.02, new MzReducerOptions
        {
            Ranks = new[] { 12, 16 },
            MemoryLengths = new[] { 0 },
            MergeLengths = new[] { 1 },
            HiddenUnits = new[] { 64, 96, 128, 160, 192, 256, 0 },
        });
        _output.WriteLine($"{watch.Elapsed.TotalSeconds:F1} s, {result.Evaluated.Count} models");
        foreach (var candidate in result.Evaluated) _output.WriteLine("  " + candidate);

        Assert.True(result.MeetsTolerance, result.Diagnostic);
        var chosen = result.Chosen!;
        var reduced = chosen.Network!.EvaluateRows(inputs);
        double testError = OutputErrors.RelativeL2(reduced, logits);
        double agreement = OutputErrors.TopOneAgreement(reduced, logits);
        _output.WriteLine(chosen.Network.Describe().Format());
        _output.WriteLine($"macs {chosen.FullMacCount}/{chosen.MacCount} = {chosen.MacRatio:F2}x, val {chosen.ValidationError:F4}, test {testError:F4}, " +
            $"accuracy {OutputErrors.Accuracy(reduced, labels):F4} (full {OutputErrors.Accuracy(logits, labels):F4}), top-1 agreement {agreement:F4}");

        Assert.True(chosen.MacRatio >= 10, $"MACs ratio {chosen.MacRatio:F2}");
        Assert.True(chosen.ValidationError <= 0.02);
        Assert.True(testError <= 0.025, $"test relative error {testError:F4}");
        Assert.True(agreement >= 0.99, $"top-1 agreement {agreement:F4}");
        // What gets a plain MLP there: the early layers keep far fewer hidden units than the last ones.
        var units = chosen.Network.Stages.Select(s => s.HiddenUnits).ToArray();
        Assert.True(units[0] < units[^1], $"hidden units per stage: {string.Join(", ", units)}");
    }

    [Fact]
    public void ForwardSelectionKeepsTheUnitsTheTargetNeeds()
    {
        // Five loud units the target ignores and two quiet ones it is made of: pivoted QR keeps loud units, forward
        // selection against the target keeps the two it needs, and the fit on them is exact.
        var random = new DeterministicRandom(17);
        var activations = Matrix<double>.Build.Dense(200, 7, (i, j) => (j < 5 ? 10 : 0.1) * random.NextNormal());
        var target = Matrix<double>.Build.Dense(200, 2, (i, k) => k == 0 ? activations[i, 5] + 2 * activations[i, 6] : activations[i, 6] - 3);

        Assert.DoesNotContain(5, NeuronSelection.PivotedColumns(activations, 2));
        var kept = NeuronSelection.ForTarget(activations, target, Array.Empty<Matrix<double>>(), 2);
        Assert.Equal(new[] { 5, 6 }, kept);
        var fit = RidgeRegression.Fit(target, new[] { MzReducer.SelectColumns(activations, kept) }, 0);
        Assert.True(fit.ResidualRms < 1e-12, $"residual {fit.ResidualRms}");
    }

    [Fact]
    public void ForwardSelectionIgnoresWhatTheFixedRegressorsAlreadyExplain()
    {
        // Unit 0 is the fixed regressor itself: it adds nothing, so the target's other part (unit 2) comes first.
        var random = new DeterministicRandom(23);
        var activations = Matrix<double>.Build.Dense(150, 4, (i, j) => random.NextNormal());
        var regressor = Matrix<double>.Build.Dense(150, 1, (i, _) => activations[i, 0]);
        var target = Matrix<double>.Build.Dense(150, 1, (i, _) => 5 * activations[i, 0] + 0.5 * activations[i, 2]);

        Assert.Equal(new[] { 2 }, NeuronSelection.ForTarget(activations, target, new[] { regressor }, 1));
        Assert.Equal(new[] { 0 }, NeuronSelection.ForTarget(activations, target, Array.Empty<Matrix<double>>(), 1));
    }
}
