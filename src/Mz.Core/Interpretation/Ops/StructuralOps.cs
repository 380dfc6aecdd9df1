using System;
using System.Collections.Generic;
using System.Linq;

namespace Mz.Core.Interpretation;

/// <summary>Copies and views: Identity, inference Dropout, Flatten.</summary>
internal static class StructuralOps
{
    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        table["Identity"] = c => new[] { c.Input(0) };
        table["Dropout"] = Dropout;
        table["Flatten"] = Flatten;
    }

    private static DTensor[] Dropout(OpContext context)
    {
        var x = context.Input(0);
        if (context.Optional(2) is { } training && training.Data.Length > 0 && training.Data[0] != 0)
            throw context.Error("training_mode=true is not supported for inference", "unsupported-op");
        if (context.Node.GetInt("is_test", 1) == 0 && context.Opset <= 6)
            throw context.Error("is_test=0 (training) is not supported for inference", "unsupported-op");
        var mask = new DTensor(x.Shape, Enumerable.Repeat(1.0, x.Data.Length).ToArray(), isInteger: true);
        return new[] { x, mask };
    }

    private static DTensor[] Flatten(OpContext context)
    {
        var x = context.Input(0);
        int rank = x.Rank;
        long axis = context.Node.GetInt("axis", 1);
        if (axis < -rank || axis > rank) throw context.Error($"axis {axis} is outside [{-rank}, {rank}]", "attribute");
        if (axis < 0) axis += rank;
        long outer = 1;
        for (int i = 0; i < axis; i++) outer *= x.Shape[i];
        long inner = x.Data.Length / Math.Max(outer, 1);
        if (outer == 0) inner = x.Shape.Skip((int)axis).Aggregate(1L, (a, d) => a * d);
        return new[] { x.Reshape(new[] { outer, inner }) };
    }
}
