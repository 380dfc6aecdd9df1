using System;
using System.Linq;

namespace Mz.Core.Interpretation;

/// <summary>
/// A dense row-major tensor evaluated in float64 by the reference interpreter. <see cref="IsInteger"/> marks
/// int64/bool values (shape arithmetic), which the interpreter keeps exact in the double payload.
/// </summary>
public sealed class DTensor
{
    public DTensor(long[] shape, double[] data, bool isInteger = false)
    {
        long count = ElementCount(shape);
        if (count != data.Length) throw new ArgumentException($"shape [{string.Join(", ", shape)}] needs {count} values, got {data.Length}");
        Shape = shape;
        Data = data;
        IsInteger = isInteger;
    }

    public long[] Shape { get; }
    public double[] Data { get; }
    public bool IsInteger { get; }
    public int Rank => Shape.Length;

    public static DTensor Zeros(long[] shape, bool isInteger = false) => new(shape, new double[ElementCount(shape)], isInteger);

    public static DTensor Scalar(double value, bool isInteger = false) => new(Array.Empty<long>(), new[] { value }, isInteger);

    public static long ElementCount(long[] shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new InterpreterException($"negative dimension in shape [{string.Join(", ", shape)}]");
            count = checked(count * d);
        }
        if (count > int.MaxValue) throw new InterpreterException($"shape [{string.Join(", ", shape)}] has more than {int.MaxValue} elements");
        return count;
    }

    public DTensor Reshape(long[] shape) => new(shape, Data, IsInteger);

    public override string ToString() => $"[{string.Join(", ", Shape)}]{(IsInteger ? " int" : "")}: {string.Join(", ", Data.Take(8))}{(Data.Length > 8 ? ", ..." : "")}";
}
