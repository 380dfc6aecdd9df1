using System;
using System.Collections.Generic;

namespace Mz.Core.Interpretation;

/// <summary>Elementwise math functions without attributes, evaluated in float64.</summary>
internal static class UnaryOps
{
    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        // Relu keeps NaN as ONNX Runtime does; Math.Max alone is not guaranteed to on every runtime.
        table["Relu"] = c => Map(c, x => double.IsNaN(x) ? x : x > 0 ? x : 0, keepInteger: true);
        table["Tanh"] = c => Map(c, Math.Tanh);
        table["Sigmoid"] = c => Map(c, ScalarMath.Sigmoid);
        table["Neg"] = c => Map(c, x => -x, keepInteger: true);
        table["Abs"] = c => Map(c, Math.Abs, keepInteger: true);
        table["Exp"] = c => Map(c, Math.Exp);
        table["Log"] = c => Map(c, Math.Log);
        table["Sqrt"] = c => Map(c, Math.Sqrt);
        table["Reciprocal"] = c => Map(c, x => 1 / x);
        table["Floor"] = c => Map(c, Math.Floor, keepInteger: true);
        table["Ceil"] = c => Map(c, Math.Ceiling, keepInteger: true);
        table["Erf"] = c => Map(c, ScalarMath.Erf);
        table["Softplus"] = c => Map(c, ScalarMath.Softplus);
        table["Softsign"] = c => Map(c, x => x / (1 + Math.Abs(x)));
        table["Mish"] = c => Map(c, x => x * Math.Tanh(ScalarMath.Softplus(x)));
        table["Sin"] = c => Map(c, Math.Sin);
        table["Cos"] = c => Map(c, Math.Cos);
    }

    public static DTensor[] Map(OpContext context, Func<double, double> f, bool keepInteger = false)
    {
        var x = context.Input(0);
        var data = new double[x.Data.Length];
        for (int i = 0; i < data.Length; i++) data[i] = f(x.Data[i]);
        return new[] { new DTensor(x.Shape, data, keepInteger && x.IsInteger) };
    }
}
