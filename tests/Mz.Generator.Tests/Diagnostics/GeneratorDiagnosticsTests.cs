using System.Text;
using Microsoft.CodeAnalysis;
using Mz.Tests.Infrastructure;
using Xunit;

// One in-memory additional-file type for the CLI runner and the tests.
using InMemoryAdditionalText = Mz.Cli.Checking.InMemoryAdditionalText;

namespace Mz.Tests.Diagnostics;

/// <summary>Bad declarations and bad models yield precise diagnostics (id, location, message) and never a crash.</summary>
public sealed class GeneratorDiagnosticsTests
{
    private const string Declaration = """
        using Mz;
        namespace Samples;
        [MzNetwork("models/net.onnx")]
        public static partial class Net { }
        """;

    private static byte[] DigitsMlp => new TrainedModel("digits-mlp").OnnxBytes;

    private static Diagnostic Single(GeneratorRun run, string id)
    {
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8785" or "MZ0999");
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Empty(run.GeneratedSources);
        return diagnostic;
    }

    private static string LocatedText(Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan);

    [Fact]
    public void UnsupportedOpNamesFileNodeAndOpAtTheAttribute()
    {
        // Rewrite the op_type "Relu" of digits-mlp to "Rulu": same length, so the protobuf stays well formed.
        var bytes = DigitsMlp;
        // NodeProto.op_type is field 4 (tag 0x22) with a 4-byte string.
        var field = new byte[] { 0x22, 4 }.Concat(Encoding.ASCII.GetBytes("Relu")).ToArray();
        int at = IndexOf(bytes, field);
        Assert.True(at >= 0);
        bytes[at + 3] = (byte)'u';

        var run = new GeneratorHarness().AddSource(Declaration).AddModel("models/net.onnx", bytes).Run();
        var diagnostic = Single(run, "MZ0201");
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("MzNetwork(\"models/net.onnx\")", LocatedText(diagnostic));
        var message = diagnostic.GetMessage();
        Assert.Contains("models/net.onnx", message);
        Assert.Contains("'Rulu'", message);
        Assert.Contains("node '/Relu'", message); // node name from the PyTorch export
        Assert.Contains("Gemm", message); // the list of supported ops
    }

    [Fact]
    public void MissingModelFileSaysWhichItemToAdd()
    {
        var run = new GeneratorHarness().AddSource(Declaration).AddModel("models/other.onnx", DigitsMlp).Run();
        var diagnostic = Single(run, "MZ0101");
        Assert.Equal("MzNetwork(\"models/net.onnx\")", LocatedText(diagnostic));
        Assert.Contains("<MzModel Include=\"models/net.onnx\" />", diagnostic.GetMessage());
        Assert.Contains("models/other.onnx", diagnostic.GetMessage());
    }

    /// <summary>
    /// An attribute may spell the path as the file system would: "./", doubled slashes, "dir/../", backslashes, or the
    /// file's absolute path (the sidecar records it). Each finds the one file; a different file still gets MZ0101.
    /// </summary>
    [Theory]
    [InlineData("models/net.onnx", true)]
    [InlineData("./models//net.onnx", true)]
    [InlineData("models/../models/./net.onnx", true)]
    [InlineData("models\\net.onnx", true)]
    [InlineData("/home/dev/app/models/net.onnx", true)]
    [InlineData("/home/dev/other/models/net.onnx", false)]
    [InlineData("../models/net.onnx", false)]
    public void ModelPathsAreComparedAfterNormalisingAndByAbsolutePath(string attributePath, bool found)
    {
        var run = new GeneratorHarness()
            .AddSource($$"""
                using Mz;
                namespace Samples;
                [MzNetwork(@"{{attributePath}}")]
                public static partial class DigitsNet { }
                """)
            .AddModel("models/net.onnx", DigitsMlp, fullPath: "/home/dev/app/models/net.onnx")
            .Run();
        Assert.Equal(!found, run.GeneratorDiagnostics.Any(d => d.Id == "MZ0101"));
        Assert.Equal(found, run.GeneratedSources.Any(s => s.HintName.EndsWith("DigitsNet.Mz.g.cs", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(1000)]
    [InlineData(20000)]
    public void TruncatedModelIsReportedAsMalformed(int length)
    {
        var bytes = DigitsMlp.Take(length).ToArray();
        var run = new GeneratorHarness().AddSource(Declaration).AddModel("models/net.onnx", bytes).Run();
        var diagnostic = Single(run, "MZ0102");
        Assert.Equal("MzNetwork(\"models/net.onnx\")", LocatedText(diagnostic));
        Assert.Contains("models/net.onnx", diagnostic.GetMessage());
        Assert.Contains("cannot be read", diagnostic.GetMessage());
    }

    [Fact]
    public void EveryTruncationOfTheModelEndsInADiagnosticNeverACrash()
    {
        var bytes = DigitsMlp;
        var ids = new HashSet<string>();
        for (int length = 0; length < bytes.Length; length += 97)
        {
            var run = new GeneratorHarness().AddSource(Declaration).AddModel("models/net.onnx", bytes.Take(length).ToArray()).Run();
            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8785" or "MZ0999");
            var diagnostic = Assert.Single(run.GeneratorDiagnostics);
            ids.Add(diagnostic.Id);
        }
        Assert.Subset(new HashSet<string> { "MZ0102", "MZ0202" }, ids);
    }

    [Fact]
    public void ClassNotPartialIsReportedAtTheClassName()
    {
        var run = new GeneratorHarness()
            .AddSource("""
                using Mz;
                namespace Samples;
                [MzNetwork("models/net.onnx")]
                public static class Net { }
                """)
            .AddModel("models/net.onnx", DigitsMlp)
            .Run();
        // The analyzer reports it (the editor shows it while typing); the generator just generates nothing.
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.GeneratedSources);
        var diagnostic = Assert.Single(run.AnalyzerDiagnostics());
        Assert.Equal("MZ0001", diagnostic.Id);
        Assert.Equal("Net", LocatedText(diagnostic));
        Assert.Contains("'Samples.Net'", diagnostic.GetMessage());
        Assert.Contains("partial", diagnostic.GetMessage());
    }

    [Fact]
    public void DamagedSidecarIsReported()
    {
        var harness = new GeneratorHarness().AddSource(Declaration);
        harness.AdditionalTexts.Add(new InMemoryAdditionalText("/obj/mz/models_net.onnx.mz.txt", "mz-sidecar 1\nkind: model\nformat: onnx\nsource: models/net.onnx\n\n@ main 100 abc\nAAAA\n"));
        var diagnostic = Single(harness.Run(), "MZ0104");
        Assert.Contains("should hold 100 bytes", diagnostic.GetMessage());
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}
