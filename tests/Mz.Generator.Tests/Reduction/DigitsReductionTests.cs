using System.Diagnostics;
using Mz.Core.Reduction;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Reduction;

/// <summary>The reduction study on digits-resmlp-deep at tolerance 0.02, calibrated on train.npz, reported on the test rows.</summary>
public sealed class DigitsReductionTests
{
    private readonly ITestOutputHelper _output;

    public DigitsReductionTests(ITestOutputHelper output) { _output = output; }

    [Fact]
    public void FullDigitsResMlpDeepCounts135808Macs()
    {
        var view = ReductionNetworks.DigitsResMlpDeep();
        Assert.Equal(135_808, NetworkCost.MacCount(view));
    }

    [Fact]
    public void ReductionStudyOnDigitsResMlpDeep()
    {
        var watch = Stopwatch.StartNew();
        var view = ReductionNetworks.DigitsResMlpDeep();
        var calibration = new ReductionCalibration(view, ReductionNetworks.DigitsTrainingRows(), validationFraction: 0.2, seed: 1);
        var study = ReductionStudy.Run(calibration, 0.02, new ReductionStudyOptions
        {
            Mz = new MzReducerOptions
            {
                Ranks = new[] { 8, 10, 12, 16, 24 },
                MemoryLengths = new[] { 0, 1 },
                MergeLengths = new[] { 4, 8, 16 },
                HiddenUnits = new[] { 64, 96, 128, 160, 192, 256 },
            },
        });
        _output.WriteLine($"{watch.Elapsed.TotalSeconds:F1} s");
        _output.WriteLine(study.Format());
        foreach (var result in study.Results)
            foreach (var candidate in result.Evaluated) _output.WriteLine("  " + candidate);

        var (inputs, logits, labels) = ReductionNetworks.DigitsTestRows();
        Assert.True(study.Mz.MeetsTolerance, study.Mz.Diagnostic);
        var chosen = study.Mz.Chosen!;
        var reduced = chosen.Network!.EvaluateRows(inputs);
        double testError = OutputErrors.RelativeL2(reduced, logits);
        double accuracy = OutputErrors.Accuracy(reduced, labels);
        double agreement = OutputErrors.TopOneAgreement(reduced, logits);
        _output.WriteLine(chosen.Network.Describe().Format());
        _output.WriteLine($"macs {chosen.FullMacCount}/{chosen.MacCount} = {chosen.MacRatio:F1}x, val {chosen.ValidationError:F4}, test {testError:F4}, " +
            $"accuracy {accuracy:F4} (full {OutputErrors.Accuracy(logits, labels):F4}), top-1 agreement {agreement:F4}, best peer {study.BestPeerRatio:F1}x, K=0 {study.MarkovAblation.Reported}");

        Assert.True(study.MarkovAblation.MeetsTolerance, study.MarkovAblation.Diagnostic);
        var markov = study.MarkovAblation.Chosen!.Network!.EvaluateRows(inputs);
        _output.WriteLine($"K=0 ablation on test rows: error {OutputErrors.RelativeL2(markov, logits):F4}, accuracy {OutputErrors.Accuracy(markov, labels):F4}, agreement {OutputErrors.TopOneAgreement(markov, logits):F4}");
        for (int i = 0; i < 8; i++)
        {
            // The per-row evaluation (the form a generator emits) matches the batched one.
            var single = chosen.Network.Evaluate(inputs.Row(i).ToArray());
            for (int j = 0; j < single.Length; j++) Assert.Equal(reduced[i, j], single[j], 10);
        }

        // Measured (docs/mz-reduction.md): 21.7x at validation 0.0176, test 0.0181, accuracy 0.961, agreement 0.994; peers ≤ 2.5x.
        foreach (var warning in study.Mz.Warnings) _output.WriteLine("warning: " + warning);
        Assert.True(chosen.ValidationError <= 0.02);
        Assert.True(chosen.MacRatio >= 12, $"MACs ratio {chosen.MacRatio:F1}");
        Assert.True(chosen.MacRatio >= 4 * study.BestPeerRatio, $"{chosen.MacRatio:F1}x against best peer {study.BestPeerRatio:F1}x");
        Assert.True(testError <= 0.025, $"test relative error {testError:F4}");
        Assert.True(accuracy >= 0.96, $"test accuracy {accuracy:F4}");
        Assert.True(agreement >= 0.99, $"top-1 agreement {agreement:F4}");
    }
}
