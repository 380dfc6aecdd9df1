using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Stochastic;

/// <summary>
/// Noise declarations through the real generator and analyzer: invalid values (MZ0006), a per-layer count that does
/// not match the hidden layers (MZ0207), a model that is not a layer stack (MZ0208), never a crash; the generated
/// file compiles cleanly at warning level 9999 with nullable on, across language versions, and matches its baseline.
/// </summary>
public sealed class NoiseDeclarationTests
{
    private static byte[] Moons => File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, StochasticResNetModel.Name, "model.onnx"));

    private static string Located(Diagnostic d) => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan);

    private static void AssertNoCrash(GeneratorRun run) =>
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8785" or "MZ0999");

    [Theory]
    [InlineData("Noise = -0.05", "Noise = -0.05", "σ is -0.05")]
    [InlineData("Noise = double.NaN", "Noise = double.NaN", "σ is NaN")]
    [InlineData("Noise = double.PositiveInfinity", "Noise = double.PositiveInfinity", "infinite")]
    [InlineData("NoisePerLayer = new[] { 0.05, -1.0 }", "NoisePerLayer = new[] { 0.05, -1.0 }", "hidden layer 1 is -1")]
    [InlineData("NoisePerLayer = new double[0]", "NoisePerLayer = new double[0]", "one σ per hidden layer")]
    [InlineData("Noise = 0.05, NoisePerLayer = new[] { 0.05 }", "NoisePerLayer = new[] { 0.05 }", "not both")]
    public void InvalidNoiseIsReportedAtTheArgument(string argument, string located, string message)
    {
        var run = CompiledNoisyNetwork.Generate(Moons, argument);
        AssertNoCrash(run);
        var diagnostic = Assert.Single(run.AnalyzerDiagnostics());
        Assert.Equal("MZ0006", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(located, Located(diagnostic));
        Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void PerLayerCountMustMatchTheHiddenLayers()
    {
        var run = CompiledNoisyNetwork.Generate(Moons, "NoisePerLayer = new[] { 0.05, 0.1, 0.2 }");
        AssertNoCrash(run);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("MZ0207", diagnostic.Id);
        Assert.Equal("MzNetwork(\"models/m.onnx\", NoisePerLayer = new[] { 0.05, 0.1, 0.2 })", Located(diagnostic));
        string text = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("declares 3 noise levels", text);
        Assert.Contains("has 20 hidden layers: 20 × residual tanh 2→2, then a sigmoid readout 2→1", text);
        // Predict is still generated; only the noisy members are left out.
        Assert.Equal(new[] { "Samples.Net.Mz.Weights.g.cs", "Samples.Net.Mz.g.cs" }, run.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Empty(run.AnalyzerDiagnostics());
    }

    [Fact]
    public void ModelThatIsNotALayerStackIsReportedAndStillCompiles()
    {
        // Gemm → Relu → Gemm → Softmax: the Softmax output is not an affine readout.
        var random = new Random(3);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var softmax = new OnnxModelBuilder().Input("x", new long?[] { null, 3 }).Output("y", new long?[] { null, 2 })
            .Initializer("w0", new long[] { 4, 3 }, Values(12)).Initializer("b0", new long[] { 4 }, Values(4))
            .Initializer("w1", new long[] { 2, 4 }, Values(8)).Initializer("b1", new long[] { 2 }, Values(2))
            .Node("Gemm", new[] { "x", "w0", "b0" }, new[] { "a0" }, ("transB", 1L))
            .Node("Relu", new[] { "a0" }, new[] { "h1" })
            .Node("Gemm", new[] { "h1", "w1", "b1" }, new[] { "logits" }, ("transB", 1L))
            .Node("Softmax", new[] { "logits" }, new[] { "y" }, ("axis", 1L))
            .Build();
        var run = CompiledNoisyNetwork.Generate(softmax, "Noise = 0.1");
        AssertNoCrash(run);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("MZ0208", diagnostic.Id);
        Assert.Contains("'Samples.Net' cannot run as a noisy network", diagnostic.GetMessage());
        Assert.Contains("(Softmax)", diagnostic.GetMessage());
        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.EndsWith(".Mz.Noise.g.cs", StringComparison.Ordinal));
        Assert.NotEmpty(run.GeneratedSources);

        // A single affine map has no hidden layer to add noise after.
        var affine = new OnnxModelBuilder().Input("x", new long?[] { null, 3 }).Output("y", new long?[] { null, 2 })
            .Initializer("w", new long[] { 2, 3 }, Values(6)).Initializer("b", new long[] { 2 }, Values(2))
            .Node("Gemm", new[] { "x", "w", "b" }, new[] { "y" }, ("transB", 1L))
            .Build();
        run = CompiledNoisyNetwork.Generate(affine, "Noise = 0.1");
        AssertNoCrash(run);
        diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("MZ0208", diagnostic.Id);
        Assert.Contains("no hidden layer", diagnostic.GetMessage());
    }

    [Fact]
    public void ZeroNoiseIsValidAndNoNoiseMeansNoNoisyMembers()
    {
        var zero = CompiledNoisyNetwork.Generate(Moons, "Noise = 0.0");
        Assert.Empty(zero.GeneratorDiagnostics);
        Assert.Contains(zero.GeneratedSources, s => s.HintName == "Samples.Net.Mz.Noise.g.cs");
        var none = new GeneratorHarness().AddSource("using Mz; [MzNetwork(\"m.onnx\")] public static partial class Plain { }").AddModel("m.onnx", Moons).Run();
        Assert.DoesNotContain(none.GeneratedSources, s => s.HintName.EndsWith(".Mz.Noise.g.cs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp11, true)]
    [InlineData(LanguageVersion.CSharp12, false)]
    [InlineData(LanguageVersion.Latest, true)]
    public void GeneratedNoisyMembersCompileCleanly(LanguageVersion version, bool allowUnsafe)
    {
        // EmitAndLoad fails on any warning at level 9999 with nullable on; the network nests in a namespace-less outer type.
        var run = new GeneratorHarness { LanguageVersion = version, AllowUnsafe = allowUnsafe }
            .AddSource("using Mz; public static partial class Outer { [MzNetwork(\"m.onnx\", NoisePerLayer = new[] { 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.0 })] public static partial class Net { } }")
            .AddModel("m.onnx", Moons)
            .Run();
        Assert.Empty(run.GeneratorDiagnostics);
        var network = new CompiledNoisyNetwork(run.EmitAndLoad(), "Outer+Net");
        Assert.Equal(0.1, network.NoiseLevels[10]);
        Assert.Equal(0.0, network.NoiseLevels[19]);
    }

    [Fact]
    public void StochasticResNet2dNoisy()
    {
        var run = CompiledNoisyNetwork.Generate(Moons, "Noise = 0.05", "MoonsNet");
        Assert.Empty(run.GeneratorDiagnostics);
        Baselines.Verify(run, nameof(StochasticResNet2dNoisy));
    }

    [Fact]
    public void NoisyDeclarationsAreCachedOnARerun()
    {
        // The noise plan compares by key (model hash and levels), so an unchanged rerun leaves every output cached.
        var run = CompiledNoisyNetwork.Generate(Moons, "Noise = 0.05");
        var rerun = run.Driver.RunGenerators(run.Input.Clone()).GetRunResult();
        foreach (var output in rerun.Results.SelectMany(r => r.TrackedOutputSteps.SelectMany(s => s.Value)).SelectMany(step => step.Outputs))
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output step {output.Reason}");

        // A different σ is a different network: the output must regenerate, with the new level in it.
        var tree = run.Input.SyntaxTrees.First();
        var edited = run.Input.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(tree.ToString().Replace("Noise = 0.05", "Noise = 0.1"), (CSharpParseOptions)tree.Options, tree.FilePath));
        var changed = run.Driver.RunGenerators(edited);
        var reasons = changed.GetRunResult().Results[0].TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason);
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        Assert.Contains("noise: 0.1);", changed.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith(".Mz.Noise.g.cs", StringComparison.Ordinal)).ToString());
    }

    [Fact]
    public void PragmaSuppressesInvalidNoise()
    {
        var run = new GeneratorHarness()
            .AddSource("""
                using Mz;
                #pragma warning disable MZ0006 // checked elsewhere
                [MzNetwork("m.onnx", Noise = -1.0)]
                #pragma warning restore MZ0006
                public static partial class Net { }
                """)
            .AddModel("m.onnx", Moons)
            .Run();
        Assert.DoesNotContain(run.AnalyzerDiagnostics(), d => !d.IsSuppressed);
    }
}
