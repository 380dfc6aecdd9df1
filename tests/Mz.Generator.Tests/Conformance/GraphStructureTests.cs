using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Conformance;

/// <summary>Dropout, Identity, output order and aliasing, node order, BatchNormalization, float64 (ONNX-NOTES §5, §12, §14).</summary>
public sealed class GraphStructureTests
{
    /// <summary>Inference Dropout is an exact copy, no 1/(1−p) scaling, even with a mask output nobody uses.</summary>
    [Fact]
    public void DropoutWithUnusedMaskIsACopy()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { null, 3 })
            .Output("y", new long?[] { null, 3 })
            .Initializer("ratio", Array.Empty<long>(), new[] { 0.5f })
            .Node("Dropout", new[] { "x", "ratio" }, new[] { "y", "mask" })
            .Build();
        GraphCheck.BothMatch(model, new[] { 1.0, -2, 3, 4, 5, 6 }, new[] { 1.0, -2, 3, 4, 5, 6 });
    }

    [Fact]
    public void DropoutInTrainingModeIsRejected()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { 1, 3 })
            .Output("y", new long?[] { 1, 3 })
            .Initializer("ratio", Array.Empty<long>(), new[] { 0.5f })
            .Node("Constant", Array.Empty<string>(), new[] { "training" }, ("value_int", 1L))
            .Node("Dropout", new[] { "x", "ratio", "training" }, new[] { "y" })
            .Build();
        var (id, message) = GraphCheck.Rejection(model);
        Assert.Equal("MZ0206", id);
        Assert.Contains("training_mode", message);
    }

    /// <summary>Nodes listed before their producers are sorted; two inputs and three outputs keep graph order; one tensor may be two outputs.</summary>
    [Fact]
    public void UnsortedNodesMultipleOutputsAndRepeatedOutput()
    {
        var model = new OnnxModelBuilder(13)
            .Input("a", new long?[] { 1, 2 })
            .Input("b", new long?[] { 1, 2 })
            .Output("sum", new long?[] { 1, 2 })
            .Output("product", new long?[] { 1, 2 })
            .Output("sum_again", new long?[] { 1, 2 })
            .Node("Neg", new[] { "t" }, new[] { "product" })
            .Node("Mul", new[] { "a", "b" }, new[] { "p" })
            .Node("Identity", new[] { "sum" }, new[] { "sum_again" })
            .Node("Add", new[] { "a", "b" }, new[] { "sum" })
            .Node("Identity", new[] { "p" }, new[] { "t" })
            .Build();
        GraphCheck.BothMatch(model, new[] { new[] { 1.0, 2 }, new[] { 3.0, 4 } }, new[] { new[] { 4.0, 6 }, new[] { -3.0, -8 }, new[] { 4.0, 6 } });
    }

    [Fact]
    public void GraphOutputThatIsTheGraphInput()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { 1, 2 })
            .Output("x", new long?[] { 1, 2 })
            .Output("y", new long?[] { 1, 2 })
            .Node("Abs", new[] { "x" }, new[] { "y" })
            .Build();
        GraphCheck.BothMatch(model, new[] { new[] { -1.5, 2 } }, new[] { new[] { -1.5, 2 }, new[] { 1.5, 2 } });
    }

    /// <summary>y = scale·(x − mean)/√(var + ε) + B per channel, after a Gemm with beta = 2 (beta applied exactly once).</summary>
    [Fact]
    public void GemmWithBetaFollowedByBatchNormalization()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { null, 2 })
            .Output("y", new long?[] { null, 2 })
            .Initializer("w", new long[] { 2, 2 }, new[] { 1f, 0, 0, 1 })
            .Initializer("c", new long[] { 2 }, new[] { 1f, 2 })
            .Initializer("scale", new long[] { 2 }, new[] { 2f, 3 })
            .Initializer("bias", new long[] { 2 }, new[] { 0.5f, -1 })
            .Initializer("mean", new long[] { 2 }, new[] { 1f, 4 })
            .Initializer("var", new long[] { 2 }, new[] { 4f, 9 })
            .Node("Gemm", new[] { "x", "w", "c" }, new[] { "g" }, ("beta", 2f))
            .Node("BatchNormalization", new[] { "g", "scale", "bias", "mean", "var" }, new[] { "y" }, ("epsilon", 0f))
            .Build();
        // Row [3, 5]: g = [3 + 2, 5 + 4] = [5, 9]; y = [2·(5 − 1)/2 + 0.5, 3·(9 − 4)/3 − 1] = [4.5, 4].
        // Row [0, 0]: g = [2, 4]; y = [2·1/2 + 0.5, 0 − 1] = [1.5, −1].
        GraphCheck.BothMatch(model, new[] { 3.0, 5, 0, 0 }, new[] { 4.5, 4, 1.5, -1 });
    }

    [Fact]
    public void BatchNormalizationTrainingModeIsRejected()
    {
        var model = new OnnxModelBuilder(15)
            .Input("x", new long?[] { 1, 2 })
            .Output("y", new long?[] { 1, 2 })
            .Initializer("s", new long[] { 2 }, new[] { 1f, 1 })
            .Initializer("b", new long[] { 2 }, new[] { 0f, 0 })
            .Initializer("m", new long[] { 2 }, new[] { 0f, 0 })
            .Initializer("v", new long[] { 2 }, new[] { 1f, 1 })
            .Node("BatchNormalization", new[] { "x", "s", "b", "m", "v" }, new[] { "y" }, ("training_mode", 1L))
            .Build();
        Assert.Equal("MZ0206", GraphCheck.Rejection(model).Id);
    }

    /// <summary>A float64 graph computes in double: 1 + 1e-12 survives, which float32 would round away.</summary>
    [Fact]
    public void Float64GraphComputesInDouble()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { null, 1 }, elementType: 11)
            .Output("y", new long?[] { null, 1 }, elementType: 11)
            .Node("Add", new[] { "x", "x" }, new[] { "y" })
            .Build();
        var y = GraphCheck.Generate(model, new[] { 1 + 1e-12, -3 });
        Assert.Equal(new[] { 2 + 2e-12, -6 }, y[0]);
    }

    /// <summary>Integer data is rejected with a diagnostic naming the input and its type.</summary>
    [Fact]
    public void IntegerDataInputIsRejected()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { 1, 2 }, elementType: 7)
            .Output("y", new long?[] { 1, 2 }, elementType: 7)
            .Node("Neg", new[] { "x" }, new[] { "y" })
            .Build();
        var (id, message) = GraphCheck.Rejection(model);
        Assert.Equal("MZ0203", id);
        Assert.Contains("'x'", message);
        Assert.Contains("int64", message);
    }

    /// <summary>LayerNormalization over the last axis: [1, 2, 3] has mean 2 and variance 2/3; [0, 3, 6] mean 3 and variance 6.</summary>
    [Fact]
    public void LayerNormalizationOverTheLastAxis()
    {
        var model = new OnnxModelBuilder(17)
            .Input("x", new long?[] { null, 3 })
            .Output("y", new long?[] { null, 3 })
            .Initializer("scale", new long[] { 3 }, new[] { 1f, 2, 3 })
            .Initializer("bias", new long[] { 3 }, new[] { 0f, 0, 1 })
            .Node("LayerNormalization", new[] { "x", "scale", "bias" }, new[] { "y" }, ("epsilon", 0f))
            .Build();
        double s = Math.Sqrt(2.0 / 3), t = Math.Sqrt(6);
        GraphCheck.BothMatch(model, new[] { 1.0, 2, 3, 0, 3, 6 }, new[] { -1 / s, 0, 3 / s + 1, -3 / t, 0, 9 / t + 1 }, 1e-6);
    }
}
