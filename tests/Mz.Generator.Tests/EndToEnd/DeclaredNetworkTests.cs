using Microsoft.CodeAnalysis;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.EndToEnd;

/// <summary>
/// Networks declared in attributes over the trained models' weights.safetensors must compile to the same
/// outputs as their ONNX files, and mismatched declarations must be reported at the offending attribute.
/// </summary>
public sealed class DeclaredNetworkTests
{
    /// <summary>The attribute declarations of the five trained models, as a user would write them from model.json.</summary>
    public static readonly Dictionary<string, string> Declarations = new()
    {
        ["digits-mlp"] = """
            [MzNetwork(Weights = "w.safetensors", InputSize = 64)]
            [MzDense(128, Weight = "layers.0.weight", Bias = "layers.0.bias", Activation = MzActivation.Relu)]
            [MzDense(128, Weight = "layers.1.weight", Bias = "layers.1.bias", Activation = MzActivation.Relu)]
            [MzDense(10, Weight = "layers.2.weight", Bias = "layers.2.bias")]
            """,
        ["cancer-mlp"] = """
            [MzNetwork(Weights = "w.safetensors", InputSize = 30)]
            [MzDense(64, Weight = "layers.0.weight", Bias = "layers.0.bias", Activation = MzActivation.Relu)]
            [MzDense(64, Weight = "layers.1.weight", Bias = "layers.1.bias", Activation = MzActivation.Relu)]
            [MzDense(1, Weight = "layers.2.weight", Bias = "layers.2.bias", Activation = MzActivation.Sigmoid)]
            """,
        ["digits-resmlp-deep"] = """
            [MzNetwork(Weights = "w.safetensors", InputSize = 64)]
            [MzDense(64, Weight = "inp.weight", Bias = "inp.bias")]
            [MzResidual(Count = 32, Step = 1f / 32, Activation = MzActivation.Tanh, Weight = "blocks.{i}.weight", Bias = "blocks.{i}.bias")]
            [MzDense(10, Weight = "out.weight", Bias = "out.bias")]
            """,
        ["digits-sklearn-mlp"] = """
            [MzNetwork(Weights = "w.safetensors", InputSize = 64, WeightLayout = MzWeightLayout.InputsByOutputs)]
            [MzDense(128, Weight = "coefs_0", Bias = "intercepts_0", Activation = MzActivation.Relu)]
            [MzDense(64, Weight = "coefs_1", Bias = "intercepts_1", Activation = MzActivation.Relu)]
            [MzDense(10, Weight = "coefs_2", Bias = "intercepts_2")]
            [MzSoftmax]
            """,
        ["stochastic-resnet-2d"] = """
            [MzNetwork(Weights = "w.safetensors", InputSize = 2)]
            [MzResidual(Count = 20, Step = 0.25f, Activation = MzActivation.Tanh, Weight = "blocks.{i}.weight", Bias = "blocks.{i}.bias")]
            [MzDense(1, Weight = "out.weight", Bias = "out.bias", Activation = MzActivation.Sigmoid)]
            """,
    };

    public static TheoryData<string> Models => new(TrainedModel.Names);

