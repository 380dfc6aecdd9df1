using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.EndToEnd;

/// <summary>Snapshot of the generated source: any change to emitted code shows up as a reviewed baseline diff.</summary>
public sealed class GeneratedSourceBaselineTests
{
    [Fact]
    public void DigitsMlp()
    {
        var model = new TrainedModel("digits-mlp");
        var run = new GeneratorHarness()
            .AddSource("""
                using Mz;
                namespace Samples;
                [MzNetwork("models/digits-mlp/model.onnx")]
                public static partial class DigitsNet { }
                """)
            .AddModel("models/digits-mlp/model.onnx", model.OnnxBytes)
            .Run();
        Assert.Empty(run.GeneratorDiagnostics);
        Baselines.Verify(run, nameof(DigitsMlp));
    }

    [Fact]
    public void CancerMlp() => VerifyModel("cancer-mlp", "CancerNet", nameof(CancerMlp));

    [Fact]
    public void StochasticResNet2d() => VerifyModel("stochastic-resnet-2d", "MoonsNet", nameof(StochasticResNet2d));

    private static void VerifyModel(string model, string className, string testName)
    {
        var run = new GeneratorHarness()
            .AddSource($$"""
                using Mz;
                namespace Samples;
                [MzNetwork("models/{{model}}/model.onnx")]
                public static partial class {{className}} { }
                """)
            .AddModel($"models/{model}/model.onnx", new TrainedModel(model).OnnxBytes)
            .Run();
        Assert.Empty(run.GeneratorDiagnostics);
        Baselines.Verify(run, testName);
    }

    [Theory]
    [InlineData(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp11, true)]
    [InlineData(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp12, false)]
    [InlineData(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest, false)]
    public void GeneratedCodeCompilesCleanlyAcrossLanguageVersionsAndUnsafeSettings(Microsoft.CodeAnalysis.CSharp.LanguageVersion version, bool allowUnsafe)
    {
        var harness = new GeneratorHarness { LanguageVersion = version, AllowUnsafe = allowUnsafe }
            .AddSource("using Mz; namespace S { [MzNetwork(\"m.onnx\")] public static partial class Net { } }")
            .AddModel("m.onnx", new TrainedModel("digits-resmlp-deep").OnnxBytes);
        var network = new CompiledNetwork(harness.Run().EmitAndLoad(), "S.Net");
        Assert.Equal(64, network.InputSize);
    }

    [Fact]
    public void BaselineUpdatesAreNeverEnabledInCi()
    {
        bool ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Assert.False(ci && Baselines.Updating, $"{Baselines.UpdateVariable} must not be set in CI");
    }

    [Fact]
    public void GenerationIsDeterministic()
    {
        var model = new TrainedModel("digits-resmlp-deep");
        string Generate() => string.Join("\n---\n", new GeneratorHarness()
            .AddSource("""
                using Mz;
                [MzNetwork("m.onnx")]
                public static partial class Net { }
                """)
            .AddModel("m.onnx", model.OnnxBytes)
            .Run().GeneratedSources.Select(s => s.HintName + "\n" + s.SourceText));
        var original = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            string first = Generate();
            // A culture whose minus sign is U+2212 must not leak into literals.
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("sv-SE");
            Assert.Equal(first, Generate());
        }
        finally { System.Globalization.CultureInfo.CurrentCulture = original; }
    }
}
