using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Conformance;

/// <summary>Flatten and Reshape rules and the PyTorch view chain (ONNX-NOTES §4).</summary>
public sealed class ShapeSemanticsTests
{
    /// <summary>Flatten axis a of [2,3,4] gives [Π d&lt;a, Π d≥a]; negative axes count from the rank; axis 0 gives [1, 24].</summary>
    [Theory]
    [InlineData(0L, 1L, 24L)]
    [InlineData(1L, 2L, 12L)]
    [InlineData(-1L, 6L, 4L)]
    [InlineData(-3L, 1L, 24L)]
    [InlineData(3L, 24L, 1L)]
    public void FlattenShapes(long axis, long rows, long columns)
    {
        // Flatten is a view: the data keeps its order, so Softmax over the last axis reveals the new row length.
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { 2, 3, 4 })
            .Output("y", new long?[] { rows, columns })
            .Node("Flatten", new[] { "x" }, new[] { "f" }, ("axis", axis))
            .Node("Softmax", new[] { "f" }, new[] { "y" })
            .Build();
        GraphCheck.BothMatch(model, new double[24], Enumerable.Repeat(1.0 / columns, 24).ToArray());
    }

    /// <summary>Reshape: 0 copies the input dim, −1 is inferred, allowzero=1 makes 0 literal.</summary>
    [Fact]
    public void ReshapeZeroAndMinusOne()
    {
        var model = new OnnxModelBuilder(14)
            .Input("x", new long?[] { 2, 3, 4 })
            .Output("y", new long?[] { 2, 12 })
            .Int64Initializer("shape", new long[] { 2 }, new long[] { 0, -1 })
            .Node("Reshape", new[] { "x", "shape" }, new[] { "r" })
            .Node("Softmax", new[] { "r" }, new[] { "y" })
            .Build();
        GraphCheck.BothMatch(model, new double[24], Enumerable.Repeat(1 / 12.0, 24).ToArray());
    }

    [Fact]
    public void ReshapeAllowZeroMakesZeroLiteral()
    {
        var model = new OnnxModelBuilder(14)
            .Input("x", new long?[] { 2, 3 })
            .Output("y", new long?[] { 2, 3 })
            .Int64Initializer("shape", new long[] { 2 }, new long[] { 0, 6 })
            .Node("Reshape", new[] { "x", "shape" }, new[] { "y" }, ("allowzero", 1L))
            .Build();
        var (id, message) = GraphCheck.Rejection(model);
        Assert.Equal("MZ0202", id);
        Assert.Contains("[0, 6]", message);
    }

    /// <summary>x.view(x.size(0), −1) as exported: Shape → Gather(0) → Unsqueeze → Concat(−1) → Reshape, with a symbolic batch.</summary>
    [Fact]
    public void ShapeChainKeepsBatchAndFlattensTheRest()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { null, 2, 2 })
            .Output("y", new long?[] { null, 3 })
            .Int64Initializer("zero", Array.Empty<long>(), new long[] { 0 })
            .Int64Initializer("axes", new long[] { 1 }, new long[] { 0 })
            .Int64Initializer("minus_one", new long[] { 1 }, new long[] { -1 })
            .Initializer("w", new long[] { 4, 3 }, new[] { 1f, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1 })
            .Node("Shape", new[] { "x" }, new[] { "s" })
            .Node("Gather", new[] { "s", "zero" }, new[] { "n" }, ("axis", 0L))
            .Node("Unsqueeze", new[] { "n", "axes" }, new[] { "n1" })
            .Node("Concat", new[] { "n1", "minus_one" }, new[] { "target" }, ("axis", 0L))
            .Node("Reshape", new[] { "x", "target" }, new[] { "flat" })
            .Node("MatMul", new[] { "flat", "w" }, new[] { "y" })
            .Build();
        // Row [a,b,c,d]·W = [a + c, b + d, a + b + c + d].
        var x = new[] { 1.0, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 1 };
        GraphCheck.BothMatch(model, x, new[] { 4.0, 6, 10, 12, 14, 26, 0, 1, 1 });
    }

    [Fact]
    public void SqueezeAndUnsqueezeTakeAxesAsInputFromOpset13AndAsAttributeBefore()
    {
        static byte[] Model(long opset) {
            var builder = new OnnxModelBuilder(opset).Input("x", new long?[] { 1, 3 }).Output("y", new long?[] { 3, 1 });
            if (opset >= 13)
                return builder.Int64Initializer("a0", new long[] { 1 }, new long[] { 0 }).Int64Initializer("a1", new long[] { 1 }, new long[] { -1 })
                    .Node("Squeeze", new[] { "x", "a0" }, new[] { "s" }).Node("Unsqueeze", new[] { "s", "a1" }, new[] { "u" })
                    .Node("Softmax", new[] { "u" }, new[] { "y" }, ("axis", 0L)).Build();
            return builder.Node("Squeeze", new[] { "x" }, new[] { "s" }, ("axes", new long[] { 0 }))
                .Node("Unsqueeze", new[] { "s" }, new[] { "u" }, ("axes", new long[] { 1 }))
                .Node("Softmax", new[] { "u" }, new[] { "y" }, ("axis", 0L)).Build();
        }
        // [3, 1] with softmax over axis 0 normalises the three values together.
        GraphCheck.BothMatch(Model(13), new double[3], Enumerable.Repeat(1 / 3.0, 3).ToArray());
        GraphCheck.BothMatch(Model(11), new double[3], Enumerable.Repeat(1 / 3.0, 3).ToArray());
    }

    /// <summary>A Reshape target fed as a graph input cannot be known at build time: the diagnostic says what to do.</summary>
    [Fact]
    public void ShapeAsGraphInputIsADiagnostic()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { 2, 3 })
            .Input("shape", new long?[] { 2 }, elementType: 7)
            .Output("y", new long?[] { 3, 2 })
            .Node("Reshape", new[] { "x", "shape" }, new[] { "y" })
            .Build();
        var (id, message) = GraphCheck.Rejection(model);
        Assert.Equal("MZ0203", id);
        Assert.Contains("'shape'", message);
        Assert.Contains("initializer", message);
    }

    /// <summary>Shape arithmetic on a symbolic batch may only rename storage; feeding it to data ops is a diagnostic, not a crash.</summary>
    [Fact]
    public void BatchDependentShapeFeedingDataIsADiagnostic()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { null, 2 })
            .Output("y", new long?[] { null, 2 })
            .Node("Shape", new[] { "x" }, new[] { "s" })
            .Node("ConstantOfShape", new[] { "s" }, new[] { "ones" }, ("value", 0f))
            .Node("Add", new[] { "x", "ones" }, new[] { "y" })
            .Build();
        var (id, message) = GraphCheck.Rejection(model);
        Assert.Equal("MZ0202", id);
        Assert.Contains("ConstantOfShape", message);
    }

    /// <summary>With a fixed shape the same chain folds at build time (Shape of a static value is a constant).</summary>
    [Fact]
    public void StaticShapeArithmeticFolds()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { 1, 2 })
            .Output("y", new long?[] { 1, 2 })
            .Node("Shape", new[] { "x" }, new[] { "s" })
            .Node("ConstantOfShape", new[] { "s" }, new[] { "zeros" })
            .Node("Sub", new[] { "zeros", "x" }, new[] { "y" })
            .Build();
        GraphCheck.BothMatch(model, new[] { 1.5, -2 }, new[] { -1.5, 2 });
    }
}
