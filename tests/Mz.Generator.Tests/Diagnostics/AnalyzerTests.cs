using Microsoft.CodeAnalysis;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Diagnostics;

/// <summary>Analyzer diagnostics: precise locations, suppressible by #pragma, and the span-length check.</summary>
public sealed class AnalyzerTests
{
    private static GeneratorRun Run(string source) =>
        new GeneratorHarness().AddSource(source).AddModel("m.onnx", new TrainedModel("digits-mlp").OnnxBytes).Run();

    private static string Located(Diagnostic d) => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan);

    [Fact]
    public void NonStaticClassGetsAWarningAndStillCompiles()
    {
        var run = Run("using Mz; [MzNetwork(\"m.onnx\")] public partial class Net { }");
        var diagnostic = Assert.Single(run.AnalyzerDiagnostics());
        Assert.Equal("MZ0004", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("Net", Located(diagnostic));
        Assert.NotEmpty(run.GeneratedSources);
    }

    [Theory]
    [InlineData("MzReduce(Tolerance = 0.05)", "MzReduce")]
    [InlineData("MzDense(10)", "MzDense")]
    public void ACompanionAttributeWithoutMzNetworkIsAWarningOnTheAttribute(string attribute, string name)
    {
        var run = Run($"using Mz; [{attribute}] public static partial class Orphan {{ }}");
        var diagnostic = Assert.Single(run.AnalyzerDiagnostics());
        Assert.Equal("MZ0007", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(attribute, Located(diagnostic));
        Assert.Contains("'Orphan' has [" + name + "] but no [MzNetwork]", diagnostic.GetMessage());
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void GenericContainerIsAnError()
    {
        var run = Run("using Mz; public static partial class Outer<T> { [MzNetwork(\"m.onnx\")] public static partial class Net { } }");
        var diagnostic = Assert.Single(run.AnalyzerDiagnostics());
        Assert.Equal("MZ0002", diagnostic.Id);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void PragmaSuppressesAnalyzerDiagnostics()
    {
        var run = Run("""
            using Mz;
            [MzNetwork("m.onnx")]
            #pragma warning disable MZ0004 // instances are wanted here
            public partial class Net { }
            #pragma warning restore MZ0004
            """);
        Assert.DoesNotContain(run.AnalyzerDiagnostics(), d => !d.IsSuppressed);
    }

    [Fact]
    public void SeverityIsConfigurableLikeAnyCompilerDiagnostic()
    {
        // .editorconfig's dotnet_diagnostic.MZ0004.severity maps to these options in the compiler.
        var run = Run("using Mz; [MzNetwork(\"m.onnx\")] public partial class Net { }");
        var options = run.Output.Options.WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["MZ0004"] = ReportDiagnostic.Error });
        var escalated = (run with { Output = run.Output.WithOptions(options) }).AnalyzerDiagnostics();
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(escalated).Severity);
        options = options.WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["MZ0004"] = ReportDiagnostic.Suppress });
        Assert.Empty((run with { Output = run.Output.WithOptions(options) }).AnalyzerDiagnostics());
    }

    [Fact]
    public void WrongConstantLengthsArePointedAt()
    {
        var run = Run("""
            using System;
            using Mz;
            [MzNetwork("m.onnx")]
            public static partial class Net { }
            public static class Use
            {
                public static void Call()
                {
                    Net.Predict(new float[63], new float[10]);
                    Net.Predict(new float[64], stackalloc float[9]);
                    Net.Predict(new float[64], new float[Net.OutputSize]);
                    Net.PredictBatch(new float[130], new float[20]);
                    Net.PredictBatch(new float[128], new float[20]);
                }
            }
            """);
        var diagnostics = run.AnalyzerDiagnostics().OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(new[] { "MZ0005", "MZ0005", "MZ0005" }, diagnostics.Select(d => d.Id));
        Assert.Equal("new float[63]", Located(diagnostics[0]));
        Assert.Contains("63 values", diagnostics[0].GetMessage());
        Assert.Contains("needs 64", diagnostics[0].GetMessage());
        Assert.Equal("stackalloc float[9]", Located(diagnostics[1]));
        Assert.Equal("new float[130]", Located(diagnostics[2]));
        Assert.Contains("multiple of 64", diagnostics[2].GetMessage());
    }

    /// <summary>
    /// A local initialised with a constant length and never reassigned counts as that length; batch spans that hold
    /// different numbers of rows are flagged at the one that disagrees with the first.
    /// </summary>
    [Fact]
    public void LocalsOfConstantLengthAndMismatchedRowCountsArePointedAt()
    {
        var run = Run("""
            using System;
            using Mz;
            [MzNetwork("m.onnx")]
            public static partial class Net { }
            public static class Use
            {
                public static void Call(float[] given)
                {
                    Span<float> y = stackalloc float[3];
                    Net.Predict(new float[64], y);
                    var rows = new float[64 * 2];
                    Net.PredictBatch(rows, new float[30]);
                    Net.PredictBatch(rows, new float[20]);
                    var moved = new float[5];
                    moved = given;
                    Net.Predict(new float[64], moved);
                    var resized = new float[5];
                    Array.Resize(ref resized, 10);
                    Net.Predict(new float[64], resized);
                }
            }
            """);
        var diagnostics = run.AnalyzerDiagnostics().OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(new[] { "MZ0005", "MZ0005" }, diagnostics.Select(d => d.Id));
        Assert.Equal("y", Located(diagnostics[0]));
        Assert.Contains("gets 3 values", diagnostics[0].GetMessage());
        Assert.Equal("new float[30]", Located(diagnostics[1]));
        Assert.Contains("needs 20 (2 rows of 10, as many rows as 'inputs' holds)", diagnostics[1].GetMessage());
    }

    /// <summary>The reduced and parallel entry points take the same spans as Predict and PredictBatch, and get the same check.</summary>
    [Fact]
    public void WrongConstantLengthsArePointedAtInEveryEntryPoint()
    {
        // No calibration file is given, so the build reports MZ0105 and PredictReduced runs the full network: the
        // members exist, which is all the analyzer needs.
        var run = Run("""
            using System;
            using Mz;
            [MzNetwork("m.onnx", Calibration = "c.npz:x")]
            [MzReduce(Tolerance = 0.05)]
            public static partial class Net { }
            public static class Use
            {
                public static void Call()
                {
                    Net.PredictReduced(new float[29], new float[10]);
                    Net.PredictReduced(new float[64], new float[10]);
                    Net.PredictReducedBatch(new float[128], new float[21]);
                    Net.PredictBatchParallel(new float[65], new float[10], 2);
                    Net.PredictBatchParallel(new float[128], new float[20], maxThreads: 2);
                }
            }
            """);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "MZ0105");
        var diagnostics = run.AnalyzerDiagnostics().OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(new[] { "MZ0005", "MZ0005", "MZ0005" }, diagnostics.Select(d => d.Id));
        Assert.Equal("new float[29]", Located(diagnostics[0]));
        Assert.Contains("Net.PredictReduced", diagnostics[0].GetMessage());
        Assert.Equal("new float[21]", Located(diagnostics[1]));
        Assert.Contains("multiple of 10", diagnostics[1].GetMessage());
        Assert.Equal("new float[65]", Located(diagnostics[2]));
        Assert.Contains("Net.PredictBatchParallel", diagnostics[2].GetMessage());
    }

    [Fact]
    public void EveryPrefixOfADeclarationNeverCrashesTheGenerator()
    {
        const string source = """
            using Mz;
            namespace N;
            [MzNetwork("m.onnx", Calibration = "c.npz:x")]
            public static partial class Net { }
            """;
        for (int length = 0; length <= source.Length; length++)
        {
            var run = Run(source.Substring(0, length));
            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8785" or "MZ0999");
            run.AnalyzerDiagnostics(); // must not throw either
        }
    }

    [Fact]
    public void SameClassNameInTwoNamespacesBothCompile()
    {
        var run = new GeneratorHarness()
            .AddSource("using Mz; namespace A { [MzNetwork(\"m.onnx\")] public static partial class Net { } }")
            .AddSource("using Mz; namespace B { [MzNetwork(\"c.onnx\")] public static partial class Net { } }")
            .AddModel("m.onnx", new TrainedModel("digits-mlp").OnnxBytes)
            .AddModel("c.onnx", new TrainedModel("cancer-mlp").OnnxBytes)
            .Run();
        Assert.Empty(run.GeneratorDiagnostics);
        var assembly = run.EmitAndLoad();
        Assert.Equal(64, new CompiledNetwork(assembly, "A.Net").InputSize);
        Assert.Equal(30, new CompiledNetwork(assembly, "B.Net").InputSize);
    }
}
