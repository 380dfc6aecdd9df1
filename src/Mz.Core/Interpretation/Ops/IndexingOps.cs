using System;
using System.Collections.Generic;
using System.Linq;

namespace Mz.Core.Interpretation;

/// <summary>Data movement: Transpose, Slice, Split, Concat, Gather, Expand.</summary>
internal static class IndexingOps
{
    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        table["Transpose"] = Transpose;
        table["Slice"] = Slice;
        table["Split"] = Split;
        table["Concat"] = Concat;
        table["Gather"] = Gather;
        table["Expand"] = Expand;
        table["Tile"] = Tile;
    }

    private static DTensor[] Tile(OpContext context)
    {
        var x = context.Input(0);
        var repeats = StructuralOps.Ints(context.Input(1));
        if (repeats.Length != x.Rank || repeats.Any(r => r < 0))
            throw context.Error($"repeats [{string.Join(", ", repeats)}] must give one non-negative count per axis of {Text(x.Shape)}", "attribute");
        var shape = x.Shape.Select((d, i) => d * repeats[i]).ToArray();
        var strides = Strides(x.Shape);
        var data = new double[DTensor.ElementCount(shape)];
        int flat = 0;
        foreach (var index in Indices(shape))
        {
            long offset = 0;
            for (int i = 0; i < index.Length; i++) offset += index[i] % x.Shape[i] * strides[i];
            data[flat++] = x.Data[offset];
        }
        return new[] { new DTensor(shape, data, x.IsInteger) };
    }

    private static string Text(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static long[] Strides(long[] shape)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { strides[i] = stride; stride *= shape[i]; }
        return strides;
    }

    /// <summary>Visits every index of <paramref name="shape"/> in row-major order.</summary>
    private static IEnumerable<long[]> Indices(long[] shape)
    {
        long count = DTensor.ElementCount(shape);
        var index = new long[shape.Length];
        for (long flat = 0; flat < count; flat++)
        {
            yield return index;
            for (int i = shape.Length - 1; i >= 0; i--)
            {
                if (++index[i] < shape[i]) break;
                index[i] = 0;
            }
        }
    }

    private static DTensor[] Transpose(OpContext context)
    {
        var x = context.Input(0);
        int rank = x.Rank;
        var perm = context.Node.GetInts("perm") ?? Enumerable.Range(0, rank).Reverse().Select(i => (long)i).ToArray();
        if (perm.Length != rank || perm.Distinct().Count() != rank || perm.Any(p => p < 0 || p >= rank))
            throw context.Error($"perm [{string.Join(", ", perm)}] is not a permutation of the {rank} axes of {Text(x.Shape)}", "attribute");
        var shape = perm.Select(p => x.Shape[p]).ToArray();
        var inStrides = Strides(x.Shape);
        var data = new double[x.Data.Length];
        int flat = 0;
        foreach (var index in Indices(shape))
        {
            long offset = 0;
            for (int i = 0; i < rank; i++) offset += index[i] * inStrides[perm[i]];
            data[flat++] = x.Data[offset];
        }
        return new[] { new DTensor(shape, data, x.IsInteger) };
    }

    /// <summary>Slice: starts/ends/axes/steps are inputs from opset 10 and attributes before; bounds clamp as the spec says.</summary>
    private static DTensor[] Slice(OpContext context)
    {
        var x = context.Input(0);
        int rank = x.Rank;
        long[] starts, ends;
        long[]? axes, steps = null;
        if (context.Opset < 10 && context.Optional(1) == null)
        {
            starts = context.Node.GetInts("starts") ?? throw context.Error("has no 'starts'", "attribute");
            ends = context.Node.GetInts("ends") ?? throw context.Error("has no 'ends'", "attribute");
            axes = context.Node.GetInts("axes");
        }
        else
        {
            starts = StructuralOps.Ints(context.Input(1));
            ends = StructuralOps.Ints(context.Input(2));
            axes = context.Optional(3) is { } a ? StructuralOps.Ints(a) : null;
            steps = context.Optional(4) is { } s ? StructuralOps.Ints(s) : null;
        }
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps != null && steps.Length != starts.Length)
            throw context.Error("starts, ends, axes and steps must have the same length", "attribute");

        var begin = new long[rank];
        var step = Enumerable.Repeat(1L, rank).ToArray();
        var shape = (long[])x.Shape.Clone();
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = Broadcast.NormalizeAxis(axes[i], rank, context.Where);
            long dim = x.Shape[axis];
            long st = steps?[i] ?? 1;
            if (st == 0) throw context.Error("a step of 0 is invalid", "attribute");
            long start = starts[i] < 0 ? starts[i] + dim : starts[i];
            long end = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (st > 0)
            {
                start = Math.Max(0, Math.Min(start, dim));
                end = Math.Max(0, Math.Min(end, dim));
                shape[axis] = end > start ? (end - start + st - 1) / st : 0;
            }
            else
            {
                start = Math.Max(-1, Math.Min(start, dim - 1));
                end = Math.Max(-1, Math.Min(end, dim - 1));
                shape[axis] = start > end ? (start - end - st - 1) / -st : 0;
            }
            begin[axis] = start;
            step[axis] = st;
        }
        var strides = Strides(x.Shape);
        var data = new double[DTensor.ElementCount(shape)];
        int flat = 0;
        foreach (var index in Indices(shape))
        {
            long offset = 0;
            for (int i = 0; i < rank; i++) offset += (begin[i] + index[i] * step[i]) * strides[i];
            data[flat++] = x.Data[offset];
        }
        return new[] { new DTensor(shape, data, x.IsInteger) };
    }

    /// <summary>Split: sizes from the `split` input (opset 13+) or attribute, else num_outputs / the output count.</summary>
    private static DTensor[] Split(OpContext context)
    {
        var x = context.Input(0);
        int axis = Broadcast.NormalizeAxis(context.Node.GetInt("axis", 0), x.Rank, context.Where);
        long dim = x.Shape[axis];
        long[]? sizes = context.Optional(1) is { } s ? StructuralOps.Ints(s) : context.Node.GetInts("split");
        if (sizes == null || sizes.Length == 0)
        {
            int parts = (int)context.Node.GetInt("num_outputs", context.Node.Outputs.Count);
            if (parts <= 0) throw context.Error("needs at least one output", "attribute");
            long chunk = (dim + parts - 1) / parts;
            if (!context.Node.Has("num_outputs") && dim % parts != 0)
                throw context.Error($"cannot split axis {axis} of {Text(x.Shape)} into {parts} equal parts", "attribute");
            sizes = Enumerable.Range(0, parts).Select(i => Math.Max(0, Math.Min(chunk, dim - i * chunk))).ToArray();
        }
        if (sizes.Sum() != dim || sizes.Any(v => v < 0))
            throw context.Error($"split sizes [{string.Join(", ", sizes)}] do not add up to {dim} along axis {axis} of {Text(x.Shape)}", "attribute");

        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= x.Shape[i];
        for (int i = axis + 1; i < x.Rank; i++) inner *= x.Shape[i];
        var results = new DTensor[sizes.Length];
        long offset = 0;
        for (int part = 0; part < sizes.Length; part++)
        {
            var shape = (long[])x.Shape.Clone();
            shape[axis] = sizes[part];
            var data = new double[DTensor.ElementCount(shape)];
            long block = sizes[part] * inner;
            for (long o = 0; o < outer; o++)
                Array.Copy(x.Data, o * dim * inner + offset * inner, data, o * block, block);
            results[part] = new DTensor(shape, data, x.IsInteger);
            offset += sizes[part];
        }
        return results;
    }

    private static DTensor[] Concat(OpContext context)
    {
        var inputs = context.Inputs.Where(i => i != null).Select(i => i!).ToList();
        if (inputs.Count == 0) throw context.Error("needs at least one input", "attribute");
        var first = inputs[0];
        if (!context.Node.Has("axis")) throw context.Error("has no 'axis' attribute", "attribute");
        int axis = Broadcast.NormalizeAxis(context.Node.GetInt("axis", 0), first.Rank, context.Where);
        foreach (var t in inputs)
            if (t.Rank != first.Rank || Enumerable.Range(0, first.Rank).Any(i => i != axis && t.Shape[i] != first.Shape[i]))
                throw context.Error($"inputs {Text(first.Shape)} and {Text(t.Shape)} differ outside axis {axis}");
        var shape = (long[])first.Shape.Clone();
        shape[axis] = inputs.Sum(t => t.Shape[axis]);
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= first.Shape[i];
        for (int i = axis + 1; i < first.Rank; i++) inner *= first.Shape[i];
        var data = new double[DTensor.ElementCount(shape)];
        long position = 0;
        for (long o = 0; o < outer; o++)
            foreach (var t in inputs)
            {
                long block = t.Shape[axis] * inner;
                Array.Copy(t.Data, o * block, data, position, block);
                position += block;
            }
        return new[] { new DTensor(shape, data, inputs.All(t => t.IsInteger)) };
    }

    /// <summary>Gather: output shape is data[:axis] + indices + data[axis+1:]; negative indices count from the end.</summary>
    private static DTensor[] Gather(OpContext context)
    {
        var x = context.Input(0);
        var indices = context.Input(1);
        int axis = Broadcast.NormalizeAxis(context.Node.GetInt("axis", 0), x.Rank, context.Where);
        long dim = x.Shape[axis];
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= x.Shape[i];
        for (int i = axis + 1; i < x.Rank; i++) inner *= x.Shape[i];
        var shape = x.Shape.Take(axis).Concat(indices.Shape).Concat(x.Shape.Skip(axis + 1)).ToArray();
        var data = new double[DTensor.ElementCount(shape)];
        int count = indices.Data.Length;
        for (long o = 0; o < outer; o++)
            for (int j = 0; j < count; j++)
            {
                long index = (long)indices.Data[j];
                if (index < 0) index += dim;
                if (index < 0 || index >= dim) throw context.Error($"index {(long)indices.Data[j]} is out of range for axis {axis} of size {dim}");
                Array.Copy(x.Data, (o * dim + index) * inner, data, (o * count + j) * inner, inner);
            }
        return new[] { new DTensor(shape, data, x.IsInteger) };
    }

    private static DTensor[] Expand(OpContext context)
    {
        var x = context.Input(0);
        var target = StructuralOps.Ints(context.Input(1));
        var shape = Broadcast.Shape(x.Shape, target, context.Where);
        var map = Broadcast.IndexMap(x.Shape, shape);
        return new[] { new DTensor(shape, map.Select(i => x.Data[i]).ToArray(), x.IsInteger) };
    }
}
