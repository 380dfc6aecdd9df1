using System;
using System.Collections.Generic;
using System.Linq;

namespace Mz.Core.Interpretation;

/// <summary>Gemm and MatMul, accumulated in float64.</summary>
internal static class MatrixOps
{
    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        table["Gemm"] = Gemm;
        table["MatMul"] = MatMul;
    }

    private static DTensor[] Gemm(OpContext context)
    {
        var a = context.Input(0);
        var b = context.Input(1);
        if (a.Rank != 2 || b.Rank != 2) throw context.Error($"A and B must be rank 2, got [{string.Join(", ", a.Shape)}] and [{string.Join(", ", b.Shape)}]");
        bool transA = context.Node.GetInt("transA", 0) != 0, transB = context.Node.GetInt("transB", 0) != 0;
        double alpha = context.Node.GetFloat("alpha", 1f), beta = context.Node.GetFloat("beta", 1f);
        int m = (int)(transA ? a.Shape[1] : a.Shape[0]), k = (int)(transA ? a.Shape[0] : a.Shape[1]);
        int kb = (int)(transB ? b.Shape[1] : b.Shape[0]), n = (int)(transB ? b.Shape[0] : b.Shape[1]);
        if (k != kb) throw context.Error($"inner dimensions differ: A' is {m}x{k}, B' is {kb}x{n}");

        var y = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                    sum += a.Data[transA ? p * m + i : i * k + p] * b.Data[transB ? j * k + p : p * n + j];
                y[i * n + j] = alpha * sum;
            }

        if (context.Optional(2) is { } c)
        {
            var shape = new long[] { m, n };
            // Gemm-1/6 broadcast only with broadcast=1; from Gemm-7 C always broadcasts unidirectionally.
            bool exactOnly = context.Opset <= 6 && context.Node.GetInt("broadcast", 0) == 0;
            if (exactOnly && !c.Shape.SequenceEqual(shape))
                throw context.Error($"bias C of shape [{string.Join(", ", c.Shape)}] must be exactly the output shape [{m}, {n}] because broadcast=0 (opset {context.Opset})");
            if (!BroadcastsTo(c.Shape, shape))
                throw context.Error($"bias C of shape [{string.Join(", ", c.Shape)}] does not broadcast to the output [{m}, {n}] (allowed: [], [1], [{n}], [1, {n}], [{m}, 1], [{m}, {n}]; a rank-1 C aligns with the last axis)");
            var map = Broadcast.IndexMap(c.Shape, shape);
            for (int i = 0; i < y.Length; i++) y[i] += beta * c.Data[map[i]];
        }
        return new[] { new DTensor(new long[] { m, n }, y) };
    }

    /// <summary>Unidirectional broadcast: can <paramref name="from"/> stretch to <paramref name="to"/>?</summary>
    public static bool BroadcastsTo(long[] from, long[] to)
    {
        if (from.Length > to.Length) return false;
        for (int i = 1; i <= from.Length; i++)
            if (from[from.Length - i] != 1 && from[from.Length - i] != to[to.Length - i]) return false;
        return true;
    }

    private static DTensor[] MatMul(OpContext context)
    {
        var a = context.Input(0);
        var b = context.Input(1);
        if (a.Rank == 0 || b.Rank == 0) throw context.Error("MatMul operands must have rank ≥ 1");
        // NumPy semantics: promote rank-1 operands, broadcast the batch dimensions, drop promoted axes.
        var aShape = a.Rank == 1 ? new long[] { 1, a.Shape[0] } : a.Shape;
        var bShape = b.Rank == 1 ? new long[] { b.Shape[0], 1 } : b.Shape;
        long m = aShape[aShape.Length - 2], k = aShape[aShape.Length - 1];
        long kb = bShape[bShape.Length - 2], n = bShape[bShape.Length - 1];
        if (k != kb) throw context.Error($"inner dimensions differ: [{string.Join(", ", a.Shape)}] x [{string.Join(", ", b.Shape)}]");

        var aBatch = aShape.Take(aShape.Length - 2).ToArray();
        var bBatch = bShape.Take(bShape.Length - 2).ToArray();
        var batch = Broadcast.Shape(aBatch, bBatch, context.Where);
        var aMap = Broadcast.IndexMap(aBatch, batch);
        var bMap = Broadcast.IndexMap(bBatch, batch);
        int batches = aMap.Length;
        var y = new double[batches * m * n];
        for (int t = 0; t < batches; t++)
        {
            long ao = aMap[t] * m * k, bo = bMap[t] * k * n, yo = t * m * n;
            for (long i = 0; i < m; i++)
                for (long j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (long p = 0; p < k; p++) sum += a.Data[ao + i * k + p] * b.Data[bo + p * n + j];
                    y[yo + i * n + j] = sum;
                }
        }

        var shape = new List<long>(batch);
        if (a.Rank > 1) shape.Add(m);
        if (b.Rank > 1) shape.Add(n);
        return new[] { new DTensor(shape.ToArray(), y) };
    }
}
