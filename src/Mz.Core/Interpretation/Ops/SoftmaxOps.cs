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
    }

    private static DTensor[] Normalize(OpContext context, bool log)
    {
        var x = context.Input(0);
        int rank = x.Rank;
        bool legacy = context.Opset <= 12;
        int axis = Broadcast.NormalizeAxis(context.Node.GetInt("axis", legacy ? 1 : -1), rank, context.Where);
        // Groups are (outer, length, inner) strided blocks; the legacy form normalises everything from axis on.
        long outer = 1, length = 1, inner = 1;
        for (int i = 0; i < rank; i++)
        {
            if (i < axis) outer *= x.Shape[i];
            else if (i == axis || legacy) length *= x.Shape[i];
            else inner *= x.Shape[i];
        }
        if (rank == 0) length = 1;
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
