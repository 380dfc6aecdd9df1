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

    [Theory]
    [InlineData("digits-resmlp-deep")]
    [InlineData("cancer-mlp")]
    public void AdjointSnapshotsAreLogitGradientsWithRespectToEveryLayerState(string name)
    {
        var view = LayerView.FromGraph(Prepare(name));
        var reference = new TrainedModel(name).Reference["x"];
        int cols = (int)reference.RowSize;
        var x = Matrix<double>.Build.Dense(3, cols, (i, j) => reference.Data[(5 + i) * cols + j]);
        var states = view.Forward(x);
        var adjoints = CalibrationRunner.AdjointSnapshots(view, states);
        const double h = 1e-6;
        const int sample = 1;
        double worst = 0;
        foreach (int n in new[] { 0, view.Depth / 2, view.Depth })
        {
            for (int j = 0; j < view.StateWidth(n); j += 7)
            {
                Vector<double> Logits(double shift)
                {
                    var state = states[n].SubMatrix(sample, 1, 0, view.StateWidth(n));
                    state[0, j] += shift;
                    for (int m = n; m < view.Depth; m++) state = view.Layers[m].ApplyToRows(state);
                    return view.Logits(state).Row(0);
                }
                var gradient = (Logits(h) - Logits(-h)) / (2 * h);
                for (int d = 0; d < view.OutputWidth; d++)
                    worst = Math.Max(worst, Math.Abs(gradient[d] - adjoints[n][d * 3 + sample, j]) / Math.Max(1, Math.Abs(gradient[d])));
            }
        }
        Assert.True(worst <= 1e-6, $"{name}: adjoint differs from the central difference by {worst:E2}");
    }

    /// <summary>Top-1 agreement is reported for arg-max classifiers and one-output sigmoid classifiers, not for one linear output.</summary>
    [Theory]
    [InlineData(10, OutputActivation.Identity, true)]
    [InlineData(2, OutputActivation.Softmax, true)]
    [InlineData(1, OutputActivation.Sigmoid, true)]
    [InlineData(1, OutputActivation.Identity, false)]
    public void OnlyNetworksWithADecisionReportAgreement(int outputs, OutputActivation activation, bool expected)
    {
        var plain = Mz.Tests.Reduction.ReductionNetworks.ResidualNetwork(3, 4, 1, outputs, seed: 2);
        var view = new LayerView(plain.InputWidth, plain.Embedding, plain.Layers, plain.Readout, activation);
        Assert.Equal(expected, view.HasDecision);
    }
}

/// <summary>
/// What exporters put around the layers: an image input flattened first, BatchNorm1d after a Linear, inference
/// Dropout and Identity between layers. The layer view reads through them and the interpreter confirms every state.
/// </summary>
public sealed class LayerViewExportShapesTests
{
    private static float[] Values(Random random, int count, double scale) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();

    private static PreparedGraph Build(bool imageInput, bool batchNorm, bool dropout)
    {
        var random = new Random(17);
        var builder = new OnnxModelBuilder(13);
        string x = "x";
        if (imageInput)
        {
            builder.Input("image", new long?[] { null, 1, 4, 3 }).Int64Initializer("flat", new long[] { 2 }, new long[] { -1, 12 })
                .Node("Reshape", new[] { "image", "flat" }, new[] { "x" });
        }
        else builder.Input("x", new long?[] { null, 12 });
        builder.Output("y", new long?[] { null, 3 })
            .Initializer("w1", new long[] { 8, 12 }, Values(random, 96, 0.5)).Initializer("b1", new long[] { 8 }, Values(random, 8, 0.2))
            .Initializer("w2", new long[] { 8, 8 }, Values(random, 64, 0.5)).Initializer("b2", new long[] { 8 }, Values(random, 8, 0.2))
            .Initializer("w3", new long[] { 3, 8 }, Values(random, 24, 0.5)).Initializer("b3", new long[] { 3 }, Values(random, 3, 0.2))
            .Node("Gemm", new[] { x, "w1", "b1" }, new[] { "a1" }, ("transB", 1L));
        string pre = "a1";
        if (batchNorm)
        {
            builder.Initializer("gamma", new long[] { 8 }, Values(random, 8, 1).Select(v => v + 1.5f).ToArray())
                .Initializer("beta", new long[] { 8 }, Values(random, 8, 0.3)).Initializer("mean", new long[] { 8 }, Values(random, 8, 0.3))
                .Initializer("var", new long[] { 8 }, Values(random, 8, 0.4).Select(v => v + 0.6f).ToArray())
                .Node("BatchNormalization", new[] { "a1", "gamma", "beta", "mean", "var" }, new[] { "n1" }, ("epsilon", 1e-3f));
            pre = "n1";
        }
        builder.Node("Relu", new[] { pre }, new[] { "h1" });
        string h = "h1";
        if (dropout)
        {
            builder.Node("Dropout", new[] { "h1" }, new[] { "d1" }).Node("Identity", new[] { "d1" }, new[] { "i1" });
            h = "i1";
        }
        builder.Node("Gemm", new[] { h, "w2", "b2" }, new[] { "a2" }, ("transB", 1L)).Node("Tanh", new[] { "a2" }, new[] { "h2" })
            .Node("Gemm", new[] { "h2", "w3", "b3" }, new[] { "y" }, ("transB", 1L));
        return GraphPreparer.Prepare(OnnxModelReader.Read(builder.Build()));
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    [InlineData(true, true, true)]
    public void TheLayerViewReadsThroughWhatExportersAdd(bool imageInput, bool batchNorm, bool dropout)
    {
        var graph = Build(imageInput, batchNorm, dropout);
        var view = LayerView.FromGraph(graph);
        Assert.Equal(12, view.InputWidth);
        Assert.Equal(2, view.Depth);
        var random = new Random(3);
        var inputs = Matrix<double>.Build.Dense(20, 12, (_, _) => random.NextDouble() * 4 - 2);
        // The states of the layer maps, checked against the interpreter on the graph's own input shape (relative 1e-9).
        CalibrationRunner.CheckedStates(graph, view, inputs, out var logits);
        CalibrationRunner.InterpretStates(graph, view, inputs, out var interpreted);
        Assert.True((logits - interpreted).FrobeniusNorm() <= 1e-12 * interpreted.FrobeniusNorm());
    }
}
