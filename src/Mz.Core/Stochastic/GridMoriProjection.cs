using System;
using System.Collections.Generic;

namespace Mz.Core.Stochastic;

/// <summary>
/// The Mori projection P_n u = E[u gᵀ] G⁻¹ g (MZ.md §2.1) on one layer's grid: g is the dictionary of monomials of
/// total degree ≤ p in the standardised state coordinates (constants included, so P1 = 1), and E is the layer law
/// μ_n given as a density on the grid (negative quadrature artefacts of the adjoint density are clipped to zero).
/// Idempotent by construction, so the MZ identity (1.6) built from it holds to round-off.
/// </summary>
public sealed class GridMoriProjection
{
    private readonly double[] _weights;
    private readonly double[][] _dictionary;
    private readonly double[] _gram;

    public GridMoriProjection(StateGrid grid, double[] density, int degree)
    {
        if (density.Length != grid.PointCount) throw new ArgumentException($"expected {grid.PointCount} density values, got {density.Length}");
        if (degree < 0) throw new ArgumentOutOfRangeException(nameof(degree));
        Grid = grid;
        Degree = degree;
        _weights = new double[grid.PointCount];
        double total = 0;
        for (int i = 0; i < _weights.Length; i++) total += _weights[i] = Math.Max(density[i], 0) * grid.CellVolume;
        if (!(total > 0)) throw new ArgumentException("the layer density has no positive mass");
        for (int i = 0; i < _weights.Length; i++) _weights[i] /= total;

        // Standardise coordinates by the layer law so the monomial Gram matrix stays well conditioned.
        int d = grid.Dimension;
        var mean = new double[d];
        var scale = new double[d];
        var point = new double[d];
        for (int i = 0; i < _weights.Length; i++)
        {
            grid.GetPoint(i, point);
            for (int a = 0; a < d; a++) mean[a] += _weights[i] * point[a];
        }
        for (int i = 0; i < _weights.Length; i++)
        {
            grid.GetPoint(i, point);
            for (int a = 0; a < d; a++) scale[a] += _weights[i] * (point[a] - mean[a]) * (point[a] - mean[a]);
        }
        for (int a = 0; a < d; a++) scale[a] = Math.Sqrt(Math.Max(scale[a], 1e-300));

        var exponents = Exponents(d, degree);
        Size = exponents.Count;
        _dictionary = new double[Size][];
        for (int f = 0; f < Size; f++) _dictionary[f] = new double[grid.PointCount];
        for (int i = 0; i < grid.PointCount; i++)
        {
            grid.GetPoint(i, point);
            for (int f = 0; f < Size; f++)
            {
                double value = 1;
                for (int a = 0; a < d; a++) value *= Math.Pow((point[a] - mean[a]) / scale[a], exponents[f][a]);
                _dictionary[f][i] = value;
            }
        }
        _gram = new double[Size * Size];
        for (int f = 0; f < Size; f++)
            for (int g = 0; g <= f; g++)
                _gram[f * Size + g] = _gram[g * Size + f] = Inner(_dictionary[f], _dictionary[g]);
    }

    public StateGrid Grid { get; }
    public int Degree { get; }

    /// <summary>Number of dictionary functions, binom(d + p, d).</summary>
    public int Size { get; }

    /// <summary>⟨u, v⟩ in L²(μ_n).</summary>
    public double Inner(double[] u, double[] v)
    {
        double sum = 0;
        for (int i = 0; i < _weights.Length; i++) sum += _weights[i] * u[i] * v[i];
        return sum;
    }

    public double Norm(double[] u) => Math.Sqrt(Math.Max(Inner(u, u), 0));

    /// <summary>P_n u.</summary>
    public double[] Apply(double[] u)
    {
        var moments = new double[Size];
        for (int f = 0; f < Size; f++) moments[f] = Inner(u, _dictionary[f]);
        var coefficients = CholeskySolver.Solve(_gram, moments);
        var result = new double[u.Length];
        for (int f = 0; f < Size; f++)
            for (int i = 0; i < result.Length; i++) result[i] += coefficients[f] * _dictionary[f][i];
        return result;
    }

    /// <summary>Q_n u = u − P_n u.</summary>
    public double[] Complement(double[] u)
    {
        var projected = Apply(u);
        for (int i = 0; i < projected.Length; i++) projected[i] = u[i] - projected[i];
        return projected;
    }

    /// <summary>Exponent vectors of all monomials of total degree ≤ p in d variables, by increasing degree.</summary>
    private static List<int[]> Exponents(int d, int degree)
    {
        var result = new List<int[]>();
        for (int total = 0; total <= degree; total++) AddWithTotal(new int[d], 0, total, result);
        return result;
    }

    private static void AddWithTotal(int[] current, int axis, int remaining, List<int[]> result)
    {
        if (axis == current.Length - 1)
        {
            current[axis] = remaining;
            result.Add((int[])current.Clone());
            return;
        }
        for (int e = remaining; e >= 0; e--)
        {
            current[axis] = e;
            AddWithTotal(current, axis + 1, remaining - e, result);
        }
    }
}
