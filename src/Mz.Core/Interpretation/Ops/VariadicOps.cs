using System;
using System.Collections.Generic;
using System.Linq;

namespace Mz.Core.Interpretation;

/// <summary>
/// Ops over any number of broadcasting inputs (Sum, Mean, Max, Min). Max and Min return NaN whenever an operand
/// is NaN, as ONNX Runtime does, whatever the operand order.
/// </summary>
internal static class VariadicOps
{
    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        table["Sum"] = c => Fold(c, (a, b) => a + b);
        table["Max"] = c => Fold(c, (a, b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b));
        table["Min"] = c => Fold(c, (a, b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Min(a, b));
        table["Mean"] = c =>
        {
            var sum = Fold(c, (a, b) => a + b)[0];
            int count = c.Inputs.Count(i => i != null);
            return new[] { new DTensor(sum.Shape, sum.Data.Select(v => v / count).ToArray()) };
        };
    }

    private static DTensor[] Fold(OpContext context, Func<double, double, double> op)
    {
        DTensor? result = null;
        foreach (var input in context.Inputs)
        {
            if (input == null) continue;
            result = result == null ? input : Broadcast.Binary(result, input, op, context.Where, result.IsInteger && input.IsInteger);
        }
        return new[] { result ?? throw context.Error("needs at least one input", "attribute") };
    }
}
