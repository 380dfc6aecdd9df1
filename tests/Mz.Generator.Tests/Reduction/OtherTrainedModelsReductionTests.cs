using Mz.Core.Reduction;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Reduction;

/// <summary>
/// The build-time search on the trained models it was not developed on, at tolerance 0.02 with the calibration rows of
/// the training rows, judged on each dataset's unseen test rows against the float64 reference outputs: what shipped must hold up
/// there (the numbers are in docs/mz-reduction.md).
/// </summary>
public sealed class OtherTrainedModelsReductionTests
{
    private readonly ITestOutputHelper _output;

    public OtherTrainedModelsReductionTests(ITestOutputHelper output) { _output = output; }

    [Theory]
    [InlineData("cancer-mlp")]
    [InlineData("digits-mlp")]
    [InlineData("digits-sklearn-mlp")]
    public void ShippedReductionsHoldUpOnTheTestRows(string model)
    {
        const double tolerance = 0.02;
        var view = Mz.Core.Analysis.LayerView.FromGraph(Mz.Tests.Analysis.LayerViewTests.Prepare(model));
        // Calibration: the reference rows not marked is_test (the rows train.npz holds; the sample ships reference.npz only).
        var (trainInputs, _, _) = ReductionNetworks.ReferenceRows(model, test: false);
        var calibration = new ReductionCalibration(view, trainInputs, validationFraction: 0.2, seed: 1);
        var result = MzReductionSearch.Run(calibration, tolerance, MzReducerOptions.StandardSearch(2));
        Assert.True(result.MeetsTolerance, result.Diagnostic);
        var chosen = result.Chosen!;

        var (inputs, reference, labels) = ReductionNetworks.ReferenceRows(model, test: true);
        var full = view.Outputs(view.Logits(view.Forward(inputs)[view.Depth]));
        var reduced = view.Outputs(chosen.Network!.EvaluateRows(inputs));
        double testError = OutputErrors.RelativeL2(reduced, reference);
        double agreement = OutputErrors.TopOneAgreement(Decisions(reduced, view), Decisions(reference, view));
        double accuracy = OutputErrors.Accuracy(Decisions(reduced, view), labels);
        double fullAccuracy = OutputErrors.Accuracy(Decisions(full, view), labels);
        _output.WriteLine($"{model}: {chosen.FullMacCount}/{chosen.MacCount} = {chosen.MacRatio:F2}x (r = {chosen.Rank}, K = {chosen.MemoryLength}), " +
            $"val {chosen.ValidationError:F4}, fit {chosen.FitError:F4}, test {testError:F4}, accuracy {accuracy:F4} (full {fullAccuracy:F4}), agreement {agreement:F4}");

        // The full network in float64 is the reference the test rows were written with.
        Assert.True(OutputErrors.RelativeL2(full, reference) <= 1e-6);
        Assert.True(chosen.MacRatio > 1);
        // Unseen rows may sit a little further out than the validation rows; a reduction that only fits the calibration
        // rows would show here as an error well over the tolerance or lost decisions.
        Assert.True(testError <= 1.5 * tolerance, $"{model}: test relative error {testError:F4}");
        Assert.True(agreement >= 0.97, $"{model}: decision agreement {agreement:F4}");
        Assert.True(accuracy >= fullAccuracy - 0.02, $"{model}: test accuracy {accuracy:F4} against {fullAccuracy:F4}");
    }

    /// <summary>What the agreement compares: the outputs themselves, except that one sigmoid probability decides at ½ (logit 0).</summary>
    private static MathNet.Numerics.LinearAlgebra.Matrix<double> Decisions(MathNet.Numerics.LinearAlgebra.Matrix<double> outputs, Mz.Core.Analysis.LayerView view) =>
        view.OutputWidth == 1 && view.OutputActivation == Mz.Core.Analysis.OutputActivation.Sigmoid ? outputs.Map(p => p - 0.5) : outputs;
}
