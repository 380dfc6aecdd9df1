using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Mz.Core.Reduction;
using Mz.Tests.Analysis;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Reduction;

/// <summary>MZ.md §7.2 property tests 4, 8, 13 and 15 for the reduction engine, on small seeded networks.</summary>
public sealed class ReductionPropertyTests
{
    private readonly ITestOutputHelper _output;

    public ReductionPropertyTests(ITestOutputHelper output) { _output = output; }

    public static TheoryData<string, int> FullRankCases => new()
    {
        { "residual", 0 },
        { "residual", 2 },
        { "dense", 0 },
        { "dense", 2 },
    };

    private static LayerView Network(string kind) => kind == "residual"
        ? ReductionNetworks.ResidualNetwork(5, 8, 4, 3, seed: 11)
        : SyntheticNetworks.DenseNetwork(4, 6, 4, 2, Activation.Tanh, seed: 12);

    /// <summary>Test 4: with r_n = N_n and Φ = Ψ = I, (3.1) reproduces the network and the fitted kernels vanish.</summary>
    [Theory]
    [MemberData(nameof(FullRankCases))]
    public void FullRankGalerkinReproducesTheNetwork(string kind, int memoryLength)
    {
        var view = Network(kind);
        var calibration = new ReductionCalibration(view, SyntheticNetworks.Inputs(300, view.InputWidth, seed: 21), 0.2, seed: 3);
        var options = new MzReducerOptions { IdentityBases = true, OutputMap = OutputMapKind.Galerkin, RelativeRidge = 1e-10 };
        var network = MzReducer.Build(calibration, new ReductionConfiguration(64, memoryLength), options);

        double fitError = OutputErrors.RelativeL2(network.EvaluateRows(calibration.FitInputs), calibration.FitLogits);
        double validationError = OutputErrors.RelativeL2(network.EvaluateRows(calibration.ValidationInputs), calibration.ValidationLogits);
        _output.WriteLine($"{kind} K={memoryLength}: fit {fitError:E2}, validation {validationError:E2}");
        Assert.True(fitError <= 1e-10, $"fit split {fitError:E2}");
        Assert.True(validationError <= 1e-10, $"validation split {validationError:E2}");

        for (int s = 0; s < network.Stages.Count; s++)
        {
            var stage = network.Stages[s];
            Assert.Equal(Math.Min(memoryLength, s), stage.MemoryLength);
            var mean = Mean(calibration.FitStates[s]);
            var nextMean = Mean(calibration.FitStates[s + 1]);
            // Galerkin part: ΨᵀΦ = I and Ψᵀ(m_n − m_{n+1}) for a residual layer, −m_{n+1} for a dense one; the rest is fitted and must vanish.
            var galerkinLinear = view.Layers[s].Kind == LayerMapKind.Residual ? Matrix<double>.Build.DenseIdentity(stage.OutputRank) : Matrix<double>.Build.Dense(stage.OutputRank, stage.InputRank);
            var galerkinOffset = view.Layers[s].Kind == LayerMapKind.Residual ? mean - nextMean : -nextMean;
            Assert.True(MaxAbs(stage.Linear! - galerkinLinear) <= 1e-10, $"lag-0 kernel of stage {s}: {MaxAbs(stage.Linear! - galerkinLinear):E2}");
            Assert.True((stage.Offset - galerkinOffset).AbsoluteMaximum() <= 1e-10, $"fitted offset of stage {s}");
            Assert.All(stage.MemoryKernels, kernel => Assert.True(MaxAbs(kernel) <= 1e-10, $"memory kernel of stage {s}: {MaxAbs(kernel):E2}"));
        }

        // The per-row evaluation (the generator's form) agrees with the batched one.
        var rows = network.EvaluateRows(calibration.ValidationInputs);
        for (int i = 0; i < 5; i++)
        {
            var single = network.Evaluate(calibration.ValidationInputs.Row(i).ToArray());
            for (int j = 0; j < single.Length; j++) Assert.Equal(rows[i, j], single[j], 12);
        }
    }

