using System;

namespace Mz.Core.Stochastic;

/// <summary>
/// A regular grid over a box in a state space of dimension ≤ 3, with the same spacing on every axis. Points are
/// numbered with axis 0 fastest.
/// </summary>
public sealed class StateGrid
{
    public const int MaxDimension = 3;

    /// <summary>Cubic interpolation needs four nodes per axis.</summary>
    public const int MinPointsPerAxis = 4;

    public StateGrid(double[] origin, double spacing, int[] counts)
    {
        if (origin.Length == 0 || origin.Length > MaxDimension || counts.Length != origin.Length)
            throw new ArgumentException($"grids of dimension 1 to {MaxDimension} are supported, got {origin.Length}");
        if (!(spacing > 0) || double.IsInfinity(spacing)) throw new ArgumentOutOfRangeException(nameof(spacing));
        long total = 1;
        foreach (var c in counts)
        {
            if (c < MinPointsPerAxis) throw new ArgumentException($"every axis needs at least {MinPointsPerAxis} points");
            total *= c;
        }
        if (total > int.MaxValue / 2) throw new ArgumentException($"the grid would have {total} points");
        Origin = (double[])origin.Clone();
        Spacing = spacing;
        Counts = (int[])counts.Clone();
        PointCount = (int)total;
        Strides = new int[counts.Length];
        int stride = 1;
        for (int a = 0; a < counts.Length; a++) { Strides[a] = stride; stride *= counts[a]; }
    }

    public int Dimension => Origin.Length;
    public double[] Origin { get; }
    public double Spacing { get; }
    public int[] Counts { get; }
    public int[] Strides { get; }
    public int PointCount { get; }

    /// <summary>h^d, the quadrature weight of one grid point.</summary>
    public double CellVolume => Math.Pow(Spacing, Dimension);

    public double Upper(int axis) => Origin[axis] + (Counts[axis] - 1) * Spacing;

    /// <summary>The smallest grid of this spacing covering [lower, upper], centred on the box.</summary>
    public static StateGrid Covering(double[] lower, double[] upper, double spacing)
    {
        var origin = new double[lower.Length];
        var counts = new int[lower.Length];
        for (int a = 0; a < lower.Length; a++)
        {
            if (!(upper[a] >= lower[a])) throw new ArgumentException($"axis {a}: the box [{lower[a]}, {upper[a]}] is empty");
            int cells = Math.Max((int)Math.Ceiling((upper[a] - lower[a]) / spacing - 1e-9), MinPointsPerAxis - 1);
            counts[a] = cells + 1;
            origin[a] = 0.5 * (lower[a] + upper[a]) - 0.5 * cells * spacing;
        }
        return new StateGrid(origin, spacing, counts);
    }

    public void GetPoint(int index, double[] point)
    {
        for (int a = 0; a < Dimension; a++)
        {
            int i = index / Strides[a] % Counts[a];
            point[a] = Origin[a] + i * Spacing;
        }
    }

    public double[] Sample(Func<double[], double> function)
    {
        var values = new double[PointCount];
        var point = new double[Dimension];
        for (int i = 0; i < PointCount; i++)
        {
            GetPoint(i, point);
            values[i] = function(point);
        }
        return values;
    }

    public bool Contains(double[] point)
    {
        for (int a = 0; a < Dimension; a++)
            if (!(point[a] >= Origin[a] && point[a] <= Upper(a))) return false;
        return true;
    }
}