    private static byte[] Safetensors(string name) => File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, name, "weights.safetensors"));

    [Theory]
    [MemberData(nameof(Models))]
    public void SafetensorsDeclarationMatchesTheOnnxModel(string name)
    {
        var model = new TrainedModel(name);
        var run = new GeneratorHarness()
            .AddSource("using Mz;\nnamespace D;\n" + Declarations[name] + "\npublic static partial class Declared { }")
            .AddSource("using Mz;\nnamespace D;\n[MzNetwork(\"m.onnx\")]\npublic static partial class FromOnnx { }")
            .AddModel("w.safetensors", Safetensors(name), format: "safetensors")
            .AddModel("m.onnx", model.OnnxBytes)
            .Run();
        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var assembly = run.EmitAndLoad();
        var declared = new CompiledNetwork(assembly, "D.Declared");
        var onnx = new CompiledNetwork(assembly, "D.FromOnnx");

        var x = model.Reference["x"].ToSingles();
        var fromDeclared = declared.PredictRows(x);
        var (maxError, violations) = model.Compare(fromDeclared, model.Reference["y_f64"]);
        Assert.True(violations == 0, $"{name}: {violations} outputs outside tolerance, max error {maxError}");
        Assert.Equal(model.TestErrors, model.CountTestErrors(fromDeclared, declared.OutputSize));
        // Same weights, same layer sequence, same kernels: the two front ends must agree to the bit.
        Assert.Equal(onnx.PredictRows(x), fromDeclared);
    }

    [Fact]
    public void NpzWeightsWorkLikeSafetensors()
    {
        // Re-pack digits-mlp's safetensors tensors as an .npz of float32 arrays (np.savez layout).
        var tensors = Mz.Core.Data.SafetensorsReader.Read(Safetensors("digits-mlp"));
        var writer = new Mz.Benchmarks.Models.NpzWriter();
        foreach (var (name, tensor) in tensors) writer.Add(name, tensor.Float32!, tensor.Dims);
        var npz = writer.ToArray();
        var model = new TrainedModel("digits-mlp");
        var run = new GeneratorHarness()
            .AddSource("using Mz;\nnamespace D;\n" + Declarations["digits-mlp"].Replace("w.safetensors", "w.npz") + "\npublic static partial class Declared { }")
            .AddModel("w.npz", npz, format: "npz")
            .Run();
        Assert.Empty(run.GeneratorDiagnostics);
        var network = new CompiledNetwork(run.EmitAndLoad(), "D.Declared");
        var (maxError, violations) = model.Compare(network.PredictRows(model.Reference["x"].ToSingles()), model.Reference["y_f64"]);
        Assert.True(violations == 0, $"max error {maxError}");
    }

    private static Diagnostic SingleDiagnostic(string declaration, string name = "digits-mlp")
    {
        var run = new GeneratorHarness()
            .AddSource("using Mz;\nnamespace D;\n" + declaration + "\npublic static partial class Declared { }")
            .AddModel("w.safetensors", Safetensors(name), format: "safetensors")
            .Run();
        Assert.Empty(run.GeneratedSources);
        return Assert.Single(run.GeneratorDiagnostics);
    }

    [Fact]
    public void WrongUnitsAreReportedAtTheLayerWithExpectedAndActualShapes()
    {
        var diagnostic = SingleDiagnostic("""
            [MzNetwork(Weights = "w.safetensors", InputSize = 64)]
            [MzDense(128, Weight = "layers.0.weight", Bias = "layers.0.bias", Activation = MzActivation.Relu)]
            [MzDense(100, Weight = "layers.1.weight", Bias = "layers.1.bias")]
            """);
        Assert.Equal("MZ0205", diagnostic.Id);
        Assert.StartsWith("MzDense(100", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        var message = diagnostic.GetMessage();
        Assert.Contains("layer 2", message);
        Assert.Contains("[128, 128]", message); // actual
        Assert.Contains("[100, 128]", message); // expected
    }

    [Fact]
    public void WrongLayoutIsReportedWithBothShapes()
    {
        var diagnostic = SingleDiagnostic("""
            [MzNetwork(Weights = "w.safetensors", InputSize = 64, WeightLayout = MzWeightLayout.InputsByOutputs)]
            [MzDense(128, Weight = "layers.0.weight")]
            """);
        Assert.Equal("MZ0205", diagnostic.Id);
        Assert.Contains("[128, 64]", diagnostic.GetMessage());
        Assert.Contains("[64, 128]", diagnostic.GetMessage());
        Assert.Contains("[in, out]", diagnostic.GetMessage());
    }

    [Fact]
    public void MissingTensorListsSimilarNames()
    {
        var diagnostic = SingleDiagnostic("""
            [MzNetwork(Weights = "w.safetensors", InputSize = 64)]
            [MzDense(128, Weight = "layer.0.weight")]
            """);
        Assert.Equal("MZ0205", diagnostic.Id);
        Assert.Contains("no tensor 'layer.0.weight'", diagnostic.GetMessage());
        Assert.Contains("layers.0.weight", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("[MzNetwork(Weights = \"w.safetensors\")]\n[MzDense(10, Weight = \"layers.2.weight\")]", "InputSize")]
    [InlineData("[MzNetwork(InputSize = 64)]", "Weights")]
    [InlineData("[MzNetwork(Weights = \"w.safetensors\", InputSize = 64)]", "layers")]
    [InlineData("[MzNetwork(\"m.onnx\", Weights = \"w.safetensors\")]", "not both")]
    public void InvalidDeclarationsGetAnArgumentDiagnostic(string declaration, string expected)
    {
        var run = new GeneratorHarness()
            .AddSource("using Mz;\nnamespace D;\n" + declaration + "\npublic static partial class Declared { }")
            .AddModel("w.safetensors", Safetensors("digits-mlp"), format: "safetensors")
            .AddModel("m.onnx", new TrainedModel("digits-mlp").OnnxBytes)
            .Run();
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.GeneratedSources);
        var diagnostic = Assert.Single(run.AnalyzerDiagnostics());
        Assert.Equal("MZ0003", diagnostic.Id);
        Assert.Contains(expected, diagnostic.GetMessage());
    }

    [Fact]
    public void DamagedSafetensorsIsReportedAsUnreadable()
    {
        var bytes = Safetensors("digits-mlp");
        bytes[8] = (byte)'x'; // the JSON header no longer starts with '{'
        var run = new GeneratorHarness()
            .AddSource("using Mz;\n" + Declarations["digits-mlp"] + "\npublic static partial class Declared { }")
            .AddModel("w.safetensors", bytes, format: "safetensors")
            .Run();
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("MZ0102", diagnostic.Id);
        Assert.Contains("header", diagnostic.GetMessage());
    }
}
