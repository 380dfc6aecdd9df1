using System.Diagnostics;
using Mz.Core.Stochastic;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Stochastic;

public sealed class StochasticResNetTests : IClassFixture<StochasticResNetModel>
{
    private readonly StochasticResNetModel _model;
    private readonly ITestOutputHelper _output;

    public StochasticResNetTests(StochasticResNetModel model, ITestOutputHelper output)
    {
        _model = model;
        _output = output;
    }

    private double[] Operator(double h, NoiseIntegration mode)
    {
        var sw = Stopwatch.StartNew();
        var options = new GridOperatorOptions { Spacing = h, HermitePoints = 7, MaxParallelism = 2, NoiseIntegration = mode };
        var propagator = new GridOperatorPropagator(_model.Stack, _model.Noise, StochasticResNetModel.InputLower, StochasticResNetModel.InputUpper, options);
        var q = propagator.Backward(propagator.ReadoutOnLastGrid());
        var result = _model.Probes.Select(row => propagator.ExpectationAt(_model.Input(row), q)).ToArray();
        _output.WriteLine($"{mode} h={h}: {sw.Elapsed.TotalSeconds:F2}s, points {propagator.Grids.Sum(g => (long)g.PointCount)}");
        return result;
    }

    [Fact]
    public void Explore()
    {
        var gh = Operator(0.02, NoiseIntegration.GaussHermite);
        var c2 = Operator(0.02, NoiseIntegration.GridConvolution);
        var c1 = Operator(0.01, NoiseIntegration.GridConvolution);
        var c4 = Operator(0.04, NoiseIntegration.GridConvolution);
        for (int p = 0; p < gh.Length; p++)
            _output.WriteLine($"{_model.Probes[p],4} gh={gh[p]:F7} c2-gh={c2[p] - gh[p]:E2} c1-c2={c1[p] - c2[p]:E2} c4-c2={c4[p] - c2[p]:E2} c1-gh={c1[p] - gh[p]:E2}");
    }
}
