using System;
using System.Collections.Generic;

namespace Mz.Core.Interpretation;

/// <summary>Broadcasting arithmetic, including the opset ≤ 6 broadcast/axis form.</summary>
internal static class BinaryOps
{
    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        table["Add"] = c => Arithmetic(c, (a, b) => a + b);
        table["Sub"] = c => Arithmetic(c, (a, b) => a - b);
        table["Mul"] = c => Arithmetic(c, (a, b) => a * b);
        table["Div"] = c => Arithmetic(c, (a, b) => a / b, integerDivision: true);
        table["Pow"] = c => Arithmetic(c, Math.Pow);
    }

    private static DTensor[] Arithmetic(OpContext context, Func<double, double, double> op, bool integerDivision = false)
    {
        var a = context.Input(0);
        var b = LegacyAligned(context, context.Input(1), a.Rank);
        bool integer = a.IsInteger && b.IsInteger;
        Func<double, double, double> f = integer && integerDivision ? (x, y) => Math.Truncate(x / y) : op;
        return new[] { Broadcast.Binary(a, b, f, context.Where, integer) };
    }

    /// <summary>
    /// Opset ≤ 6 binary ops broadcast only with broadcast=1, matching B against A starting at `axis`;
    /// we rewrite B's shape so numpy rules give that result.
    /// </summary>
    public static DTensor LegacyAligned(OpContext context, DTensor b, int rankA)
    {
        if (context.Opset > 6 || !context.Node.Has("broadcast") || context.Node.GetInt("broadcast", 0) == 0 || !context.Node.Has("axis"))
            return b;
        int axis = Broadcast.NormalizeAxis(context.Node.GetInt("axis", 0), rankA, context.Where);
        int trailing = rankA - axis - b.Rank;
        if (trailing < 0) throw context.Error($"legacy broadcast of [{string.Join(", ", b.Shape)}] at axis {axis} overruns rank {rankA}");
        var shape = new long[b.Rank + trailing];
        Array.Copy(b.Shape, shape, b.Rank);
        for (int i = b.Rank; i < shape.Length; i++) shape[i] = 1;
        return b.Reshape(shape);
    }
}
