using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Mz.Core.Data;
using Mz.Tests.Analysis;
using Mz.Tests.Infrastructure;

namespace Mz.Tests.Reduction;

/// <summary>Networks and data for the reduction tests: a small seeded residual net, the committed digits-resmlp-deep and digits-deep-tanh-mlp.</summary>
internal static class ReductionNetworks
{
    /// <summary>d → embedding (width) → residual tanh blocks → readout, with seeded weights.</summary>
    public static LayerView ResidualNetwork(int inputWidth, int width, int blocks, int outputs, ulong seed, double step = 0.5)
    {
        var random = new DeterministicRandom(seed);
        var embedding = new AffineMap(SyntheticNetworks.Gaussian(width, inputWidth, 1 / Math.Sqrt(inputWidth), random), Vector<double>.Build.Dense(width, _ => 0.2 * random.NextNormal()));
        var maps = new List<LayerMap>();
        for (int n = 0; n < blocks; n++)
            maps.Add(new LayerMap(LayerMapKind.Residual, SyntheticNetworks.Gaussian(width, width, 1.2 / Math.Sqrt(width), random),
                Vector<double>.Build.Dense(width, _ => 0.3 * random.NextNormal()), Activation.Tanh, step));
        var readout = new AffineMap(SyntheticNetworks.Gaussian(outputs, width, 1 / Math.Sqrt(width), random), Vector<double>.Build.Dense(outputs, _ => random.NextNormal()));
        return new LayerView(inputWidth, embedding, maps, readout);
    }

    /// <summary>
    /// <see cref="ResidualNetwork"/> with the weights and biases of blocks <paramref name="first"/>..<paramref name="last"/>
    /// scaled by <paramref name="scale"/>: small pre-activations keep tanh in its linear range, so those blocks act almost
    /// affinely on the state — what block replacement is for.
    /// </summary>
    public static LayerView WithQuietBlocks(LayerView view, int first, int last, double scale) =>
        new(view.InputWidth, view.Embedding,
            view.Layers.Select((layer, n) => n < first || n > last ? layer
                : new LayerMap(layer.Kind, layer.Weight * scale, layer.Bias * scale, layer.Activation, layer.Step)).ToList(),
            view.Readout);

    /// <summary>
    /// A residual <see cref="LayerView"/> (embedding, blocks x + h·tanh(W x + b), readout) written as the ONNX graph an
    /// exporter would give (Gemm, Tanh, Mul by the step, Add) with float32 weights, so the generator can compile it.
    /// </summary>
    public static byte[] ResidualOnnx(LayerView view)
    {
        var builder = new OnnxModelBuilder(13)
            .Input("x", new long?[] { null, view.InputWidth })
            .Output("y", new long?[] { null, view.OutputWidth });
        string state = "x";
        void Gemm(string name, Matrix<double> weight, Vector<double> bias, string input, string output)
        {
            builder.Initializer(name + ".weight", new long[] { weight.RowCount, weight.ColumnCount }, weight.ToRowMajorArray().Select(v => (float)v).ToArray())
                .Initializer(name + ".bias", new long[] { bias.Count }, bias.Select(v => (float)v).ToArray())
                .Node("Gemm", new[] { input, name + ".weight", name + ".bias" }, new[] { output }, ("transB", 1L));
        }
        if (view.Embedding != null)
        {
            Gemm("embedding", view.Embedding.Weight, view.Embedding.Bias, state, "h0");
            state = "h0";
        }
        for (int n = 0; n < view.Depth; n++)
        {
            var layer = view.Layers[n];
            string block = "block" + n, next = "h" + (n + 1);
            Gemm(block, layer.Weight, layer.Bias, state, block + ".pre");
            builder.Node("Tanh", new[] { block + ".pre" }, new[] { block + ".act" })
                .Initializer(block + ".step", Array.Empty<long>(), new[] { (float)layer.Step })
                .Node("Mul", new[] { block + ".act", block + ".step" }, new[] { block + ".branch" })
                .Node("Add", new[] { state, block + ".branch" }, new[] { next });
            state = next;
        }
        Gemm("readout", view.Readout.Weight, view.Readout.Bias, state, "y");
        return builder.Build();
    }

    public static LayerView DigitsResMlpDeep() => LayerView.FromGraph(LayerViewTests.Prepare("digits-resmlp-deep"));

    public static Matrix<double> DigitsTrainingRows() => TrainedModelAnalysisTests.TrainingRows("digits-resmlp-deep");

    /// <summary>The plain deep tanh MLP 64-256×6-10 (no residual connections), trained by bench/Mz.ModelWriter.</summary>
    public static LayerView DigitsDeepTanhMlp() => LayerView.FromGraph(LayerViewTests.Prepare("digits-deep-tanh-mlp"));

    public static Matrix<double> DigitsDeepTanhMlpTrainingRows() => TrainedModelAnalysisTests.TrainingRows("digits-deep-tanh-mlp");

    /// <summary>The reference rows marked is_test: inputs, float64 logits of the full network, and labels.</summary>
    public static (Matrix<double> Inputs, Matrix<double> Logits, double[] Labels) DigitsTestRows(string model = "digits-resmlp-deep") =>
        ReferenceRows(model, test: true);

    /// <summary>The reference rows marked is_test (or the others): inputs, the float64 outputs y_f64 of the full network, and labels.</summary>
    public static (Matrix<double> Inputs, Matrix<double> Outputs, double[] Labels) ReferenceRows(string model, bool test)
    {
        var reference = NpzReader.Read(File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, model, "reference.npz")), model);
        var x = reference["x"];
        var y = reference["y_f64"];
        var isTest = reference["is_test"].Data;
        var target = reference["target"].Data;
        var rows = Enumerable.Range(0, isTest.Length).Where(i => (isTest[i] != 0) == test).ToArray();
        int cols = (int)x.RowSize, outputs = (int)y.RowSize;
        var inputs = Matrix<double>.Build.Dense(rows.Length, cols, (i, j) => x.Data[rows[i] * cols + j]);
        var logits = Matrix<double>.Build.Dense(rows.Length, outputs, (i, j) => y.Data[rows[i] * outputs + j]);
        return (inputs, logits, rows.Select(i => target[i]).ToArray());
    }
}
