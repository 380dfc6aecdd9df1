using Mz.Cli.Checking;
using Mz.Core.Ir;
using Mz.Core.Onnx;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Core;

/// <summary>The pieces of `mz check` that do not need the generator: comparison rules and the model rewriter.</summary>
public sealed class CheckRunnerPartsTests
{
    [Fact]
    public void NaNMatchesOnlyNaNAndInfinitiesMatchExactly()
    {
        Assert.True(OutputComparer.Matches(double.NaN, double.NaN, null, true, false));
        Assert.False(OutputComparer.Matches(0, double.NaN, new Tolerance(1, 1), true, false));
        Assert.False(OutputComparer.Matches(double.NaN, 0, new Tolerance(1, 1), true, false));
        Assert.True(OutputComparer.Matches(double.PositiveInfinity, double.PositiveInfinity, null, false, false));
        Assert.False(OutputComparer.Matches(float.MaxValue, double.PositiveInfinity, new Tolerance(1e300, 0), false, false));
    }

    /// <summary>Elementwise default: 1e-6·max(1, |ref|) or 4 ULP; a stated tolerance with no rtol means rtol 0.</summary>
    [Fact]
    public void DefaultAndStatedTolerances()
    {
        float one = 1f;
        float fourUlpsAbove = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(1000f) + 4);
        float fiveUlpsAbove = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(1000f) + 5);
        Assert.Equal(4, OutputComparer.Ulps(fourUlpsAbove, 1000f, false));
        Assert.True(OutputComparer.Matches(fourUlpsAbove, 1000, null, true, false));
        // 5 ULP at 1000 is 3e-4, still inside 1e-6·1000 = 1e-3.
        Assert.True(OutputComparer.Matches(fiveUlpsAbove, 1000, null, true, false));
        Assert.False(OutputComparer.Matches(one + 2e-6, 1, null, true, false));
        Assert.True(OutputComparer.Matches(1 + 5e-5, 1, null, false, false));
        Assert.False(OutputComparer.Matches(1 + 5e-5, 1, new Tolerance(1e-5, 0), false, false));
        Assert.Equal(0, OutputComparer.Ulps(0.0, -0.0, false));
    }

    [Fact]
    public void RewriterAddsInitializersAndPinsInputs()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { 4, null })
            .Input("shape", new long?[] { 2 }, elementType: 7)
            .Output("y", new long?[] { null, 4 })
            .Node("Reshape", new[] { "x", "shape" }, new[] { "y" })
            .Build();
        var shapeTensor = new byte[] { 0x0A, 0x01, 0x02, 0x10, 0x07, 0x3A, 0x02, 0x03, 0x04 }; // dims [2], INT64, int64_data [3, 4] (packed)
        var rewritten = ModelRewriter.Rewrite(model, new[] { ("shape", shapeTensor) },
            new Dictionary<string, (ElementType, long[])> { ["x"] = (ElementType.Float32, new long[] { 4, 3 }) });
        var graph = OnnxModelReader.Read(rewritten);
        Assert.Equal(new long[] { 3, 4 }, graph.Initializers["shape"].Int64);
        Assert.Equal(new[] { "x" }, graph.RuntimeInputs.Select(i => i.Name));
        Assert.Equal(new long?[] { 4, 3 }, graph.DeclaredInputs.Single(i => i.Name == "x").Shape!.Select(d => d.Value));
        Assert.Equal("Reshape", graph.Nodes.Single().OpType);
    }
}
