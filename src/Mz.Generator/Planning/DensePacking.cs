using System;

namespace Mz.Generator.Planning;

/// <summary>
/// The weight layout the runtime's dense kernel reads (Mz.Kernels.DenseKernel, which documents it): outputs in
/// panels of <see cref="PanelWidth"/> columns, each panel k rows of 32 values, the last panel zero-padded.
/// Packing happens here, at build time, so the generated code never rearranges weights.
/// </summary>
internal static class DensePacking
{
    /// <summary>Must equal Mz.Kernels.DenseKernel.PanelWidth (a test checks it).</summary>
    public const int PanelWidth = 32;

    public static long PanelCount(long n) => (n + PanelWidth - 1) / PanelWidth;

    public static long PaddedLength(long n) => PanelCount(n) * PanelWidth;

    /// <summary>Packs W given as weight(p, j) from input p to output j.</summary>
    public static double[] Pack(long k, long n, Func<long, long, double> weight)
    {
        var packed = new double[PanelCount(n) * PanelWidth * k];
        for (long panel = 0; panel < PanelCount(n); panel++)
            for (long p = 0; p < k; p++)
                for (long c = 0; c < PanelWidth && panel * PanelWidth + c < n; c++)
                    packed[(panel * k + p) * PanelWidth + c] = weight(p, panel * PanelWidth + c);
        return packed;
    }
}