    /// <summary>
    /// Block replacement (MZ.md §5.9 item 2) is exact where it should be: residual blocks with a linear branch,
    /// x + h·(W x + b), are affine, so full-rank affine stages — merged runs of them included — reproduce the network to
    /// round-off, and each costs r² multiply-adds whatever the number of blocks it replaces.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void AffineReplacementOfLinearBlocksIsExact(int merge)
    {
        var tanh = ReductionNetworks.ResidualNetwork(4, 6, 6, 3, seed: 61);
        var linear = new LayerView(tanh.InputWidth, tanh.Embedding,
            tanh.Layers.Select(l => new LayerMap(LayerMapKind.Residual, l.Weight, l.Bias, Activation.Identity, l.Step)).ToList(), tanh.Readout);
        var calibration = new ReductionCalibration(linear, SyntheticNetworks.Inputs(300, linear.InputWidth, seed: 62), 0.2, seed: 3);
        int stages = linear.Depth / merge;
        var configuration = new ReductionConfiguration(64, 0, merge, 0, Enumerable.Repeat(ReductionConfiguration.AffineStage, stages).ToArray());
        var network = MzReducer.Build(calibration, configuration, new MzReducerOptions { IdentityBases = true, RelativeRidge = 0 });

        Assert.Equal(stages, network.Depth);
        Assert.All(network.Stages, stage => Assert.True(stage.IsAffine));
        Assert.All(network.Stages, stage => Assert.Equal(6L * 6, stage.MacCount));
        double error = OutputErrors.RelativeL2(network.EvaluateRows(calibration.ValidationInputs), calibration.ValidationLogits);
        _output.WriteLine($"merge {merge}: {stages} affine stages, validation relative error {error:E2}");
        Assert.True(error <= 1e-10, $"affine stages of linear blocks: {error:E2}");

        // Tanh blocks are not affine: the same replacement is visibly wrong there (the test can fail).
        var tanhCalibration = new ReductionCalibration(tanh, SyntheticNetworks.Inputs(300, tanh.InputWidth, seed: 62), 0.2, seed: 3);
        var tanhNetwork = MzReducer.Build(tanhCalibration, configuration, new MzReducerOptions { IdentityBases = true, RelativeRidge = 0 });
        double tanhError = OutputErrors.RelativeL2(tanhNetwork.EvaluateRows(tanhCalibration.ValidationInputs), tanhCalibration.ValidationLogits);
        _output.WriteLine($"the same on tanh blocks: {tanhError:E2}");
        Assert.True(tanhError > 1e-3);
    }

    /// <summary>Test 8: with the upstream rollout held fixed and α = 0, the in-sample one-step residual is non-increasing in K.</summary>
    [Fact]
    public void InSampleDefectIsNonIncreasingInMemoryLength()
    {
        var view = ReductionNetworks.ResidualNetwork(6, 12, 7, 3, seed: 31);
        var calibration = new ReductionCalibration(view, SyntheticNetworks.Inputs(400, view.InputWidth, seed: 32), 0.2, seed: 5);
        var network = MzReducer.Build(calibration, new ReductionConfiguration(4, 0));
        var rollout = network.Rollout(calibration.FitInputs);
        int layer = view.Depth - 1;
        var target = calibration.Basis(layer + 1, 4).Coordinates(calibration.FitStates[layer + 1]);
        var stage = network.Stages[layer];
        var hidden = DenseRows(rollout[layer] * stage.HiddenWeight.Transpose(), stage.HiddenBias, stage.Activation);

        double previous = double.PositiveInfinity;
        for (int memory = 0; memory <= layer; memory++)
        {
            var regressors = new List<Matrix<double>> { hidden };
            for (int k = 0; k <= memory; k++) regressors.Add(rollout[layer - k]);
            double residual = RidgeRegression.Fit(target, regressors, 0).ResidualRms;
            _output.WriteLine($"K={memory}: in-sample residual {residual:E6}");
            Assert.True(residual <= previous * (1 + 1e-10) + 1e-14, $"K={memory}: {residual:E6} > {previous:E6}");
            previous = residual;
        }
    }

    /// <summary>Test 15: a model whose validation error exceeds the tolerance is never returned; the result says so instead.</summary>
    [Fact]
    public void GateNeverShipsAModelOverTolerance()
    {
        var view = ReductionNetworks.ResidualNetwork(6, 16, 6, 3, seed: 41);
        var calibration = new ReductionCalibration(view, SyntheticNetworks.Inputs(400, view.InputWidth, seed: 42), 0.2, seed: 7);
        var options = new MzReducerOptions { Ranks = new[] { 2, 4, 8 }, MemoryLengths = new[] { 0, 1 }, MergeLengths = new[] { 1, 3 }, HiddenUnits = new[] { 4, 8, 0 }, ValidationMargin = 1.2 };

        var impossible = MzReductionSearch.Run(calibration, 1e-9, options);
        Assert.False(impossible.MeetsTolerance);
        Assert.Null(impossible.Network);
        Assert.NotEmpty(impossible.Evaluated);
        Assert.True(impossible.BestError > 1e-9);
        // The best error is the smallest of what the gate compares: each model's larger of validation and fit error.
        Assert.Equal(impossible.Evaluated.Min(c => Math.Max(c.ValidationError, c.FitError)), impossible.BestError);
        Assert.Contains("keep the full model", impossible.Diagnostic);
        Assert.Null(InterpolativePruning.Search(calibration, 1e-9, new[] { 2, 4 }).Network);
        Assert.Null(TruncatedSvdReduction.Search(calibration, 1e-9, new[] { 2, 4 }).Network);

        foreach (double tolerance in new[] { 0.3, 0.1, 0.03 })
        {
            var result = MzReductionSearch.Run(calibration, tolerance, options);
            _output.WriteLine(result.Diagnostic);
            double gate = tolerance / options.ValidationMargin;
            Assert.All(result.Evaluated, c => Assert.Equal(c.ValidationError <= gate && c.FitError <= gate, c.MeetsTolerance));
            if (!result.MeetsTolerance)
            {
                Assert.Null(result.Network);
                Assert.True(result.BestError > gate);
                continue;
            }
            // Re-validate independently of the search's own bookkeeping, on the held-out rows and on the fit rows.
            double error = OutputErrors.RelativeL2(result.Network!.EvaluateRows(calibration.ValidationInputs), calibration.ValidationLogits);
            Assert.True(error <= gate, $"tolerance {tolerance}: shipped a model with validation error {error}");
            double fitError = OutputErrors.RelativeL2(result.Network!.EvaluateRows(calibration.FitInputs), calibration.FitLogits);
            Assert.True(fitError <= gate, $"tolerance {tolerance}: shipped a model with fit error {fitError}");
            Assert.Equal(result.Evaluated.Where(c => c.MeetsTolerance).Min(c => c.MacCount), result.Chosen!.MacCount);
        }
    }

