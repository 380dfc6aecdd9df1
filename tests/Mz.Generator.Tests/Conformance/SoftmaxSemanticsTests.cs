using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Conformance;

/// <summary>Softmax versions (ONNX-NOTES §9) and max subtraction (§10).</summary>
public sealed class SoftmaxSemanticsTests
{
    private static byte[] Model(string op, long opset, long?[] shape, params (string, object)[] attributes) =>
        new OnnxModelBuilder(opset).Input("x", shape).Output("y", shape).Node(op, new[] { "x" }, new[] { "y" }, attributes).Build();

    /// <summary>On equal logits [1,3,5]: opset 11 axis 1 normalises all 15 values of the sample, opset 13 each group of 3.</summary>
    [Fact]
    public void Opset11CoercesTo2DWhileOpset13UsesOneAxis()
    {
        var x = new double[15];
        GraphCheck.BothMatch(Model("Softmax", 11, new long?[] { 1, 3, 5 }, ("axis", 1L)), x, Enumerable.Repeat(1 / 15.0, 15).ToArray());
        GraphCheck.BothMatch(Model("Softmax", 13, new long?[] { 1, 3, 5 }, ("axis", 1L)), x, Enumerable.Repeat(1 / 3.0, 15).ToArray());
    }

    /// <summary>The default axis is 1 up to opset 12 and −1 from 13.</summary>
    [Fact]
    public void DefaultAxisDependsOnTheOpset()
    {
        var x = new double[6];
        GraphCheck.BothMatch(Model("Softmax", 11, new long?[] { 1, 2, 3 }), x, Enumerable.Repeat(1 / 6.0, 6).ToArray());
        GraphCheck.BothMatch(Model("Softmax", 13, new long?[] { 1, 2, 3 }), x, Enumerable.Repeat(1 / 3.0, 6).ToArray());
    }

    [Fact]
    public void AxisOutOfRangeIsADiagnostic()
    {
        var (id, message) = GraphCheck.Rejection(Model("Softmax", 13, new long?[] { 1, 4 }, ("axis", 2L)));
        Assert.Equal("MZ0202", id);
        Assert.Contains("axis 2", message);
    }

    /// <summary>Without the max shift e^1000 overflows; with it, [1000, 1000, 0] → [½, ½, ~0].</summary>
    [Fact]
    public void LargeLogitsDoNotOverflow()
    {
        GraphCheck.BothMatch(Model("Softmax", 13, new long?[] { 1, 3 }), new[] { 1000.0, 1000, 0 }, new[] { 0.5, 0.5, 0 });
        // LogSoftmax = (x − m) − log Σ e^(x − m): never log(Softmax), whose underflow gives −∞.
        GraphCheck.BothMatch(Model("LogSoftmax", 13, new long?[] { 1, 3 }), new[] { 1000.0, 1000, 0 }, new[] { -Math.Log(2), -Math.Log(2), -1000 - Math.Log(2) }, 1e-6);
    }
}
