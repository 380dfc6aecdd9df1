namespace Mz.Benchmarks;

/// <summary>Runs rows through a network: input rows × inputSize values in, rows × outputSize out.</summary>
public delegate void SpanRun(ReadOnlySpan<float> input, Span<float> output);

/// <summary>A benchmark model: the ONNX file for ONNX Runtime and the naive loop, and its generated Mz class.</summary>
public sealed record BenchModel(string Name, string OnnxPath, int InputSize, int OutputSize, long MultiplyAdds, SpanRun Predict, SpanRun PredictBatch)
{
    public static IReadOnlyList<BenchModel> All(string root) => new[]
    {
        new BenchModel("mlp-32-64-64-10", Path.Combine(root, "bench/Mz.Benchmarks/models/mlp-32-64-64-10.onnx"), Mlp32.InputSize, Mlp32.OutputSize, Mlp32.MultiplyAdds, Mlp32.Predict, Mlp32.PredictBatch),
        new BenchModel("digits-mlp", Path.Combine(root, "sample/Mz.Sample/models/digits-mlp/model.onnx"), DigitsMlp.InputSize, DigitsMlp.OutputSize, DigitsMlp.MultiplyAdds, DigitsMlp.Predict, DigitsMlp.PredictBatch),
        new BenchModel("digits-resmlp-deep", Path.Combine(root, "sample/Mz.Sample/models/digits-resmlp-deep/model.onnx"), DigitsResMlpDeep.InputSize, DigitsResMlpDeep.OutputSize, DigitsResMlpDeep.MultiplyAdds, DigitsResMlpDeep.Predict, DigitsResMlpDeep.PredictBatch),
        new BenchModel("cancer-mlp", Path.Combine(root, "sample/Mz.Sample/models/cancer-mlp/model.onnx"), CancerMlp.InputSize, CancerMlp.OutputSize, CancerMlp.MultiplyAdds, CancerMlp.Predict, CancerMlp.PredictBatch),
        new BenchModel("mlp-512-512-512-10", Path.Combine(root, "bench/Mz.Benchmarks/models/mlp-512-512-512-10.onnx"), Mlp512.InputSize, Mlp512.OutputSize, Mlp512.MultiplyAdds, Mlp512.Predict, Mlp512.PredictBatch),
    };

    /// <summary>The repository root: the first parent folder holding Mz.sln.</summary>
    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mz.sln"))) return dir.FullName;
        throw new InvalidOperationException("run the benchmarks from inside the Mz repository");
    }
}
