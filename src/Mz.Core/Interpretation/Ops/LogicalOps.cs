using System;
using System.Collections.Generic;

namespace Mz.Core.Interpretation;

/// <summary>
/// Comparisons and Where. A comparison of runtime data yields 0/1 flags that travel with the float data (they
/// only ever feed Where or arithmetic); only comparisons of integer shape values stay integer values.
/// </summary>
internal static class LogicalOps
{
    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        table["Greater"] = c => Compare(c, (a, b) => a > b);
        table["Less"] = c => Compare(c, (a, b) => a < b);
        table["Equal"] = c => Compare(c, (a, b) => a == b);
        table["GreaterOrEqual"] = c => Compare(c, (a, b) => a >= b);
        table["LessOrEqual"] = c => Compare(c, (a, b) => a <= b);
        table["Not"] = c => UnaryOps.Map(c, x => x == 0 ? 1 : 0, keepInteger: true);
        table["And"] = c => Compare(c, (a, b) => a != 0 && b != 0);
        table["Or"] = c => Compare(c, (a, b) => a != 0 || b != 0);
        table["Where"] = Where;
    }

    private static DTensor[] Compare(OpContext context, Func<double, double, bool> predicate)
    {
        var a = context.Input(0);
        var b = BinaryOps.LegacyAligned(context, context.Input(1), a.Rank);
        return new[] { Broadcast.Binary(a, b, (x, y) => predicate(x, y) ? 1 : 0, context.Where, a.IsInteger && b.IsInteger) };
    }

    private static DTensor[] Where(OpContext context)
    {
        var condition = context.Input(0);
        var x = context.Input(1);
        var y = context.Input(2);
        var shape = Broadcast.Shape(Broadcast.Shape(condition.Shape, x.Shape, context.Where), y.Shape, context.Where);
        var ic = Broadcast.IndexMap(condition.Shape, shape);
        var ix = Broadcast.IndexMap(x.Shape, shape);
        var iy = Broadcast.IndexMap(y.Shape, shape);
        var data = new double[ic.Length];
        for (int i = 0; i < data.Length; i++) data[i] = condition.Data[ic[i]] != 0 ? x.Data[ix[i]] : y.Data[iy[i]];
        return new[] { new DTensor(shape, data, x.IsInteger && y.IsInteger) };
    }
}
