using System.Text.Json;
using Mz.Core.Data;
using Mz.Core.Lowering;
using Mz.Core.Onnx;
using Mz.Core.Stochastic;
using Mz.Tests.Infrastructure;

namespace Mz.Tests.Stochastic;

/// <summary>The committed 2-D stochastic ResNet: its layer stack, noise level, reference and trajectory arrays.</summary>
public sealed class StochasticResNetModel
{
    public const string Name = "stochastic-resnet-2d";


    public StochasticResNetModel()
    {
        var folder = Path.Combine(RepositoryPaths.TrainedModels, Name);
        var graph = GraphPreparer.Prepare(OnnxModelReader.Read(File.ReadAllBytes(Path.Combine(folder, "model.onnx")), null));
        Stack = StochasticLayerStackReader.Read(graph);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "model.json")));
        Sigma = json.RootElement.GetProperty("noise_sigma").GetDouble();
        Noise = LayerNoise.Uniform(Sigma, Stack.Depth);
        Reference = NpzReader.Read(File.ReadAllBytes(Path.Combine(folder, "reference.npz")), "reference.npz");
        Trajectories = NpzReader.Read(File.ReadAllBytes(Path.Combine(folder, "trajectories.npz")), "trajectories.npz");
        Probes = SelectProbes();
        _operatorReference = new Lazy<double[]>(() => OperatorAtProbes(0.02, NoiseIntegration.GaussHermite));
        _monteCarlo = new Lazy<MonteCarloEstimate[]>(() =>
        {
            var estimator = new MonteCarloEstimator(new NoisyForwardPass(Stack, Noise));
            return Probes.Select((row, p) => estimator.Estimate(Input(row), 100_000, 8 + (ulong)p, maxParallelism: 2)).ToArray();
        });
        var x = Reference["x"].Data;
        InputLower = new[] { Enumerable.Range(0, x.Length / 2).Min(i => x[2 * i]) - 0.05, Enumerable.Range(0, x.Length / 2).Min(i => x[2 * i + 1]) - 0.05 };
        InputUpper = new[] { Enumerable.Range(0, x.Length / 2).Max(i => x[2 * i]) + 0.05, Enumerable.Range(0, x.Length / 2).Max(i => x[2 * i + 1]) + 0.05 };
    }

    /// <summary>The input box for the grid operators: the reference inputs' range plus a small margin.</summary>
    public double[] InputLower { get; }
    public double[] InputUpper { get; }

    public GridOperatorPropagator Propagator(double spacing, NoiseIntegration integration) =>
        new(Stack, Noise, InputLower, InputUpper, new GridOperatorOptions { Spacing = spacing, HermitePoints = 7, NoiseIntegration = integration, MaxParallelism = 2 });

    /// <summary>E[y|x] at every probe by the grid operator.</summary>
    public double[] OperatorAtProbes(double spacing, NoiseIntegration integration)
    {
        var propagator = Propagator(spacing, integration);
        var backward = propagator.Backward(propagator.ReadoutOnLastGrid());
        return propagator.ExpectationsAt(Probes.Select(Input).ToArray(), backward);
    }

    private readonly Lazy<double[]> _operatorReference;
    private readonly Lazy<MonteCarloEstimate[]> _monteCarlo;

    /// <summary>The reference operator result at the probes: Gauss–Hermite 7×7, h = 0.02 (computed once per test class).</summary>
    public double[] OperatorReference => _operatorReference.Value;

    /// <summary>10⁵-sample Monte Carlo at every probe, seed 8 (computed once per test class).</summary>
    public MonteCarloEstimate[] MonteCarlo => _monteCarlo.Value;

    public StochasticLayerStack Stack { get; }
    public double Sigma { get; }
    public LayerNoise Noise { get; }
    public Dictionary<string, NpyArray> Reference { get; }
    public Dictionary<string, NpyArray> Trajectories { get; }

    /// <summary>Reference-input rows of the 20 probes: the 10 closest to the decision boundary, then 10 spread away from it.</summary>
    public int[] Probes { get; }

    public double[] Input(int row) => new[] { Reference["x"].Data[2 * row], Reference["x"].Data[2 * row + 1] };

    private int[] SelectProbes()
    {
        var y = Reference["y_f64"].Data;
        var byDistance = Enumerable.Range(0, y.Length).OrderBy(i => Math.Abs(y[i] - 0.5)).ThenBy(i => i).ToArray();
        return byDistance.Take(10).Concat(Enumerable.Range(0, 10).Select(k => byDistance[50 + 100 * k])).ToArray();
    }
}
