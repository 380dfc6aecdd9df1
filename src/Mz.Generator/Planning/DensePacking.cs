using System;
using Mz.Core.Ir;

namespace Mz.Generator.Planning;

/// <summary>
/// The weight layout the runtime's dense kernel reads (Mz.Kernels.DenseKernel, which documents it): outputs in
/// panels of <see cref="PanelWidth"/> columns, each panel k rows of 32 values, the last panel zero-padded.
/// Packing happens here, at build time, so the generated code never rearranges weights.
/// </summary>
internal static class DensePacking
{
    public const int PanelWidth = PanelLayout.Width;

    public static long PaddedLength(long n) => PanelLayout.PaddedLength(checked((int)n));

    public static double[] Pack(long k, long n, Func<long, long, double> weight)
    {
        int kk = checked((int)k), nn = checked((int)n);
        var packed = new double[PanelLayout.PackedLength(kk, nn)];
        for (int p = 0; p < kk; p++)
            for (int j = 0; j < nn; j++)
                packed[PanelLayout.PackedIndex(kk, p, j)] = weight(p, j);
        return packed;
    }
}
