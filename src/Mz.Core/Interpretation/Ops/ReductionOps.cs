using System;
using System.Collections.Generic;
using System.Linq;

namespace Mz.Core.Interpretation;

/// <summary>
/// Reduce* ops. Axes come from the `axes` attribute, or from the optional second input (ReduceSum from
/// opset 13, the others from 18). No axes means all axes, unless noop_with_empty_axes=1 makes it the identity.
/// </summary>
internal static class ReductionOps
{
    private delegate double Reducer(double[] values, int count);

    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        table["ReduceSum"] = c => Reduce(c, 13, (v, n) => Sum(v, n));
        table["ReduceMean"] = c => Reduce(c, 18, (v, n) => Sum(v, n) / n);
        table["ReduceMax"] = c => Reduce(c, 18, (v, n) => Extreme(v, n, max: true));
        table["ReduceMin"] = c => Reduce(c, 18, (v, n) => Extreme(v, n, max: false));
        table["ReduceProd"] = c => Reduce(c, 18, (v, n) => { double p = 1; for (int i = 0; i < n; i++) p *= v[i]; return p; });
        table["ReduceSumSquare"] = c => Reduce(c, 18, (v, n) => { double s = 0; for (int i = 0; i < n; i++) s += v[i] * v[i]; return s; });
        table["ReduceL1"] = c => Reduce(c, 18, (v, n) => { double s = 0; for (int i = 0; i < n; i++) s += Math.Abs(v[i]); return s; });
        table["ReduceL2"] = c => Reduce(c, 18, (v, n) => { double s = 0; for (int i = 0; i < n; i++) s += v[i] * v[i]; return Math.Sqrt(s); });
        table["ReduceLogSum"] = c => Reduce(c, 18, (v, n) => Math.Log(Sum(v, n)));
        table["ReduceLogSumExp"] = c => Reduce(c, 18, LogSumExp);
    }

    private static double Sum(double[] values, int count)
    {
        double sum = 0;
        for (int i = 0; i < count; i++) sum += values[i];
        return sum;
    }

    private static double Extreme(double[] values, int count, bool max)
    {
        double result = max ? double.NegativeInfinity : double.PositiveInfinity;
        for (int i = 0; i < count; i++)
        {
            if (double.IsNaN(values[i])) return double.NaN;
            if (max ? values[i] > result : values[i] < result) result = values[i];
        }
        return result;
    }

    /// <summary>m + log Σ e^(x − m) with m the maximum, so large inputs do not overflow.</summary>
    private static double LogSumExp(double[] values, int count)
    {
        double max = Extreme(values, count, max: true);
        // NaN stays NaN, +inf stays +inf, and all −inf (or nothing) gives log 0 = −inf.
        if (double.IsNaN(max) || double.IsInfinity(max)) return max;
        double sum = 0;
        for (int i = 0; i < count; i++) sum += Math.Exp(values[i] - max);
        return max + Math.Log(sum);
    }

    private static DTensor[] Reduce(OpContext context, long axesInputSince, Reducer reducer)
    {
        var x = context.Input(0);
        int rank = x.Rank;
        long[]? axes = context.Opset >= axesInputSince || context.Optional(1) != null
            ? context.Optional(1)?.Data.Select(v => (long)v).ToArray()
            : context.Node.GetInts("axes");
        if (axes == null && context.Node.GetInts("axes") is { } attributeAxes) axes = attributeAxes;
        bool keepDims = context.Node.GetInt("keepdims", 1) != 0;
        if (axes == null || axes.Length == 0)
        {
            if (context.Node.GetInt("noop_with_empty_axes", 0) != 0) return new[] { x };
            axes = Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        }
        var reduced = new bool[rank];
        foreach (var axis in axes) reduced[Broadcast.NormalizeAxis(axis, rank, context.Where)] = true;

        var outShape = new long[rank];
        for (int i = 0; i < rank; i++) outShape[i] = reduced[i] ? 1 : x.Shape[i];
        int outCount = (int)DTensor.ElementCount(outShape);
        int groupSize = outCount == 0 ? 0 : x.Data.Length / Math.Max(outCount, 1);
        if (outCount > 0 && x.Data.Length == 0) groupSize = 0;

        // Gather each group's values by walking the input once and routing every element to its output slot.
        var groups = new double[outCount][];
        var filled = new int[outCount];
        for (int g = 0; g < outCount; g++) groups[g] = new double[groupSize];
        var outStrides = new long[rank];
        long stride = 1;
        for (int i = rank - 1; i >= 0; i--) { outStrides[i] = reduced[i] ? 0 : stride; stride *= outShape[i]; }
        var index = new long[rank];
        for (int flat = 0; flat < x.Data.Length; flat++)
        {
            long target = 0;
            for (int i = 0; i < rank; i++) target += index[i] * outStrides[i];
            groups[target][filled[target]++] = x.Data[flat];
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++index[i] < x.Shape[i]) break;
                index[i] = 0;
            }
        }
        var data = new double[outCount];
        for (int g = 0; g < outCount; g++) data[g] = reducer(groups[g], groupSize);
        var shape = keepDims ? outShape : x.Shape.Where((_, i) => !reduced[i]).ToArray();
        return new[] { new DTensor(shape, data, x.IsInteger && context.Node.OpType is "ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceProd") };
    }
}