    /// <summary>
    /// The search skips a point it prices at or above the cheapest passing model without building it, so the price must
    /// be exact: equal to the built network's MAC count, with ranks capped by the bases (the last state at the outputs'
    /// rank), memory, merged runs, thinned and affine stages.
    /// </summary>
    [Fact]
    public void PredictedMacsEqualTheBuiltNetworksCount()
    {
        var view = ReductionNetworks.ResidualNetwork(6, 16, 6, 3, seed: 71);
        var calibration = new ReductionCalibration(view, SyntheticNetworks.Inputs(300, view.InputWidth, seed: 72), 0.2, seed: 9);
        var options = new MzReducerOptions();
        int affine = ReductionConfiguration.AffineStage;
        foreach (var configuration in new[]
        {
            new ReductionConfiguration(5, 0, 1, 0),
            new ReductionConfiguration(5, 2, 2, 8),
            new ReductionConfiguration(12, 1, 3, 0, new[] { 8, affine }),
            new ReductionConfiguration(4, 2, 1, 0, new[] { affine, 4, 8, affine, 16, 4 }),
            new ReductionConfiguration(16, 0, 6, affine),
        })
        {
            var boundaries = MzReducer.Boundaries(view, configuration.MergeLength);
            var ranks = MzReducer.StateRanks(calibration, boundaries, configuration.Rank, options);
            var network = MzReducer.Build(calibration, configuration, options);
            Assert.Equal(network.StateRanks, ranks);
            Assert.Equal(network.MacCount, MzReductionSearch.PredictedMacs(view, boundaries, configuration, ranks));
        }
    }

    /// <summary>Test 13 (library side): the reported MAC count is the count of weight multiply-adds, stage by stage.</summary>
    [Fact]
    public void MacCountsMatchTheOperationsOfEachVariant()
    {
        var view = ReductionNetworks.ResidualNetwork(6, 16, 6, 3, seed: 51);
        var calibration = new ReductionCalibration(view, SyntheticNetworks.Inputs(300, view.InputWidth, seed: 52), 0.2, seed: 9);
        Assert.Equal(16 * 6 + 6 * 16 * 16 + 3 * 16, NetworkCost.MacCount(view));

        var mz = MzReducer.Build(calibration, new ReductionConfiguration(5, 2, 3, 12));
        // The last state is capped at 3 by the balanced basis: the adjoint Gramian has the rank of the 3 logits.
        Assert.Equal(new[] { 5, 5, 3 }, mz.StateRanks);
        long r0 = 5, r1 = 5, r2 = 3, j = 12;
        // Input map r·d_in; per stage J·r_in + r_out·J + r_out·r_in (lag 0) + r_out·r_{s−k} per memory lag; readout d_out·r.
        long expected = r0 * 6 + (j * r0 + r1 * j + r1 * r0) + (j * r1 + r2 * j + r2 * r1 + r2 * r0) + 3 * r2;
        Assert.Equal(expected, mz.MacCount);
        var description = mz.Describe();
        Assert.Equal(mz.MacCount, r0 * 6 + description.Stages.Sum(s => s.MacCount) + 3 * r2);
        Assert.Equal(new[] { (0, 3), (3, 3) }, description.MergedBlocks);

        Assert.Equal(16 * 6 + 6 * (8 * 16 + 16 * 8) + 3 * 16, InterpolativePruning.Build(calibration, 8).MacCount);
        Assert.Equal(16 * 6 + 6 * (4 * 16 + 16 * 4) + 3 * 16, TruncatedSvdReduction.Build(view, 4).MacCount);
    }

    private static Vector<double> Mean(Matrix<double> rows) => rows.ColumnSums() / rows.RowCount;

    private static double MaxAbs(Matrix<double> m) => m.Enumerate().Select(Math.Abs).DefaultIfEmpty(0).Max();

    private static Matrix<double> DenseRows(Matrix<double> pre, Vector<double> bias, Activation activation)
    {
        var result = pre.Clone();
        for (int i = 0; i < result.RowCount; i++)
            for (int j = 0; j < result.ColumnCount; j++) result[i, j] = ActivationMath.Apply(activation, pre[i, j] + bias[j]);
        return result;
    }
}
