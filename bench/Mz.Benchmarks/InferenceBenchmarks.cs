using BenchmarkDotNet.Attributes;

namespace Mz.Benchmarks;

/// <summary>BenchmarkDotNet view of the same contenders as the quick mode, one model and batch size per case.</summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private MzContender _mz = null!;
    private OrtContender _ort = null!;
    private NaiveContender _loop = null!;

    [Params("mlp-32-64-64-10", "digits-mlp", "digits-resmlp-deep", "cancer-mlp", "mlp-512-512-512-10")]
    public string Model { get; set; } = "";

    [Params(1, 256)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var model = BenchModel.All(BenchModel.FindRoot()).Single(m => m.Name == Model);
        var input = new float[Batch * model.InputSize];
        var random = new Random(1);
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);
        _mz = new MzContender(model, Batch, input);
        _ort = new OrtContender(model, Batch, input);
        _loop = new NaiveContender(model, Batch, input);
    }

    [GlobalCleanup]
    public void Cleanup() => _ort.Dispose();

    [Benchmark(Baseline = true)]
    public void OnnxRuntime() => _ort.Run();

    [Benchmark]
    public void Mz() => _mz.Run();

    [Benchmark]
    public void CSharpLoop() => _loop.Run();
}
