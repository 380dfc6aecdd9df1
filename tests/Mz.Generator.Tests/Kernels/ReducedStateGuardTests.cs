using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Reduction;
using Mz.Kernels;
using Mz.Tests.Analysis;
using Mz.Tests.Reduction;
using Xunit;

namespace Mz.Tests.Kernels;

/// <summary>The runtime guard kernels against the library's bounds they are generated from (float64, so to round-off).</summary>
public sealed class ReducedStateGuardTests
{
    private static (ReducedNetwork Network, ReducedStateBounds Bounds, Matrix<double> Inputs) Fitted()
    {
        var view = ReductionNetworks.ResidualNetwork(6, 16, 4, 3, seed: 91);
        var inputs = SyntheticNetworks.Inputs(300, view.InputWidth, seed: 92);
        var calibration = new ReductionCalibration(view, inputs, 0.2, seed: 3);
        var network = MzReducer.Build(calibration, new ReductionConfiguration(4, 1, 2, 8));
        return (network, ReducedStateBounds.Fit(network, inputs), inputs);
    }

    [Fact]
    public void InputCheckMatchesTheLibraryBound()
    {
        var (_, bounds, inputs) = Fitted();
        var input = bounds.Input;
        Assert.Equal(4, input.Rank);
        // Calibration rows, rows scaled far out, and a row with every coordinate at the mean's opposite.
        var rows = Matrix<double>.Build.DenseOfRows(Enumerable.Range(0, 20).Select(i => inputs.Row(i))
            .Concat(Enumerable.Range(0, 5).Select(i => inputs.Row(i) * 6))
            .Concat(new[] { -input.Mean }));
        var flat = rows.ToRowMajorArray();
        var ratios = new double[rows.RowCount];
        ReducedStateGuard.TrackInput<double>(flat, input.Directions.ToRowMajorArray(), input.Mean.ToArray(), input.Variances.Select(v => 1 / v).ToArray(),
            input.Rank, input.Width, input.MahalanobisBound, input.ResidualBound, ratios, new double[input.Width + input.Rank]);
        for (int i = 0; i < rows.RowCount; i++)
        {
            double expected = input.Ratio(rows.Row(i));
            Assert.Equal(expected, ratios[i], 1e-10 * Math.Max(1, expected));
        }
        // Calibration rows are inside by construction (the bound is their largest value widened by 1.25²); scaled rows are not.
        Assert.All(ratios.Take(20), r => Assert.True(r <= 1 / (ReducedStateBounds.Slack * ReducedStateBounds.Slack) + 1e-12));
        Assert.All(ratios.Skip(20).Take(5), r => Assert.True(r > 1));
    }

    [Fact]
    public void NaNRowsStayOutsideWhateverComesAfter()
    {
        var (_, bounds, inputs) = Fitted();
        var input = bounds.Input;
        var row = inputs.Row(0).ToArray();
        row[2] = double.NaN;
        var ratios = new double[1];
        ReducedStateGuard.TrackInput<double>(row, input.Directions.ToRowMajorArray(), input.Mean.ToArray(), input.Variances.Select(v => 1 / v).ToArray(),
            input.Rank, input.Width, input.MahalanobisBound, input.ResidualBound, ratios, new double[input.Width + input.Rank]);
        Assert.True(double.IsNaN(ratios[0]));
        // A later state's finite ratio does not overwrite the NaN.
        var state = bounds.States[0];
        int rank = state.Whitening.RowCount;
        ReducedStateGuard.Track<double>(new double[rank], state.Whitening.ToRowMajorArray(), state.Offset.ToArray(), rank, state.Bound, ratios, new double[rank]);
        Assert.False(ReducedStateGuard.IsInside(ratios[0]));
    }

    [Fact]
    public void WrongSizesNameTheArgument()
    {
        var d = new double[12];
        var e = Assert.Throws<ArgumentException>(() => ReducedStateGuard.TrackInput<double>(new double[7], d, new double[6], new double[2], 2, 6, 1, 1, new double[1], new double[2]));
        Assert.Equal("inputs", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ReducedStateGuard.TrackInput<double>(new double[6], new double[11], new double[6], new double[2], 2, 6, 1, 1, new double[1], new double[2]));
        Assert.Equal("directions", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ReducedStateGuard.TrackInput<double>(new double[6], d, new double[5], new double[2], 2, 6, 1, 1, new double[1], new double[2]));
        Assert.Equal("mean", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ReducedStateGuard.TrackInput<double>(new double[12], d, new double[6], new double[2], 2, 6, 1, 1, new double[1], new double[2]));
        Assert.Equal("ratios", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ReducedStateGuard.TrackInput<double>(new double[6], d, new double[6], new double[2], 2, 6, 1, 1, new double[1], new double[1]));
        Assert.Equal("work", e.ParamName);
    }
}
