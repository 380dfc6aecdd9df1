using System;

namespace Mz.Core.Stochastic;

/// <summary>
/// Gauss–Hermite quadrature for the standard normal law: E[f(Z)] ≈ Σ w_i f(z_i), exact for polynomials of
/// degree ≤ 2n − 1. Nodes are the eigenvalues of the Jacobi matrix of the probabilists' Hermite polynomials
/// (zero diagonal, off-diagonal √k), found by Sturm-sequence bisection and polished by Newton on the
/// orthonormal recurrence; weights are 1/(n·ĥe_{n−1}(z_i)²). Bisection avoids a general eigen-solver and
/// cannot miss or duplicate a node.
/// </summary>
public sealed class GaussHermiteRule
{
    public const int MaxPoints = 64;

    private GaussHermiteRule(double[] nodes, double[] weights)
    {
        Nodes = nodes;
        Weights = weights;
    }

    /// <summary>Nodes in increasing order (symmetric about 0).</summary>
    public double[] Nodes { get; }

    /// <summary>Weights summing to 1 (the standard normal density is already folded in).</summary>
    public double[] Weights { get; }

    public int Count => Nodes.Length;

    public static GaussHermiteRule Create(int points)
    {
        if (points < 1 || points > MaxPoints) throw new ArgumentOutOfRangeException(nameof(points), $"1 to {MaxPoints} nodes are supported");
        var nodes = new double[points];
        var weights = new double[points];
        // Every eigenvalue of the Jacobi matrix lies within ±(2·max off-diagonal) by Gershgorin.
        double bound = 2 * Math.Sqrt(Math.Max(points - 1, 1)) + 1;
        for (int i = 0; i < points; i++)
        {
            // The i-th smallest eigenvalue: the λ where the count of eigenvalues below λ passes i.
            double lo = -bound, hi = bound;
            for (int iteration = 0; iteration < 200 && hi - lo > 1e-15 * Math.Max(1, Math.Abs(lo)); iteration++)
            {
                double mid = 0.5 * (lo + hi);
                if (EigenvaluesBelow(points, mid) > i) hi = mid; else lo = mid;
            }
            double z = 0.5 * (lo + hi);
            for (int newton = 0; newton < 3; newton++)
            {
                Orthonormal(points, z, out double value, out double previous);
                // d/dz ĥe_n = √n · ĥe_{n−1}
                double step = value / (Math.Sqrt(points) * previous);
                if (!(Math.Abs(step) < 1e-10)) break;
                z -= step;
            }
            Orthonormal(points, z, out _, out double beforeLast);
            nodes[i] = z;
            weights[i] = 1 / (points * beforeLast * beforeLast);
        }
        if (points % 2 == 1) nodes[points / 2] = 0;
        // Symmetrise so that odd moments vanish to the last bit.
        for (int i = 0; i < points / 2; i++)
        {
            int j = points - 1 - i;
            double node = 0.5 * (nodes[j] - nodes[i]), weight = 0.5 * (weights[i] + weights[j]);
            nodes[i] = -node; nodes[j] = node; weights[i] = weights[j] = weight;
        }
        double total = 0;
        foreach (var w in weights) total += w;
        for (int i = 0; i < points; i++) weights[i] /= total;
        return new GaussHermiteRule(nodes, weights);
    }

    /// <summary>Number of eigenvalues of the n×n Jacobi matrix below λ (negative pivots of its LDLᵀ shifted by λ).</summary>
    private static int EigenvaluesBelow(int n, double lambda)
    {
        int count = 0;
        double pivot = -lambda;
        if (pivot < 0) count++;
        for (int k = 1; k < n; k++)
        {
            if (pivot == 0) pivot = 1e-300;
            pivot = -lambda - k / pivot;
            if (pivot < 0) count++;
        }
        return count;
    }

    /// <summary>ĥe_n(z) and ĥe_{n−1}(z) for the orthonormal probabilists' Hermite polynomials ĥe_k = He_k/√k!.</summary>
    private static void Orthonormal(int n, double z, out double last, out double beforeLast)
    {
        double previous = 0, current = 1;
        for (int k = 0; k < n; k++)
        {
            double next = (z * current - Math.Sqrt(k) * previous) / Math.Sqrt(k + 1);
            previous = current;
            current = next;
        }
        last = current;
        beforeLast = previous;
    }
}
