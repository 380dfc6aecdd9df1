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
        table["Tan"] = c => Map(c, Math.Tan);
        table["Asin"] = c => Map(c, Math.Asin);
        table["Acos"] = c => Map(c, Math.Acos);
        table["Atan"] = c => Map(c, Math.Atan);
        table["Sinh"] = c => Map(c, Math.Sinh);
        table["Cosh"] = c => Map(c, Math.Cosh);
        // netstandard2.0 has no Math.Asinh/Acosh/Atanh: the logarithmic identities are exact enough in float64.
        table["Asinh"] = c => Map(c, x => double.IsInfinity(x) ? x : Math.Sign(x) * Math.Log(Math.Abs(x) + Math.Sqrt(x * x + 1)));
        table["Acosh"] = c => Map(c, x => Math.Log(x + Math.Sqrt(x * x - 1)));
        table["Atanh"] = c => Map(c, x => 0.5 * Math.Log((1 + x) / (1 - x)));
        table["Round"] = c => Map(c, x => Math.Round(x, MidpointRounding.ToEven), keepInteger: true);
        table["Sign"] = c => Map(c, x => double.IsNaN(x) ? x : Math.Sign(x), keepInteger: true);
        table["IsNaN"] = c => Map(c, x => double.IsNaN(x) ? 1 : 0);
        table["IsInf"] = c =>
        {
            bool negative = c.Node.GetInt("detect_negative", 1) != 0, positive = c.Node.GetInt("detect_positive", 1) != 0;
            return Map(c, x => x == double.NegativeInfinity && negative || x == double.PositiveInfinity && positive ? 1 : 0);
        };
        table["Shrink"] = c =>
        {
            double lambd = c.Node.GetFloat("lambd", 0.5f), bias = c.Node.GetFloat("bias", 0f);
            return Map(c, x => x < -lambd ? x + bias : x > lambd ? x - bias : 0);
        };
    }

    public static DTensor[] Map(OpContext context, Func<double, double> f, bool keepInteger = false)
    {
        var x = context.Input(0);
        var data = new double[x.Data.Length];
        for (int i = 0; i < data.Length; i++) data[i] = f(x.Data[i]);
        return new[] { new DTensor(x.Shape, data, keepInteger && x.IsInteger) };
    }
}
