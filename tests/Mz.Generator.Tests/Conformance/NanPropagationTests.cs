using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Conformance;

/// <summary>
/// ONNX Runtime keeps NaN through Relu, Max, Min and Clip (ONNX-NOTES §11): x86 max instructions hand back
/// their second operand on NaN, so each form is pinned over [NaN, −1, 0, 1, +∞] through every SIMD width.
/// </summary>
public sealed class NanPropagationTests
{
    private static readonly double[] X = TinyGraphs.SpecialValues();

    private static double[] Expected(Func<double, double> rule) => X.Select(rule).ToArray();

    [Fact]
    public void ReluKeepsNaN() =>
        GraphCheck.BothMatch(TinyGraphs.Unary("Relu", X.Length), X, Expected(x => double.IsNaN(x) ? double.NaN : x < 0 ? 0 : x));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MaxWithZeroKeepsNaNInEitherOperandOrder(bool dataFirst)
    {
        var model = new OnnxModelBuilder()
            .Input("x", new long?[] { 1, X.Length })
            .Output("y", new long?[] { 1, X.Length })
            .Initializer("zero", new long[] { 1 }, new[] { 0f })
            .Node("Max", dataFirst ? new[] { "x", "zero" } : new[] { "zero", "x" }, new[] { "y" })
            .Build();
        GraphCheck.BothMatch(model, X, Expected(x => double.IsNaN(x) ? double.NaN : x < 0 ? 0 : x));
    }

    [Fact]
    public void MinWithZeroKeepsNaN()
    {
        var model = new OnnxModelBuilder()
            .Input("x", new long?[] { 1, X.Length })
            .Output("y", new long?[] { 1, X.Length })
            .Initializer("zero", new long[] { 1 }, new[] { 0f })
            .Node("Min", new[] { "zero", "x" }, new[] { "y" })
            .Build();
        GraphCheck.BothMatch(model, X, Expected(x => double.IsNaN(x) ? double.NaN : x > 0 ? 0 : x));
    }

    [Fact]
    public void ClipWithInputBoundsKeepsNaN()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { 1, X.Length })
            .Output("y", new long?[] { 1, X.Length })
            .Initializer("lo", Array.Empty<long>(), new[] { -0.5f })
            .Initializer("hi", Array.Empty<long>(), new[] { 0.5f })
            .Node("Clip", new[] { "x", "lo", "hi" }, new[] { "y" })
            .Build();
        GraphCheck.BothMatch(model, X, Expected(x => double.IsNaN(x) ? double.NaN : x < -0.5 ? -0.5 : x > 0.5 ? 0.5 : x));
    }

    [Fact]
    public void ClipWithOpset6AttributesKeepsNaN() =>
        GraphCheck.BothMatch(TinyGraphs.Unary("Clip", X.Length, 6, ("min", -0.5f), ("max", 0.5f)), X,
            Expected(x => double.IsNaN(x) ? double.NaN : x < -0.5 ? -0.5 : x > 0.5 ? 0.5 : x));

    /// <summary>A NaN bound must not poison the other elements: it leaves that side unbounded.</summary>
    [Fact]
    public void ClipWithNaNBoundDoesNotPoisonOtherElements()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { 1, X.Length })
            .Output("y", new long?[] { 1, X.Length })
            .Initializer("lo", Array.Empty<long>(), new[] { float.NaN })
            .Initializer("hi", Array.Empty<long>(), new[] { 0.5f })
            .Node("Clip", new[] { "x", "lo", "hi" }, new[] { "y" })
            .Build();
        GraphCheck.BothMatch(model, X, Expected(x => double.IsNaN(x) ? double.NaN : x > 0.5 ? 0.5 : x));
    }
}
