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

    public static LayerView DigitsResMlpDeep() => LayerView.FromGraph(LayerViewTests.Prepare("digits-resmlp-deep"));

    public static Matrix<double> DigitsTrainingRows() => TrainedModelAnalysisTests.TrainingRows("digits-resmlp-deep");

    /// <summary>The plain deep tanh MLP 64-256×6-10 (no residual connections), trained by bench/Mz.ModelWriter.</summary>
    public static LayerView DigitsDeepTanhMlp() => LayerView.FromGraph(LayerViewTests.Prepare("digits-deep-tanh-mlp"));

    public static Matrix<double> DigitsDeepTanhMlpTrainingRows() => TrainedModelAnalysisTests.TrainingRows("digits-deep-tanh-mlp");

    /// <summary>The reference rows marked is_test: inputs, float64 logits of the full network, and labels.</summary>
    public static (Matrix<double> Inputs, Matrix<double> Logits, double[] Labels) DigitsTestRows(string model = "digits-resmlp-deep")
    {
        var reference = NpzReader.Read(File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, model, "reference.npz")), model);
        var x = reference["x"];
        var y = reference["y_f64"];
        var isTest = reference["is_test"].Data;
        var target = reference["target"].Data;
        var rows = Enumerable.Range(0, isTest.Length).Where(i => isTest[i] != 0).ToArray();
        int cols = (int)x.RowSize, outputs = (int)y.RowSize;
        var inputs = Matrix<double>.Build.Dense(rows.Length, cols, (i, j) => x.Data[rows[i] * cols + j]);
        var logits = Matrix<double>.Build.Dense(rows.Length, outputs, (i, j) => y.Data[rows[i] * outputs + j]);
        return (inputs, logits, rows.Select(i => target[i]).ToArray());
    }
}
