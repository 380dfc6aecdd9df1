using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Conformance;

/// <summary>Gemm attributes and bias shapes, legacy opset-6 Gemm, and NumPy MatMul (ONNX-NOTES §1-§3).</summary>
public sealed class GemmAndMatMulTests
{
    private static byte[] Gemm(long opset, long[] aShape, long[] bShape, float[] b, long[]? cShape, float[]? c, params (string, object)[] attributes)
    {
        var builder = new OnnxModelBuilder(opset)
            .Input("a", aShape.Select(d => (long?)d).ToArray())
            .Output("y", new long?[] { null, null })
            .Initializer("b", bShape, b);
        if (c != null) builder.Initializer("c", cShape!, c);
        return builder.Node("Gemm", c != null ? new[] { "a", "b", "c" } : new[] { "a", "b" }, new[] { "y" }, attributes).Build();
    }

    /// <summary>With M = N a rank-1 C is still per column (it aligns with the last axis), never a row bias.</summary>
    [Fact]
    public void RankOneBiasIsPerColumnEvenWhenMEqualsN()
    {
        var model = Gemm(13, new long[] { 2, 2 }, new long[] { 2, 2 }, new[] { 1f, 0, 0, 1 }, new long[] { 2 }, new[] { 10f, 20 });
        GraphCheck.BothMatch(model, new[] { 1.0, 2, 3, 4 }, new[] { 11.0, 22, 13, 24 });
    }

    /// <summary>alpha, beta, transA and transB all non-default: Y = 0.5·Aᵀ·Bᵀ + 2·C.</summary>
    [Fact]
    public void AllFourAttributesAtOnce()
    {
        // A stored [K=2, M=3]; B stored [N=2, K=2]; C [1, N].
        var model = Gemm(13, new long[] { 2, 3 }, new long[] { 2, 2 }, new[] { 1f, 2, 3, 4 }, new long[] { 1, 2 }, new[] { 1f, -1 },
            ("alpha", 0.5f), ("beta", 2f), ("transA", 1L), ("transB", 1L));
        var a = new[] { 1.0, 2, 3, 4, 5, 6 }; // Aᵀ rows: [1,4], [2,5], [3,6]
        // Aᵀ·Bᵀ: row [p,q] → [p + 2q, 3p + 4q]; ·0.5, + [2, −2].
        var expected = new[] { 0.5 * 9 + 2, 0.5 * 19 - 2, 0.5 * 12 + 2, 0.5 * 26 - 2, 0.5 * 15 + 2, 0.5 * 33 - 2 };
        GraphCheck.BothMatch(model, a, expected);
    }

    /// <summary>N and K that leave SIMD tails: ones·ones gives K in every cell, plus the per-column bias j.</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(9, 17)]
    [InlineData(17, 7)]
    public void ColumnBiasWithNarrowTails(int n, int k)
    {
        var model = Gemm(13, new long[] { 2, k }, new long[] { k, n }, Enumerable.Repeat(1f, k * n).ToArray(), new long[] { n }, Enumerable.Range(0, n).Select(j => (float)j).ToArray());
        var expected = Enumerable.Range(0, 2 * n).Select(i => (double)k + i % n).ToArray();
        GraphCheck.BothMatch(model, Enumerable.Repeat(1.0, 2 * k).ToArray(), expected);
    }

    [Fact]
    public void BiasOfLengthMWithMDifferentFromNIsRejected()
    {
        var model = Gemm(13, new long[] { 2, 3 }, new long[] { 3, 4 }, new float[12], new long[] { 2 }, new[] { 1f, 2 });
        var (id, message) = GraphCheck.Rejection(model);
        Assert.Equal("MZ0202", id);
        Assert.Contains("Gemm_0", message);
        Assert.Contains("[2]", message);
        Assert.Contains("[2, 4]", message);
    }

    /// <summary>The PyTorch opset-6 Linear export: Gemm with broadcast=1, transB=1 and a [N] bias.</summary>
    [Fact]
    public void Opset6GemmWithBroadcastAndTransB()
    {
        var model = Gemm(6, new long[] { 1, 2 }, new long[] { 3, 2 }, new[] { 1f, 0, 0, 1, 1, 1 }, new long[] { 3 }, new[] { 0.5f, 0.25f, 0 },
            ("broadcast", 1L), ("transB", 1L));
        GraphCheck.BothMatch(model, new[] { 2.0, 3 }, new[] { 2.5, 3.25, 5 });
    }

