extern alias gen;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Mz.Core.Analysis;
using Mz.Core.Data;
using Mz.Core.Lowering;
using Mz.Core.Onnx;
using Mz.Tests.Infrastructure;
using Xunit;
using StepNames = gen::Mz.Generator.MzGenerator.StepNames;

namespace Mz.Tests.Analysis;

/// <summary>
/// [MzNetwork(..., Calibration = ...)] runs the MZ analysis at build time: the generated Analysis property
/// equals the library's report, an Info diagnostic summarises it, bad calibration data is diagnosed, and an
/// unchanged rebuild reuses the cached plan.
/// </summary>
public sealed class BuildTimeAnalysisTests
{
    private static byte[] TrainNpz => File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, "digits-resmlp-deep", "train.npz"));

    private static GeneratorHarness Harness(string calibration = "data/train.npz:x", byte[]? calibrationBytes = null, string model = "digits-resmlp-deep") =>
        new GeneratorHarness()
            .AddSource($$"""
                using Mz;
                namespace A;
                [MzNetwork("m.onnx", Calibration = "{{calibration}}")]
                public static partial class Net { }
                """)
            .AddModel("m.onnx", new TrainedModel(model).OnnxBytes)
            .AddModel("data/train.npz", calibrationBytes ?? TrainNpz, kind: "calibration", format: "npz");

    [Fact]
    public void GeneratedReportEqualsTheLibraryAnalysisAndIsSummarised()
    {
        var run = Harness().Run();
        var summary = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "MZ0401");
        Assert.Equal(DiagnosticSeverity.Info, summary.Severity);
        Assert.True(!run.GeneratorDiagnostics.Any(d => d.Severity >= DiagnosticSeverity.Warning), string.Join("\n", run.GeneratorDiagnostics));

        var type = run.EmitAndLoad().GetType("A.Net")!;
        var generated = (AnalysisReport)type.GetProperty("Analysis")!.GetValue(null)!;

        var graph = GraphPreparer.Prepare(OnnxModelReader.Read(new TrainedModel("digits-resmlp-deep").OnnxBytes));
        var x = NpzReader.Read(TrainNpz)["x"];
        var direct = MzAnalysis.Analyze(graph, x.Data, (int)x.Rows);

        Assert.Equal(direct.Layers.Length, generated.Layers.Length);
        Assert.Equal(direct.CalibrationRows, generated.CalibrationRows);
        Assert.Equal(direct.RecommendedMemory, generated.RecommendedMemory);
        Assert.Equal(direct.MedianDecayRate, generated.MedianDecayRate);
        for (int i = 0; i < direct.Layers.Length; i++)
        {
            Assert.Equal(direct.Layers[i].KernelNorms, generated.Layers[i].KernelNorms);
            Assert.Equal(direct.Layers[i].Rank, generated.Layers[i].Rank);
            Assert.Equal(direct.Layers[i].DecayRate, generated.Layers[i].DecayRate);
        }
        Assert.Contains(direct.RecommendedMemory.ToString(System.Globalization.CultureInfo.InvariantCulture), summary.GetMessage());
    }

    [Fact]
    public void UnchangedRebuildReusesThePlanWithItsAnalysis()
    {
        var run = Harness().Run();
        var driver = run.Driver.RunGenerators(run.Input.Clone());
        var reasons = driver.GetRunResult().Results[0].TrackedSteps[StepNames.Plan].SelectMany(s => s.Outputs).Select(o => o.Reason);
        Assert.All(reasons, r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void MissingCalibrationItemSaysWhatToAdd()
    {
        var run = Harness(calibration: "data/other.npz:x").Run();
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("MZ0105", diagnostic.Id);
        Assert.Contains("<MzCalibration Include=\"data/other.npz\" />", diagnostic.GetMessage());
    }

    public static TheoryData<string, string> BadData => new()
    {
        { "nan", "contain NaN" },
        { "width", "rows of 64 values" },
        { "one-row", "has 1 calibration row;" },
        { "key", "has no array 'x'" },
    };

    [Theory]
    [MemberData(nameof(BadData))]
    public void BadCalibrationDataIsDiagnosedNeverAnalysed(string kind, string expected)
    {
        var x = NpzReader.Read(TrainNpz)["x"];
        var rows = x.ToSingles();
        byte[] bytes = kind switch
        {
            "nan" => Npz("x", new long[] { x.Rows, 64 }, rows.Select((v, i) => i == 64 * 7 + 3 ? float.NaN : v).ToArray()),
            "width" => Npz("x", new long[] { x.Rows * 2, 32 }, rows),
            "one-row" => Npz("x", new long[] { 1, 64 }, rows.Take(64).ToArray()),
            _ => Npz("inputs", new long[] { x.Rows, 64 }, rows),
        };
        var run = Harness(calibrationBytes: bytes).Run();
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("MZ0106", diagnostic.Id);
        Assert.Contains(expected, diagnostic.GetMessage());
        Assert.NotEmpty(run.GeneratedSources); // inference code is still generated
    }

    [Fact]
    public void TooFewRowsForTheRanksIsAWarningNotACrash()
    {
        var x = NpzReader.Read(TrainNpz)["x"];
        var run = Harness(calibrationBytes: Npz("x", new long[] { 40, 64 }, x.ToSingles().Take(40 * 64).ToArray())).Run();
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "MZ0999" or "CS8785");
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "MZ0402");
    }

    private static byte[] Npz(string key, long[] shape, float[] data) =>
        new Mz.Benchmarks.Models.NpzWriter().Add(key, data, shape).ToArray();
}
