using System.Reflection;
using Mz.Benchmarks.Models;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Kernels;

/// <summary>
/// Models above MzInlineWeightsMaxBytes: weights come from the embedded model at build-time offsets instead of
/// source literals, the generated files stay small, and the results equal those of the literal path bit for bit.
/// </summary>
public sealed class LargeWeightsTests
{
    private const string Source = """
        using Mz;
        namespace Large;
        [MzNetwork("models/large.onnx")]
        public static partial class Network { }
        """;

    private static GeneratorRun Generate(byte[] model, int inlineMaxBytes) =>
        new GeneratorHarness { InlineWeightsMaxBytes = inlineMaxBytes }.AddSource(Source).AddModel("models/large.onnx", model).Run();

    [Fact]
    public void ResourceWeightsGiveTheSameBitsAsLiterals()
    {
        // 32-100-70-10: panels with padding, a transposed Gemm, biases; about 40 KB, so both routes are practical.
        var model = OnnxWriter.WriteMlp(new[] { 32, 100, 70, 10 }, seed: 9);
        var viaResource = Generate(model, inlineMaxBytes: 1024);
        var viaLiterals = Generate(model, inlineMaxBytes: int.MaxValue);
        Assert.Single(viaResource.Resources);
        Assert.Empty(viaLiterals.Resources);
        Assert.Contains("Loaded.Values", WeightsSource(viaResource));

        var resourceNetwork = new CompiledNetwork(viaResource.EmitAndLoad(), "Large.Network");
        var literalNetwork = new CompiledNetwork(viaLiterals.EmitAndLoad(), "Large.Network");
        var random = new Random(2);
        var x = Enumerable.Range(0, 37 * 32).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        Assert.Equal(literalNetwork.PredictAll(x), resourceNetwork.PredictAll(x));
        Assert.Equal(literalNetwork.PredictRows(x), resourceNetwork.PredictRows(x));
    }

    [Fact]
    public void AMissingOrDifferentResourceFailsWithAClearMessage()
    {
        var model = OnnxWriter.WriteMlp(new[] { 8, 40, 3 }, seed: 1);
        var run = Generate(model, inlineMaxBytes: 256);
        // Embed different bytes under the expected name: the length check must catch it.
        var tampered = run with { Resources = new[] { new Microsoft.CodeAnalysis.ResourceDescription(run.ResourceNames[0], () => new MemoryStream(new byte[10]), true) } };
        var network = new CompiledNetwork(tampered.EmitAndLoad(), "Large.Network");
        var error = Assert.Throws<TypeInitializationException>(() => network.Predict(new float[8], new float[3]));
        var inner = error.InnerException;
        while (inner is TypeInitializationException nested) inner = nested.InnerException;
        Assert.IsType<InvalidDataException>(inner);
        Assert.Contains("bytes", inner!.Message);
    }

    /// <summary>The 1.5M-parameter MLP of the build-time target: 24 Gemm layers of width 256.</summary>
    [Fact]
    public void APointFiveMillionParameterModelGeneratesSmallFilesAndRuns()
    {
        var model = OnnxWriter.WriteMlp(Enumerable.Repeat(256, 25).ToArray(), seed: 42);
        var run = Generate(model, inlineMaxBytes: 64 * 1024);
        foreach (var source in run.GeneratedSources)
            Assert.True(source.SourceText.Length < 1_000_000 / 4, $"{source.HintName}: {source.SourceText.Length} characters");
        var network = new CompiledNetwork(run.EmitAndLoad(), "Large.Network");
        var x = Enumerable.Range(0, 3 * 256).Select(i => (float)Math.Sin(i)).ToArray();
        var batch = network.PredictAll(x);
        Assert.Equal(network.PredictRows(x), batch);
        Assert.All(batch, v => Assert.True(float.IsFinite(v)));
    }

    private static string WeightsSource(GeneratorRun run) =>
        run.GeneratedSources.Single(s => s.HintName.EndsWith(".Mz.Weights.g.cs", StringComparison.Ordinal)).SourceText.ToString();
}
