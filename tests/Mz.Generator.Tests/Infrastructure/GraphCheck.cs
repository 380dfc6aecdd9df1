using Mz.Cli.Checking;
using Mz.Core.Lowering;
using Mz.Core.Onnx;
using Xunit;

namespace Mz.Tests.Infrastructure;

/// <summary>
/// Runs a hand-built model through both engines, the float64 reference interpreter and the generated code
/// (the real generator, compiled in memory), and checks each against values the test computed by hand.
/// </summary>
public static class GraphCheck
{
    /// <summary>The interpreter's outputs for whole-tensor inputs.</summary>
    public static double[][] Interpret(byte[] model, params double[][] inputs) => MzModel.Load(model, null).RunAll(inputs);

    /// <summary>The generated code's outputs; inputs hold whole rows (fixed-shape models: exactly one row).</summary>
    public static double[][] Generate(byte[] model, params double[][] inputs)
    {
        var prepared = GraphPreparer.Prepare(OnnxModelReader.Read(model));
        var outcome = NetworkCompiler.Compile(model, Array.Empty<KeyValuePair<string, byte[]>>(), prepared.Inputs.Count, prepared.Outputs.Count);
        Assert.True(outcome.DiagnosticId == null, $"the generator rejected the model: {outcome.DiagnosticId} {outcome.Message}");
        using var network = outcome.Network!;
        long rows = prepared.HasBatch ? inputs[0].Length / prepared.SizePerRow(prepared.Inputs[0].Name) : 1;
        var lengths = prepared.Outputs.Select(o => (int)(prepared.SizePerRow(o.Name) * (prepared.Shapes[o.Name].Any(d => d.PerBatch) ? rows : 1))).ToList();
        return network.Run(inputs, lengths, prepared.HasBatch);
    }

    /// <summary>The diagnostic id and message the generator rejects the model with (fails when it compiles).</summary>
    public static (string Id, string Message) Rejection(byte[] model)
    {
        var outcome = NetworkCompiler.Compile(model, Array.Empty<KeyValuePair<string, byte[]>>(), 1, 1);
        Assert.True(outcome.DiagnosticId != null, "the generator accepted a model it must reject");
        return (outcome.DiagnosticId!, outcome.Message!);
    }

    /// <summary>
    /// Both engines agree with <paramref name="expected"/>: NaN only with NaN, infinities exactly, finite values
    /// within <paramref name="relative"/>·max(1, |expected|). The interpreter is held to at most 1e-7 (attributes
    /// such as alpha are float32 values, so decimal expectations are only that close even in float64).
    /// </summary>
    public static void BothMatch(byte[] model, double[] input, double[] expected, double relative = 2e-7) =>
        BothMatch(model, new[] { input }, new[] { expected }, relative);

    public static void BothMatch(byte[] model, double[][] inputs, double[][] expected, double relative = 2e-7)
    {
        AssertClose("interpreter", Interpret(model, inputs), expected, Math.Min(relative, 1e-7));
        AssertClose("generated code", Generate(model, inputs), expected, relative);
    }

    public static void AssertClose(string engine, double[][] actual, double[][] expected, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int o = 0; o < expected.Length; o++)
        {
            Assert.True(expected[o].Length == actual[o].Length, $"{engine}: output {o} has {actual[o].Length} values, expected {expected[o].Length}");
            for (int i = 0; i < expected[o].Length; i++)
            {
                double e = expected[o][i], a = actual[o][i];
                bool ok = double.IsNaN(e) ? double.IsNaN(a)
                    : double.IsInfinity(e) ? a == e
                    : Math.Abs(a - e) <= relative * Math.Max(1, Math.Abs(e));
                Assert.True(ok, $"{engine}: output {o}[{i}] is {a:R}, expected {e:R}");
            }
        }
    }
}
