using System;
using System.Collections.Generic;

namespace Mz.Core.Interpretation;

/// <summary>Elementwise activations and math functions, evaluated in float64.</summary>
internal static class UnaryOps
{
    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        table["Relu"] = c => Map(c, x => double.IsNaN(x) ? x : Math.Max(x, 0));
        table["Tanh"] = c => Map(c, Math.Tanh);
        table["Sigmoid"] = c => Map(c, Sigmoid);
        table["Neg"] = c => Map(c, x => -x);
        table["Abs"] = c => Map(c, Math.Abs);
        table["Exp"] = c => Map(c, Math.Exp);
        table["Log"] = c => Map(c, Math.Log);
        table["Sqrt"] = c => Map(c, Math.Sqrt);
    }

    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    public static DTensor[] Map(OpContext context, Func<double, double> f)
    {
        var x = context.Input(0);
        var data = new double[x.Data.Length];
        for (int i = 0; i < data.Length; i++) data[i] = f(x.Data[i]);
        return new[] { new DTensor(x.Shape, data) };
    }
}
