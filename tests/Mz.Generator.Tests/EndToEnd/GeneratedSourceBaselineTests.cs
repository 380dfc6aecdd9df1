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
