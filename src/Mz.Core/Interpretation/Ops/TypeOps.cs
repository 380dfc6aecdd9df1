using System;
using System.Collections.Generic;
using System.Linq;
using Mz.Core.Ir;

namespace Mz.Core.Interpretation;

/// <summary>Shape queries and element-type conversions: Shape, Size, ConstantOfShape, Cast, CastLike, Constant.</summary>
internal static class TypeOps
{
    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        table["Shape"] = Shape;
        table["Size"] = c => new[] { DTensor.Scalar(c.Input(0).Data.Length, isInteger: true) };
        table["ConstantOfShape"] = ConstantOfShape;
        table["Cast"] = c => new[] { Convert(c, c.Input(0), (ElementType)c.Node.GetInt("to", 0)) };
        // CastLike only knows the target's kind (integer or float); float targets keep the value as computed.
        table["CastLike"] = c => new[] { c.Input(1).IsInteger ? Convert(c, c.Input(0), ElementType.Int64) : new DTensor(c.Input(0).Shape, c.Input(0).Data) };
    }

    /// <summary>Shape with the opset-15 start/end attributes (clamped, negative from the end).</summary>
    private static DTensor[] Shape(OpContext context)
    {
        var x = context.Input(0);
        int rank = x.Rank;
        long start = context.Node.GetInt("start", 0), end = context.Node.GetInt("end", rank);
        if (start < 0) start += rank;
        if (end < 0) end += rank;
        start = Math.Max(0, Math.Min(start, rank));
        end = Math.Max(start, Math.Min(end, rank));
        var dims = x.Shape.Skip((int)start).Take((int)(end - start)).Select(d => (double)d).ToArray();
        return new[] { new DTensor(new long[] { dims.Length }, dims, isInteger: true) };
    }

    private static DTensor[] ConstantOfShape(OpContext context)
    {
        var shape = StructuralOps.Ints(context.Input(0));
        double value = 0;
        bool integer = false;
        if (context.Node.Attributes.TryGetValue("value", out var attribute) && attribute.Tensor is { } tensor)
        {
            value = tensor.Length > 0 ? tensor.GetDouble(0) : 0;
            integer = !ElementTypes.IsFloat(tensor.SourceType);
        }
        var data = new double[DTensor.ElementCount(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = value;
        return new[] { new DTensor(shape, data, integer) };
    }

    /// <summary>Converts to <paramref name="to"/>: float types round to their precision, integers truncate toward zero.</summary>
    public static DTensor Convert(OpContext context, DTensor x, ElementType to)
    {
        Func<double, double> f;
        bool integer = false;
        switch (to)
        {
            case ElementType.Float32: f = ScalarMath.RoundToSingle; break;
            case ElementType.Float64: f = v => v; break;
            case ElementType.Float16: f = ScalarMath.RoundToHalf; break;
            case ElementType.BFloat16: f = ScalarMath.RoundToBFloat16; break;
            case ElementType.Bool: f = v => v != 0 ? 1 : 0; integer = true; break;
            case ElementType.Int8: case ElementType.Int16: case ElementType.Int32: case ElementType.Int64:
            case ElementType.UInt8: case ElementType.UInt16: case ElementType.UInt32: case ElementType.UInt64:
                f = Math.Truncate; integer = true; break;
            default: throw context.Error($"cannot cast to {ElementTypes.Describe(to)}", "unsupported-type");
        }
        return new DTensor(x.Shape, x.Data.Select(f).ToArray(), integer);
    }
}
