using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.EndToEnd;

/// <summary>
/// Each committed trained model goes through the real generator, compiles without warnings, and reproduces
/// the float64 reference on every row and stress row, the recorded test errors, and the interpreter.
/// </summary>
public sealed class TrainedModelTests
{
    public static TheoryData<string> Models => new(TrainedModel.Names);

    private static CompiledNetwork Compile(TrainedModel model)
    {
        var run = new GeneratorHarness()
            .AddSource($$"""
                using Mz;
                namespace Trained;
                [MzNetwork("models/{{model.Name}}/model.onnx")]
                public static partial class Network { }
                """)
            .AddModel($"models/{model.Name}/model.onnx", model.OnnxBytes)
            .Run();
        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        return new CompiledNetwork(run.EmitAndLoad(), "Trained.Network");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void GeneratedCodeMatchesFloat64ReferenceOnEveryRow(string name)
    {
        var model = new TrainedModel(name);
        var network = Compile(model);

        var y = network.PredictRows(model.Reference["x"].ToSingles());
        var (maxError, violations) = model.Compare(y, model.Reference["y_f64"]);
        Assert.True(violations == 0, $"{name}: {violations} outputs outside atol {model.Atol} + rtol {model.Rtol}; max error {maxError}");

        var edge = network.PredictRows(model.Reference["x_edge"].ToSingles());
        var (edgeError, edgeViolations) = model.Compare(edge, model.Reference["y_edge_f64"]);
        Assert.True(edgeViolations == 0, $"{name}: {edgeViolations} edge outputs outside tolerance; max error {edgeError}");

        Assert.Equal(model.TestErrors, model.CountTestErrors(y, network.OutputSize));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void PredictBatchEqualsRowByRow(string name)
    {
        var model = new TrainedModel(name);
        var network = Compile(model);
        var x = model.Reference["x"].ToSingles();
        var rows = network.PredictRows(x);
        var batch = network.PredictAll(x);
        // Same kernels, same accumulation order per row: results must be bit-identical.
        Assert.Equal(rows, batch);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void InterpreterAgreesWithGeneratedCode(string name)
    {
        var model = new TrainedModel(name);
        var network = Compile(model);
        var interpreter = MzModel.Load(new MemoryStream(model.OnnxBytes));
        var x = model.Reference["x"].ToSingles();
        var generated = network.PredictRows(x);
        var reference = interpreter.Run(x);
        Assert.Equal(generated.Length, reference.Length);
        double worst = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double diff = Math.Abs(generated[i] - reference[i]);
            Assert.True(diff <= model.Atol + model.Rtol * Math.Abs(reference[i]), $"{name}[{i}]: generated {generated[i]}, interpreter {reference[i]}");
            worst = Math.Max(worst, diff);
        }
        // The float64 interpreter must itself match the float64 reference far more tightly than float32 code.
        var (interpreterError, _) = model.Compare(reference.Select(v => (float)v).ToArray(), model.Reference["y_f64"]);
        Assert.True(interpreterError <= 1e-5, $"{name}: interpreter differs from y_f64 by {interpreterError}");
    }
}
