using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Reliability;

/// <summary>
/// [MzNetwork(MaxThreads = n)] through the real generator: PredictBatch itself splits large batches over threads,
/// with results bit-identical to the single-threaded code, and stays single-threaded by default.
/// </summary>
public sealed class ParallelBatchOptionTests
{
    private const string ParallelCall = "MzParallel.ForRows<float>(inputs, outputs, InputSize, OutputSize, 2, PredictBatchOnThisThread)";

    private static GeneratorRun Generate(string attributeArguments, string model = "digits-mlp") =>
        new GeneratorHarness()
            .AddSource($"using Mz; namespace T; [MzNetwork(\"m.onnx\"{attributeArguments})] public static partial class Net {{ }}")
            .AddModel("m.onnx", new TrainedModel(model).OnnxBytes)
            .Run();

    private static string NetworkSource(GeneratorRun run) =>
        run.GeneratedSources.Single(s => s.HintName == "T.Net.Mz.g.cs").SourceText.ToString();

    /// <summary>The text of PredictBatch alone, from its signature to the next member's documentation.</summary>
    private static string PredictBatchBody(string source)
    {
        int start = source.IndexOf("public static void PredictBatch(", StringComparison.Ordinal);
        int end = source.IndexOf("/// <summary>", start, StringComparison.Ordinal);
        return source.Substring(start, end - start);
    }

    [Fact]
    public void MaxThreadsMakesPredictBatchSplitLargeBatches()
    {
        string parallel = NetworkSource(Generate(", MaxThreads = 2"));
        Assert.Contains(ParallelCall, PredictBatchBody(parallel));
        // digits-mlp has 25,856 multiply-adds per row: 2·10^6 of them take 78 rows, rounded up to whole 8-row tiles.
        Assert.Contains("if (rows >= 80)", PredictBatchBody(parallel));
        // PredictBatchParallel hands chunks to the single-threaded body, never back to the parallel PredictBatch.
        Assert.DoesNotContain("maxThreads, PredictBatch)", parallel);

        string single = NetworkSource(Generate(""));
        Assert.DoesNotContain("MzParallel", PredictBatchBody(single));
        Assert.DoesNotContain("PredictBatchOnThisThread", single);
        Assert.Equal(single, NetworkSource(Generate(", MaxThreads = 1")));
    }

    [Theory]
    [InlineData("digits-mlp")]
    [InlineData("digits-resmlp-deep")]
    public void ParallelPredictBatchGivesTheSingleThreadedBits(string model)
    {
        var singleThreaded = new CompiledNetwork(Generate("", model).EmitAndLoad(), "T.Net");
        var parallel = new CompiledNetwork(Generate(", MaxThreads = 2", model).EmitAndLoad(), "T.Net");
        var x = new TrainedModel(model).Reference["x"].ToSingles();
        int rows = x.Length / parallel.InputSize;
        Assert.True(rows >= 256, $"{model}: {rows} reference rows are too few to reach the parallel path");

        var expected = singleThreaded.PredictAll(x);
        Assert.Equal(expected, parallel.PredictAll(x));
        Assert.Equal(expected, parallel.PredictRows(x));
        // Odd batch sizes around the thresholds and the chunk boundaries, each a prefix of the reference rows.
        foreach (int count in new[] { 63, 64, 65, 79, 80, 81, 100, 257 })
        {
            var part = x.AsSpan(0, count * parallel.InputSize).ToArray();
            Assert.Equal(expected.AsSpan(0, count * parallel.OutputSize).ToArray(), parallel.PredictAll(part));
        }
    }

    [Fact]
    public void PredictBatchParallelStaysSingleThreadedWhenAskedForOneThread()
    {
        var net = new CompiledNetwork(Generate(", MaxThreads = 2").EmitAndLoad(), "T.Net");
        var predictParallel = net.Type.GetMethod("PredictBatchParallel")!;
        var x = new TrainedModel("digits-mlp").Reference["x"].ToSingles();
        var expected = net.PredictRows(x);
        // −1 is one thread per processor (ParallelOptions' convention).
        foreach (int threads in new[] { 1, 2, 3, -1 })
        {
            var y = new float[expected.Length];
            var call = predictParallel.CreateDelegate<ParallelRun>();
            call(x, y, threads);
            Assert.Equal(expected, y);
        }
        var e = Assert.Throws<ArgumentException>(() => predictParallel.CreateDelegate<ParallelRun>()(new float[130], new float[20], 1));
        Assert.Equal("outputs", e.ParamName);
        // 0 and negatives other than −1 are mistakes, not a quiet single thread.
        foreach (int threads in new[] { 0, -2, int.MinValue })
        {
            var range = Assert.Throws<ArgumentOutOfRangeException>(() => predictParallel.CreateDelegate<ParallelRun>()(x, new float[expected.Length], threads));
            Assert.Equal("maxThreads", range.ParamName);
            Assert.Equal(threads, range.ActualValue);
        }
    }

    private delegate void ParallelRun(ReadOnlySpan<float> inputs, Span<float> outputs, int maxThreads);

    [Fact]
    public void NegativeMaxThreadsIsAnArgumentDiagnostic()
    {
        var run = Generate(", MaxThreads = -2");
        Assert.Empty(run.GeneratedSources);
        var diagnostic = Assert.Single(run.AnalyzerDiagnostics());
        Assert.Equal("MZ0003", diagnostic.Id);
        Assert.Contains("MaxThreads", diagnostic.GetMessage());
    }
}