    [Fact]
    public void OpsetAboveTheSupportedMaximumIsRefused()
    {
        var (id, message) = GraphCheck.Rejection(TinyGraphs.Unary("Relu", 3, opset: 99));
        Assert.Equal("MZ0103", id);
        Assert.Contains("99", message);
    }

    /// <summary>The batch comes only from the second operand: [1,3,4]·[2,4,5] → [2,3,5].</summary>
    [Fact]
    public void MatMulBatchSuppliedBySecondOperand()
    {
        var model = new OnnxModelBuilder(13)
            .Input("a", new long?[] { 1, 3, 4 })
            .Output("y", new long?[] { 2, 3, 5 })
            .Initializer("b", new long[] { 2, 4, 5 }, Enumerable.Range(0, 40).Select(i => i < 20 ? 1f : 2f).ToArray())
            .Node("MatMul", new[] { "a", "b" }, new[] { "y" })
            .Build();
        // Ones·B: each cell sums a column of 4 entries: 4 in batch 0, 8 in batch 1.
        GraphCheck.BothMatch(model, Enumerable.Repeat(1.0, 12).ToArray(), Enumerable.Range(0, 30).Select(i => i < 15 ? 4.0 : 8.0).ToArray());
    }

    [Fact]
    public void MatMulOfTwoVectorsIsAScalar()
    {
        var model = new OnnxModelBuilder(13)
            .Input("a", new long?[] { 3 })
            .Output("y", Array.Empty<long?>())
            .Initializer("b", new long[] { 3 }, new[] { 1f, 2, 3 })
            .Node("MatMul", new[] { "a", "b" }, new[] { "y" })
            .Build();
        GraphCheck.BothMatch(model, new[] { 4.0, 5, 6 }, new[] { 32.0 });
    }

    /// <summary>MatMul + Add where the bias is the first Add operand, with a symbolic batch.</summary>
    [Fact]
    public void MatMulPlusBiasGivenFirst()
    {
        var model = new OnnxModelBuilder(13)
            .Input("x", new long?[] { null, 2 })
            .Output("y", new long?[] { null, 2 })
            .Initializer("w", new long[] { 2, 2 }, new[] { 1f, 2, 3, 4 })
            .Initializer("bias", new long[] { 1, 2 }, new[] { 100f, 200 })
            .Node("MatMul", new[] { "x", "w" }, new[] { "t" })
            .Node("Add", new[] { "bias", "t" }, new[] { "y" })
            .Build();
        // [1, 1]·W = [4, 6]; [1, 0]·W = [1, 2]; [0, 2]·W = [6, 8].
        GraphCheck.BothMatch(model, new[] { 1.0, 1, 1, 0, 0, 2 }, new[] { 104.0, 206, 101, 202, 106, 208 });
    }

    /// <summary>
    /// The weight as the first operand (W[out,in] as A, x as B, transB=1) gives Y = W·xᵀ of shape [out, N]: follow
    /// the graph. With a symbolic batch the batch is then not the leading axis of the output, which rows cannot be
    /// split along: that is a diagnostic, and a fixed batch compiles.
    /// </summary>
    [Fact]
    public void WeightAsFirstOperandFollowsTheGraph()
    {
        static byte[] Model(long? batch) => new OnnxModelBuilder(13)
            .Input("x", new long?[] { batch, 2 })
            .Output("y", new long?[] { 3, batch })
            .Initializer("w", new long[] { 3, 2 }, new[] { 1f, 0, 0, 1, 1, 1 })
            .Node("Gemm", new[] { "w", "x" }, new[] { "y" }, ("transB", 1L))
            .Build();
        // x rows [1, 2] and [3, 4]: W·xᵀ columns are [1, 2, 3] and [3, 4, 7].
        GraphCheck.BothMatch(Model(2), new[] { 1.0, 2, 3, 4 }, new[] { 1.0, 3, 2, 4, 3, 7 });
        var (id, message) = GraphCheck.Rejection(Model(null));
        Assert.Equal("MZ0202", id);
        Assert.Contains("'y'", message);
    }
}
