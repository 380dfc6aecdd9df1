using System.Collections.Generic;

namespace Mz;

/// <summary>
/// A state density on a regular grid (state dimension ≤ 3), ready to plot: point (i_0, i_1, i_2) sits at
/// Origin + Spacing·(i_0, i_1, i_2) and its value is Values[i_0 + Counts[0]·(i_1 + Counts[1]·i_2)].
/// </summary>
public sealed class MzDensityGrid
{
    internal MzDensityGrid(int layer, double[] origin, double spacing, int[] counts, double[] values)
    {
        Layer = layer;
        Origin = origin;
        Spacing = spacing;
        Counts = counts;
        Values = values;
    }

    /// <summary>n: the density is that of X_n (1 ≤ n ≤ L; 0 for the input density of a propagated distribution).</summary>
    public int Layer { get; }

    /// <summary>Coordinates of grid point (0, 0, 0).</summary>
    public IReadOnlyList<double> Origin { get; }
    /// <summary>Distance between neighbouring grid points along every axis.</summary>
    public double Spacing { get; }
    /// <summary>Grid points along each axis.</summary>
    public IReadOnlyList<int> Counts { get; }

    /// <summary>Density values (axis 0 fastest); Σ Values·Spacing^d = 1. Small negative values are interpolation artefacts.</summary>
    public IReadOnlyList<double> Values { get; }
}
