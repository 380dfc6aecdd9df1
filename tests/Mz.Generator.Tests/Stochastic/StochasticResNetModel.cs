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

    /// <summary>The input box of the stored evaluation grid, [−2, 3] × [−1.5, 2].</summary>
    public static readonly double[] InputLower = { -2, -1.5 }, InputUpper = { 3, 2 };

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
    }

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
