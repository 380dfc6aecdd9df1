using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Conformance;

/// <summary>The primitives the `_expanded` node tests decompose into: Where/comparisons, Pow, Sum, reductions.</summary>
public sealed class ElementwiseAndReductionTests
{
    /// <summary>Elu written out as Where(x &lt; 0, α(eˣ − 1), x): the comparison's flags feed Where at run time.</summary>
    [Fact]
    public void WhereOverAComparisonOfRuntimeData()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { 1, 4 })
            .Output("y", new long?[] { 1, 4 })
            .Initializer("zero", Array.Empty<long>(), new[] { 0f })
            .Initializer("ten", Array.Empty<long>(), new[] { 10f })
            .Node("Less", new[] { "x", "zero" }, new[] { "negative" })
            .Node("Mul", new[] { "x", "ten" }, new[] { "scaled" })
            .Node("Where", new[] { "negative", "scaled", "x" }, new[] { "y" })
            .Build();
        GraphCheck.BothMatch(model, new[] { -1.0, 2, -0.5, 0 }, new[] { -10.0, 2, -5, 0 });
    }

    [Fact]
    public void PowAndVariadicSum()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { 1, 3 })
            .Output("y", new long?[] { 1, 3 })
            .Initializer("three", Array.Empty<long>(), new[] { 3f })
            .Node("Pow", new[] { "x", "three" }, new[] { "cube" })
            .Node("Sum", new[] { "x", "cube", "three" }, new[] { "y" })
            .Build();
        GraphCheck.BothMatch(model, new[] { 2.0, -1, 0.5 }, new[] { 2 + 8 + 3.0, -1 - 1 + 3.0, 0.5 + 0.125 + 3 });
    }

    /// <summary>Opset 18 takes reduction axes as an input; keepdims=0 drops them; no axes reduces everything.</summary>
    [Fact]
    public void ReductionsWithInputAxesAndKeepDims()
    {
        static byte[] Model(string op, bool withAxes, long keepDims, long?[] outShape)
        {
            var builder = new OnnxModelBuilder(18).Input("x", new long?[] { 2, 3 }).Output("y", outShape);
            if (withAxes) builder.Int64Initializer("axes", new long[] { 1 }, new long[] { -1 });
            return builder.Node(op, withAxes ? new[] { "x", "axes" } : new[] { "x" }, new[] { "y" }, ("keepdims", keepDims)).Build();
        }
        var x = new[] { 1.0, 2, 3, 4, 5, 6 };
        GraphCheck.BothMatch(Model("ReduceSum", true, 0, new long?[] { 2 }), x, new[] { 6.0, 15 });
        GraphCheck.BothMatch(Model("ReduceMax", true, 1, new long?[] { 2, 1 }), x, new[] { 3.0, 6 });
        GraphCheck.BothMatch(Model("ReduceMean", false, 0, Array.Empty<long?>()), x, new[] { 3.5 });
        GraphCheck.BothMatch(Model("ReduceLogSumExp", true, 0, new long?[] { 2 }), x,
            new[] { Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)), Math.Log(Math.Exp(4) + Math.Exp(5) + Math.Exp(6)) }, 1e-6);
    }

    [Fact]
    public void ReduceLogSumExpOfLargeValuesDoesNotOverflow()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { 1, 2 })
            .Output("y", new long?[] { 1, 1 })
            .Node("ReduceLogSumExp", new[] { "x" }, new[] { "y" }, ("axes", new long[] { 1 }))
            .Build();
        GraphCheck.BothMatch(model, new[] { 1000.0, 1000 }, new[] { 1000 + Math.Log(2) }, 1e-6);
    }

    [Fact]
    public void NoopWithEmptyAxesIsIdentity()
    {
        var model = new OnnxModelBuilder(18)
            .Input("x", new long?[] { 1, 3 })
            .Output("y", new long?[] { 1, 3 })
            .Node("ReduceSum", new[] { "x" }, new[] { "y" }, ("noop_with_empty_axes", 1L))
            .Build();
        GraphCheck.BothMatch(model, new[] { 1.0, 2, 3 }, new[] { 1.0, 2, 3 });
    }

    /// <summary>Slice clamps out-of-range bounds and supports negative steps; Concat and Split undo each other.</summary>
    [Fact]
    public void SliceSplitConcat()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { 1, 6 })
            .Output("y", new long?[] { 1, 6 })
            .Int64Initializer("starts", new long[] { 1 }, new long[] { 100 })
            .Int64Initializer("ends", new long[] { 1 }, new long[] { -100 })
            .Int64Initializer("axes", new long[] { 1 }, new long[] { 1 })
            .Int64Initializer("steps", new long[] { 1 }, new long[] { -1 })
            .Int64Initializer("split", new long[] { 2 }, new long[] { 2, 4 })
            .Node("Slice", new[] { "x", "starts", "ends", "axes", "steps" }, new[] { "reversed" })
            .Node("Split", new[] { "reversed", "split" }, new[] { "left", "right" }, ("axis", 1L))
            .Node("Concat", new[] { "right", "left" }, new[] { "y" }, ("axis", 1L))
            .Build();
        // reversed = [6,5,4,3,2,1]; left = [6,5], right = [4,3,2,1].
        GraphCheck.BothMatch(model, new[] { 1.0, 2, 3, 4, 5, 6 }, new[] { 4.0, 3, 2, 1, 6, 5 });
    }
}
