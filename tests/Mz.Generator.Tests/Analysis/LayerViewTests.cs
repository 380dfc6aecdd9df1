using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Mz.Core.Lowering;
using Mz.Core.Onnx;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Analysis;

/// <summary>The layer view reads all five trained models and reproduces the reference interpreter layer by layer.</summary>
public sealed class LayerViewTests
{
    public static TheoryData<string, int, bool, string> Models => new()
    {
        { "digits-mlp", 2, false, "Identity" },
        { "digits-resmlp-deep", 32, true, "Identity" },
        { "cancer-mlp", 2, false, "Sigmoid" },
        { "digits-sklearn-mlp", 2, false, "Softmax" },
        { "stochastic-resnet-2d", 20, false, "Sigmoid" },
    };

    internal static PreparedGraph Prepare(string name) =>
        GraphPreparer.Prepare(OnnxModelReader.Read(File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, name, "model.onnx"))));

    [Theory]
    [MemberData(nameof(Models))]
    public void LayerMapsReproduceTheInterpreterOnEveryLayer(string name, int depth, bool hasEmbedding, string outputActivation)
    {
        var graph = Prepare(name);
        var view = LayerView.FromGraph(graph);
        Assert.Equal(depth, view.Depth);
        Assert.Equal(hasEmbedding, view.Embedding != null);
        Assert.Equal(outputActivation, view.OutputActivation.ToString());

        var reference = new TrainedModel(name).Reference["x"];
        int rows = (int)Math.Min(reference.Rows, 200), cols = (int)reference.RowSize;
        var x = Matrix<double>.Build.Dense(rows, cols, (i, j) => reference.Data[i * cols + j]);
        var expected = CalibrationRunner.InterpretStates(graph, view, x, out var expectedLogits);
        var actual = view.Forward(x);
        for (int n = 0; n <= view.Depth; n++)
            Assert.True(SyntheticNetworks.RelativeError(actual[n], expected[n]) <= 1e-12, $"{name}: layer {n} differs from the interpreter");
        Assert.True(SyntheticNetworks.RelativeError(view.Logits(actual[view.Depth]), expectedLogits) <= 1e-12, $"{name}: logits differ");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void JacobiansMatchCentralDifferences(string name, int depth, bool hasEmbedding, string outputActivation)
    {
        _ = (depth, hasEmbedding, outputActivation);
        var view = LayerView.FromGraph(Prepare(name));
        var reference = new TrainedModel(name).Reference["x"];
        int cols = (int)reference.RowSize;
        var x = Matrix<double>.Build.Dense(1, cols, (_, j) => reference.Data[3 * cols + j]);
        var states = view.Forward(x);
        const double h = 1e-6;
        foreach (int n in new[] { 0, view.Depth - 1 })
        {
            var layer = view.Layers[n];
            var point = states[n].Row(0);
            var jacobian = layer.Jacobian(point);
            for (int j = 0; j < layer.InputWidth; j++)
            {
                var plus = point.Clone(); plus[j] += h;
                var minus = point.Clone(); minus[j] -= h;
                var column = (layer.Apply(plus) - layer.Apply(minus)) / (2 * h);
                // ReLU kinks make one-sided columns possible; skip inputs whose pre-activations sit at a kink.
                Assert.True((column - jacobian.Column(j)).InfinityNorm() <= 1e-6 * Math.Max(1, jacobian.Column(j).InfinityNorm()) || layer.Activation == Activation.Relu,
                    $"{name}: layer {n} column {j}");
            }
        }
    }
}
