using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Analysis;

/// <summary>MZ.md §7.2 test 6: for a stationary autonomous process, (1.8) reduces to the lag-only recursion.</summary>
public sealed class StationaryReductionTests
{
    private const int Layers = 8;
    private readonly ITestOutputHelper _output;

    public StationaryReductionTests(ITestOutputHelper output) { _output = output; }

    [Fact]
    public void NonStationaryIdentificationEqualsLagOnlyRecursionWithPopulationCovariances()
    {
        var process = StationaryProcess.Create(seed: 61);
        var kernels = MemoryKernels.Identify(process.Correlations(Layers), relativeRidge: 0);
        var lagOnly = process.LagOnlyKernels(Layers);
        double worst = 0;
        for (int n = 0; n < Layers; n++)
            for (int k = 0; k <= n; k++) worst = Math.Max(worst, (kernels.Kernel(n, k) - lagOnly[k]).Enumerate().Max(Math.Abs) / lagOnly[0].Enumerate().Max(Math.Abs));
        _output.WriteLine($"population: {worst:E2}");
        Assert.True(worst <= 1e-10, $"(1.8) differs from the lag-only recursion by {worst:E2}");
    }

    [Fact]
    public void SampledIdentificationStaysWithinSamplingErrorOfTheLagOnlyKernels()
    {
        const int samples = 20000;
        var process = StationaryProcess.Create(seed: 61);
        var states = process.Sample(samples, Layers, seed: 62);
        var bases = states.Select(x => new LayerBasis(BasisKind.Explicit, x.ColumnSums() / x.RowCount, process.Restrict, process.Restrict)).ToArray();
        var kernels = MzDecomposition.Build(states, bases).Kernels;
        var lagOnly = process.LagOnlyKernels(Layers);
        // Compare in the whitened coordinates of the invariant law, where entries carry a standard error of ≈ 1/√S.
        var c0 = process.LagCovariance(0);
        var evd = c0.Evd();
        var root = evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalVector(evd.EigenValues.Map(v => Math.Sqrt(v.Real))) * evd.EigenVectors.Transpose();
        var inverseRoot = root.Inverse();
        double worst = 0;
        for (int n = 0; n < Layers; n++)
            for (int k = 0; k <= n; k++) worst = Math.Max(worst, (inverseRoot * (kernels.Kernel(n, k) - lagOnly[k]) * root).Enumerate().Max(Math.Abs));
        double standardErrors = worst * Math.Sqrt(samples);
        _output.WriteLine($"samples: worst whitened deviation {worst:E2} = {standardErrors:F2}/√S");
        Assert.True(standardErrors <= 5, $"deviation {standardErrors:F2}/√S exceeds a few standard errors");
    }
}
