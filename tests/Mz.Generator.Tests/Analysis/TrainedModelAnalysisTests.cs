using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Mz.Core.Data;
using Mz.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Analysis;

/// <summary>The analysis on the committed digits-resmlp-deep, calibrated on its own training rows (train.npz).</summary>
public sealed class TrainedModelAnalysisTests
{
    private readonly ITestOutputHelper _output;

    public TrainedModelAnalysisTests(ITestOutputHelper output) { _output = output; }

    internal static Matrix<double> TrainingRows(string name)
    {
        var x = NpzReader.Read(File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, name, "train.npz")), name)["x"];
        int rows = (int)x.Rows, cols = (int)x.RowSize;
        return Matrix<double>.Build.Dense(rows, cols, (i, j) => x.Data[i * cols + j]);
    }

    [Fact]
    public void DigitsResMlpDeepReportHoldsTheSpecifiedProperties()
    {
        var graph = LayerViewTests.Prepare("digits-resmlp-deep");
        var calibration = TrainingRows("digits-resmlp-deep");
        var watch = Stopwatch.StartNew();
        var report = MzAnalysis.Analyze(graph, calibration);
        _output.WriteLine($"{watch.Elapsed.TotalSeconds:F2} s (wall, test host)");
        _output.WriteLine(report.Format());

        Assert.Equal(1437, report.CalibrationRows);
        Assert.Equal(report.CalibrationRows, report.FitRows + report.ValidationRows);
        Assert.Equal(32, report.Layers.Length);
        Assert.Equal(16, report.InputRank);
        Assert.All(report.Layers, layer =>
        {
            Assert.Equal(LayerMapKind.Residual, layer.Kind);
            Assert.InRange(layer.Rank, 1, 16);
            Assert.Equal(Math.Min(layer.Index, report.MaxLag) + 1, layer.KernelNorms.Length);
            // Whitened kernels are products of operators of norm ≤ 1 (F2, product lemma); Ω̃^(0) holds canonical correlations.
            Assert.All(layer.KernelNorms, norm => Assert.InRange(norm, 0, 1 + 1e-9));
            // κ^lin is the norm of a compressed whitened cross-covariance: ≤ 1, and ≈ 1 for a deterministic layer (§5.7).
            Assert.InRange(layer.OrthogonalDynamicsFactor, 0.99, 1 + 1e-9);
            // η is the last stage-wise regression residual; each stage is orthogonal to its regressor, so ‖η‖ ≤ ‖z‖.
            Assert.InRange(layer.NoiseRatio, 0, 1);
            Assert.InRange(layer.RecommendedMemory, 0, report.MaxLag);
            Assert.True(double.IsNaN(layer.MaximalCorrelationBound), "a deterministic layer has no Theorem A bound");
            Assert.InRange(layer.BranchRatio, 0, 1);
        });
        Assert.InRange(report.MedianDecayRate, 0, 1);
        Assert.InRange(report.RecommendedMemory, 0, report.MaxLag);
        Assert.InRange(report.MedianNoiseRatio, 0, 1);
        // Linear Mori collapses to linear regression on z_0 (§3): a real but limited predictor of the logits.
        Assert.InRange(report.LinearMoriValidationError, 1e-3, 1);
        // 1150 fit rows ≥ 10(K+1)r + 10r = 960 for r = 16, K = 4: no sample-size warning.
        Assert.DoesNotContain(report.Warnings, w => w.Contains("too small"));
    }

    [Fact]
    public void CollapseAndTeacherForcedExactnessHoldOnTheTrainedModel()
    {
        var graph = LayerViewTests.Prepare("digits-resmlp-deep");
        var view = LayerView.FromGraph(graph);
        var states = CalibrationRunner.CheckedStates(graph, view, TrainingRows("digits-resmlp-deep").SubMatrix(0, 400, 0, 64), out _);
        var bases = SyntheticNetworks.PcaBases(states, _ => 8);
        var mz = MzDecomposition.Build(states, bases);
        var z = mz.Coordinates;
        var rollout = mz.Kernels.Rollout(z[0]);
        var regression = z[0] * SyntheticNetworks.LeastSquares(z[0], z[view.Depth]);
        double collapse = SyntheticNetworks.RelativeError(rollout[view.Depth], regression);
        int last = view.Depth - 1;
        var eta = mz.Kernels.NoiseTerm(last, z);
        double orthogonality = (eta.TransposeThisAndMultiply(z[0]) / z[0].RowCount).Enumerate().Max(Math.Abs)
            / (eta.FrobeniusNorm() / Math.Sqrt(eta.RowCount * eta.ColumnCount) * z[0].FrobeniusNorm() / Math.Sqrt(z[0].RowCount * z[0].ColumnCount));
        _output.WriteLine($"collapse {collapse:E2}; E[η z0ᵀ] {orthogonality:E2}");
        Assert.True(collapse <= 1e-10, $"{collapse:E2}");
        Assert.True(orthogonality <= 1e-12, $"{orthogonality:E2}");
    }

    [Fact]
    public void SmallCalibrationSetsAreFlaggedAndReportsAreReproducible()
    {
        var view = SyntheticNetworks.DenseNetwork(4, 12, 3, 2, Activation.Tanh, seed: 131);
        var states = view.Forward(SyntheticNetworks.Inputs(200, 4, seed: 132));
        var logits = view.Logits(states[view.Depth]);
        var options = new MzAnalysisOptions { Basis = new BasisOptions { Rank = 6 }, MaxLag = 2 };
        var first = MzAnalysis.Analyze(view, states, logits, options);
        var second = MzAnalysis.Analyze(view, states, logits, options);
        // 160 fit rows < 10·3·6 + 10·6 = 240.
        Assert.Contains(first.Warnings, w => w.Contains("too small"));
        Assert.Equal(first.Format(), second.Format());
        Assert.Equal(first.Layers.SelectMany(l => l.KernelNorms), second.Layers.SelectMany(l => l.KernelNorms));
    }
}
