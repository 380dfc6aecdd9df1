using System;
using System.Collections.Generic;

namespace Mz.Core.Interpretation;

/// <summary>Softmax and LogSoftmax with both the opset ≤ 12 (coerce to 2-D) and opset ≥ 13 (one axis) semantics.</summary>
internal static class SoftmaxOps
{
    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        table["Softmax"] = c => Normalize(c, log: false);
        table["LogSoftmax"] = c => Normalize(c, log: true);
        table["Hardmax"] = Hardmax;
    }

    /// <summary>(outer, length, inner) of the normalised groups: opset ≤ 12 coerces to 2-D at the axis (default 1), 13+ uses one axis (default −1).</summary>
    private static (long Outer, long Length, long Inner) Groups(OpContext context, DTensor x)
    {
        int rank = x.Rank;
        bool legacy = context.Opset <= 12;
        int axis = Broadcast.NormalizeAxis(context.Node.GetInt("axis", legacy ? 1 : -1), rank, context.Where);
        long outer = 1, length = 1, inner = 1;
        for (int i = 0; i < rank; i++)
        {
            if (i < axis) outer *= x.Shape[i];
            else if (i == axis || legacy) length *= x.Shape[i];
            else inner *= x.Shape[i];
        }
        return (outer, length, inner);
    }

    /// <summary>1 at the first maximum of each group, 0 elsewhere; same versioning as Softmax.</summary>
    private static DTensor[] Hardmax(OpContext context)
    {
        var x = context.Input(0);
        var (outer, length, inner) = Groups(context, x);
        var y = new double[x.Data.Length];
        for (long o = 0; o < outer; o++)
            for (long s = 0; s < inner; s++)
            {
                long start = o * length * inner + s, best = -1;
                for (long i = 0; i < length; i++)
                    if (best < 0 || x.Data[start + i * inner] > x.Data[start + best * inner]) best = i;
                if (best >= 0) y[start + best * inner] = 1;
            }
        return new[] { new DTensor(x.Shape, y) };
    }

    private static DTensor[] Normalize(OpContext context, bool log)
    {
        var x = context.Input(0);
        var (outer, length, inner) = Groups(context, x);
        var y = new double[x.Data.Length];
        for (long o = 0; o < outer; o++)
            for (long s = 0; s < inner; s++)
            {
                long start = o * length * inner + s;
                double max = double.NegativeInfinity;
                bool nan = false;
                for (long i = 0; i < length; i++)
                {
                    double v = x.Data[start + i * inner];
                    if (double.IsNaN(v)) nan = true;
                    if (v > max) max = v;
                }
                double sum = 0;
                for (long i = 0; i < length; i++) sum += Math.Exp(x.Data[start + i * inner] - max);
                double logSum = Math.Log(sum);
                for (long i = 0; i < length; i++)
                {
                    long at = start + i * inner;
                    double shifted = x.Data[at] - max;
                    y[at] = nan ? double.NaN : log ? shifted - logSum : Math.Exp(shifted) / sum;
                }
            }
        return new[] { new DTensor(x.Shape, y) };
    }
}
