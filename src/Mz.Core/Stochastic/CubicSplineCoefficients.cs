using System;

namespace Mz.Core.Stochastic;

/// <summary>
/// Cubic B-spline interpolation coefficients of grid values, axis by axis. Along one axis with values f_0..f_{n−1}
/// the coefficients c_{−1}..c_n satisfy (c_{k−1} + 4c_k + c_{k+1})/6 = f_k, closed by natural end conditions
/// (zero second derivative), which give c_0 = f_0, c_{n−1} = f_{n−1} and a symmetric (1, 4, 1) tridiagonal
/// system for the interior. <see cref="Adjoint"/> applies the transposed map, needed for the transfer operator.
/// </summary>
public static class CubicSplineCoefficients
{
    /// <summary>The coefficient layout: one extra node on each side of every axis.</summary>
    public static StateGrid Layout(StateGrid grid)
    {
        var origin = new double[grid.Dimension];
        var counts = new int[grid.Dimension];
        for (int a = 0; a < grid.Dimension; a++)
        {
            origin[a] = grid.Origin[a] - grid.Spacing;
            counts[a] = grid.Counts[a] + 2;
        }
        return new StateGrid(origin, grid.Spacing, counts);
    }

    /// <summary>Grid values → spline coefficients (in the <see cref="Layout"/> order).</summary>
    public static double[] Compute(StateGrid grid, double[] values)
    {
        if (values.Length != grid.PointCount) throw new ArgumentException($"expected {grid.PointCount} grid values, got {values.Length}");
        var dims = (int[])grid.Counts.Clone();
        var current = values;
        for (int a = 0; a < grid.Dimension; a++)
        {
            current = TransformAxis(current, dims, a, adjoint: false);
            dims[a] += 2;
        }
        return current;
    }

    /// <summary>The transposed map: weights on coefficients → weights on grid values.</summary>
    public static double[] Adjoint(StateGrid grid, double[] coefficientWeights)
    {
        var dims = new int[grid.Dimension];
        for (int a = 0; a < dims.Length; a++) dims[a] = grid.Counts[a] + 2;
        var current = coefficientWeights;
        for (int a = grid.Dimension - 1; a >= 0; a--)
        {
            current = TransformAxis(current, dims, a, adjoint: true);
            dims[a] -= 2;
        }
        return current;
    }

    /// <summary>Applies the per-line map (or its transpose) along axis <paramref name="axis"/> of an array with extents <paramref name="dims"/>.</summary>
    private static double[] TransformAxis(double[] source, int[] dims, int axis, bool adjoint)
    {
        int inner = 1, outer = 1;
        for (int a = 0; a < axis; a++) inner *= dims[a];
        for (int a = axis + 1; a < dims.Length; a++) outer *= dims[a];
        int sourceLength = dims[axis], targetLength = adjoint ? sourceLength - 2 : sourceLength + 2;
        var target = new double[inner * outer * targetLength];
        var line = new double[sourceLength];
        var result = new double[targetLength];
        var scratch = new double[Math.Max(sourceLength, targetLength)];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int sourceBase = o * sourceLength * inner + i, targetBase = o * targetLength * inner + i;
                for (int k = 0; k < sourceLength; k++) line[k] = source[sourceBase + k * inner];
                if (adjoint) LineAdjoint(line, result, scratch); else LineForward(line, result, scratch);
                for (int k = 0; k < targetLength; k++) target[targetBase + k * inner] = result[k];
            }
        return target;
    }

    /// <summary>f (n values) → c_{−1}..c_n (n + 2 values).</summary>
    private static void LineForward(double[] f, double[] c, double[] scratch)
    {
        int n = f.Length;
        // Interior unknowns c_1..c_{n−2}: c_{k−1} + 4c_k + c_{k+1} = 6f_k with c_0 = f_0 and c_{n−1} = f_{n−1} moved right.
        int m = n - 2;
        var rhs = scratch;
        for (int k = 1; k <= m; k++) rhs[k - 1] = 6 * f[k];
        rhs[0] -= f[0];
        rhs[m - 1] -= f[n - 1];
        SolveTridiagonal(rhs, m);
        c[1] = f[0];
        for (int k = 1; k <= m; k++) c[k + 1] = rhs[k - 1];
        c[n] = f[n - 1];
        c[0] = 2 * c[1] - c[2];
        c[n + 1] = 2 * c[n] - c[n - 1];
    }

    /// <summary>The transpose of <see cref="LineForward"/>: g (n + 2 values) → n values.</summary>
    private static void LineAdjoint(double[] g, double[] f, double[] scratch)
    {
        int n = g.Length - 2, m = n - 2;
        // Transpose of the end extrapolation c_{−1} = 2c_0 − c_1, c_n = 2c_{n−1} − c_{n−2}.
        var h = new double[n];
        for (int k = 0; k < n; k++) h[k] = g[k + 1];
        h[0] += 2 * g[0];
        h[1] -= g[0];
        h[n - 1] += 2 * g[n + 1];
        h[n - 2] -= g[n + 1];
        // Transpose of the interior solve (the tridiagonal matrix is symmetric).
        var r = scratch;
        for (int k = 0; k < m; k++) r[k] = h[k + 1];
        SolveTridiagonal(r, m);
        for (int k = 1; k <= m; k++) f[k] = 6 * r[k - 1];
        f[0] = h[0] - r[0];
        f[n - 1] = h[n - 1] - r[m - 1];
    }

    /// <summary>Solves the (1, 4, 1) tridiagonal system of size m in place (Thomas algorithm; diagonally dominant, so stable).</summary>
    private static void SolveTridiagonal(double[] rhs, int m)
    {
        var diagonal = new double[m];
        diagonal[0] = 4;
        for (int k = 1; k < m; k++)
        {
            double factor = 1 / diagonal[k - 1];
            diagonal[k] = 4 - factor;
            rhs[k] -= factor * rhs[k - 1];
        }
        rhs[m - 1] /= diagonal[m - 1];
        for (int k = m - 2; k >= 0; k--) rhs[k] = (rhs[k] - rhs[k + 1]) / diagonal[k];
    }
}
