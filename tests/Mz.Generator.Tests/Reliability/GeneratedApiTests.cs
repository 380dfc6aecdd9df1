using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Reliability;

/// <summary>The generated API rejects bad spans clearly, propagates NaN/Inf like ONNX Runtime, and is thread-safe.</summary>
public sealed class GeneratedApiTests
{
    private static readonly Lazy<CompiledNetwork> DigitsMlp = new(() => Compile("digits-mlp"));
    private static readonly Lazy<CompiledNetwork> ResMlp = new(() => Compile("digits-resmlp-deep"));

    private static CompiledNetwork Compile(string name)
    {
        var run = new GeneratorHarness()
            .AddSource("using Mz; namespace T; [MzNetwork(\"m.onnx\")] public static partial class Net { }")
            .AddModel("m.onnx", new TrainedModel(name).OnnxBytes)
            .Run();
        return new CompiledNetwork(run.EmitAndLoad(), "T.Net");
    }

    [Fact]
    public void WrongLengthsThrowWithExpectedAndActualSizes()
    {
        var net = DigitsMlp.Value;
        var e = Assert.Throws<ArgumentException>(() => net.Predict(new float[63], new float[10]));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("64", e.Message);
        Assert.Contains("63", e.Message);

        e = Assert.Throws<ArgumentException>(() => net.Predict(new float[64], new float[9]));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("10", e.Message);
        Assert.Contains("9", e.Message);

        e = Assert.Throws<ArgumentException>(() => net.PredictBatch(new float[130], new float[20]));
        Assert.Equal("inputs", e.ParamName);
        Assert.Contains("130", e.Message);

        e = Assert.Throws<ArgumentException>(() => net.PredictBatch(new float[128], new float[30]));
        Assert.Equal("outputs", e.ParamName);
        Assert.Contains("2 rows", e.Message);
        Assert.Contains("30", e.Message);
    }

    [Fact]
    public void EmptyBatchIsANoOp()
    {
        DigitsMlp.Value.PredictBatch(Array.Empty<float>(), Array.Empty<float>());
    }

    [Fact]
    public void NaNInAnyInputPropagatesToTheLogitsItReaches()
    {
        var net = DigitsMlp.Value;
        var x = new TrainedModel("digits-mlp").Reference["x"].ToSingles().AsSpan(0, 64).ToArray();
        var y = new float[10];
        x[10] = float.NaN;
        net.Predict(x, y);
        // Relu(NaN) = NaN (not 0, as a careless max(x, 0) would give), so every logit depending on it is NaN.
        Assert.All(y, v => Assert.True(float.IsNaN(v)));

        x[10] = float.PositiveInfinity;
        net.Predict(x, y);
        var reference = MzModel.Load(new MemoryStream(new TrainedModel("digits-mlp").OnnxBytes)).Run(x);
        for (int i = 0; i < 10; i++)
            Assert.True(float.IsNaN(y[i]) == double.IsNaN(reference[i]) && (double.IsNaN(reference[i]) || double.IsInfinity(reference[i]) == float.IsInfinity(y[i])),
                $"logit {i}: generated {y[i]}, interpreter {reference[i]}");
    }

    [Fact]
    public void EightThreadsGetExactlyTheSingleThreadedResults()
    {
        foreach (var net in new[] { DigitsMlp.Value, ResMlp.Value })
        {
            var x = new TrainedModel("digits-mlp").Reference["x"].ToSingles();
            var expectedRows = net.PredictRows(x);
            var expectedBatch = net.PredictAll(x);
            var failures = 0;
            var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
            {
                for (int repeat = 0; repeat < 3; repeat++)
                {
                    var rows = t % 2 == 0 ? net.PredictRows(x) : net.PredictAll(x);
                    if (!rows.AsSpan().SequenceEqual(t % 2 == 0 ? expectedRows : expectedBatch)) Interlocked.Increment(ref failures);
                }
            })).ToList();
            threads.ForEach(th => th.Start());
            threads.ForEach(th => th.Join());
            Assert.Equal(0, failures);
        }
    }
}
