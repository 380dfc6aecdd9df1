using System;

namespace Mz.Core.Interpretation;

/// <summary>NumPy-style multidirectional broadcasting.</summary>
public static class Broadcast
{
    public static long[] Shape(long[] a, long[] b, string context)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            long db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new InterpreterException($"{context}: shapes [{string.Join(", ", a)}] and [{string.Join(", ", b)}] do not broadcast (axis {i}: {da} vs {db})");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>For each output position, the flat index into a tensor of <paramref name="shape"/> broadcast to <paramref name="output"/>.</summary>
    public static int[] IndexMap(long[] shape, long[] output)
    {
        int count = (int)DTensor.ElementCount(output);
        var map = new int[count];
        int rank = output.Length;
        var strides = new long[rank];
        long stride = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            int si = i - (rank - shape.Length);
            long d = si >= 0 ? shape[si] : 1;
            strides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        var index = new long[rank];
        for (int flat = 0; flat < count; flat++)
        {
            long offset = 0;
            for (int i = 0; i < rank; i++) offset += index[i] * strides[i];
            map[flat] = (int)offset;
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++index[i] < output[i]) break;
                index[i] = 0;
            }
        }
        return map;
    }

    public static DTensor Binary(DTensor a, DTensor b, Func<double, double, double> op, string context, bool integerResult = false)
    {
        var shape = Shape(a.Shape, b.Shape, context);
        var ia = IndexMap(a.Shape, shape);
        var ib = IndexMap(b.Shape, shape);
        var data = new double[ia.Length];
        for (int i = 0; i < data.Length; i++) data[i] = op(a.Data[ia[i]], b.Data[ib[i]]);
        return new DTensor(shape, data, integerResult);
    }

    public static int NormalizeAxis(long axis, int rank, string context)
    {
        if (axis < -rank || axis >= Math.Max(rank, 1))
            throw new InterpreterException($"{context}: axis {axis} is outside [{-rank}, {rank - 1}]") { Kind = "attribute" };
        return (int)(axis < 0 ? axis + rank : axis);
    }
}
