using System;
using System.Collections.Generic;
using System.Linq;

namespace Mz.Core.Interpretation;

/// <summary>Copies and views: Identity, inference Dropout, Flatten, Reshape, Squeeze, Unsqueeze.</summary>
internal static class StructuralOps
{
    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        table["Identity"] = c => new[] { c.Input(0) };
        table["Dropout"] = Dropout;
        table["Flatten"] = Flatten;
        table["Reshape"] = Reshape;
        table["Squeeze"] = Squeeze;
        table["Unsqueeze"] = Unsqueeze;
    }

    public static long[] Ints(DTensor t) => t.Data.Select(v => (long)v).ToArray();

    private static string Text(long[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Inference Dropout is an exact copy (no 1/(1−p) scaling); the mask, when requested, is all true.</summary>
    private static DTensor[] Dropout(OpContext context)
    {
        var x = context.Input(0);
        if (context.Optional(2) is { } training && training.Data.Length > 0 && training.Data[0] != 0)
            throw context.Error("training_mode=true is not supported: Mz compiles inference graphs only", "training");
        if (context.Opset <= 6 && context.Node.GetInt("is_test", 0) == 0 && context.Node.Has("is_test"))
            throw context.Error("is_test=0 (training) is not supported: Mz compiles inference graphs only", "training");
        // The mask is bool in ONNX; all-true flags travel as 1.0 like comparison results, so it can be exported.
        var mask = new DTensor(x.Shape, Enumerable.Repeat(1.0, x.Data.Length).ToArray());
        return new[] { x, mask };
    }

    private static DTensor[] Flatten(OpContext context)
    {
        var x = context.Input(0);
        int rank = x.Rank;
        long axis = context.Node.GetInt("axis", 1);
        if (axis < -rank || axis > rank) throw context.Error($"axis {axis} is outside [{-rank}, {rank}]", "attribute");
        if (axis < 0) axis += rank;
        long outer = 1, inner = 1;
        for (int i = 0; i < rank; i++)
        {
            if (i < axis) outer *= x.Shape[i];
            else inner *= x.Shape[i];
        }
        return new[] { x.Reshape(new[] { outer, inner }) };
    }

    /// <summary>
    /// Reshape: 0 copies the input dim at that position (a literal 0 when allowzero=1), one −1 is inferred.
    /// The target is an input from opset 5 and the `shape` attribute before.
    /// </summary>
    private static DTensor[] Reshape(OpContext context)
    {
        var x = context.Input(0);
        long[] target = context.Optional(1) is { } shapeInput ? Ints(shapeInput)
            : context.Node.GetInts("shape") ?? throw context.Error("has no target shape (input 1 or the 'shape' attribute)", "attribute");
        bool allowZero = context.Node.GetInt("allowzero", 0) != 0;
        var shape = new long[target.Length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < target.Length; i++)
        {
            long d = target[i];
            if (d == 0 && !allowZero)
            {
                if (i >= x.Rank) throw context.Error($"target {Text(target)} copies dim {i}, but the input {Text(x.Shape)} has rank {x.Rank}");
                d = x.Shape[i];
            }
            else if (d == -1)
            {
                if (inferred >= 0) throw context.Error($"target {Text(target)} has more than one -1");
                inferred = i;
                continue;
            }
            else if (d < 0) throw context.Error($"target {Text(target)} has the invalid dimension {d}");
            shape[i] = d;
            known *= d;
        }
        long total = x.Data.Length;
        if (inferred >= 0)
        {
            if (known == 0 || total % known != 0)
                throw context.Error($"cannot infer the -1 of {Text(target)} for an input of shape {Text(x.Shape)} ({total} values)");
            shape[inferred] = total / known;
        }
        else if (known != total)
            throw context.Error($"cannot reshape {Text(x.Shape)} ({total} values) to {Text(shape)}");
        return new[] { x.Reshape(shape) };
    }

    private static long[]? Axes(OpContext context) =>
        context.Optional(1) is { } axesInput ? Ints(axesInput) : context.Node.GetInts("axes");

    private static DTensor[] Squeeze(OpContext context)
    {
        var x = context.Input(0);
        var axes = Axes(context);
        var drop = new bool[x.Rank];
        if (axes == null || axes.Length == 0)
            for (int i = 0; i < x.Rank; i++) drop[i] = x.Shape[i] == 1;
        else
            foreach (var a in axes)
            {
                int axis = Broadcast.NormalizeAxis(a, x.Rank, context.Where);
                if (x.Shape[axis] != 1) throw context.Error($"cannot squeeze axis {a} of shape {Text(x.Shape)}: its size is not 1");
                drop[axis] = true;
            }
        return new[] { x.Reshape(x.Shape.Where((_, i) => !drop[i]).ToArray()) };
    }

    private static DTensor[] Unsqueeze(OpContext context)
    {
        var x = context.Input(0);
        var axes = Axes(context) ?? throw context.Error("has no axes (input 1 or the 'axes' attribute)", "attribute");
        int rank = x.Rank + axes.Length;
        var inserted = new bool[rank];
        foreach (var a in axes)
        {
            int axis = Broadcast.NormalizeAxis(a, rank, context.Where);
            if (inserted[axis]) throw context.Error($"axis {a} is repeated", "attribute");
            inserted[axis] = true;
        }
        var shape = new long[rank];
        int source = 0;
        for (int i = 0; i < rank; i++) shape[i] = inserted[i] ? 1 : x.Shape[source++];
        return new[] { x.Reshape(shape) };
    }
}
