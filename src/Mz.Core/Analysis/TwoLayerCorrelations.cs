using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Analysis;

/// <summary>
/// The two-layer correlations C_{a,b} = E[z_a z_bᵀ] (r_a × r_b) for layers a, b = 0..L, and the Gram matrices
/// G_n = C_{n,n} (MZ.md §0, §2.4). Two indices, never a lag: the network is non-autonomous (§7.1 item 3).
/// The coordinates must be centred, or carry a constant observable.
/// </summary>
public sealed class TwoLayerCorrelations
{
    private readonly Func<int, int, Matrix<double>> _source;
    private readonly Dictionary<long, Matrix<double>> _cache = new();

    private TwoLayerCorrelations(int[] ranks, Func<int, int, Matrix<double>> source)
    {
        Ranks = ranks;
        _source = source;
    }

    /// <summary>r_n for n = 0..L.</summary>
    public int[] Ranks { get; }

    public int LayerCount => Ranks.Length;

    public Matrix<double> this[int a, int b]
    {
        get
        {
            long key = (long)a * LayerCount + b;
            if (!_cache.TryGetValue(key, out var value))
            {
                value = _source(a, b);
                if (value.RowCount != Ranks[a] || value.ColumnCount != Ranks[b])
                    throw new InvalidOperationException($"C[{a},{b}] is {value.RowCount}×{value.ColumnCount}, expected {Ranks[a]}×{Ranks[b]}");
                _cache[key] = value;
            }
            return value;
        }
    }

    public Matrix<double> Gram(int n) => this[n, n];

    /// <summary>Empirical correlations (1/S) Σ_s z_a^(s) z_b^(s)ᵀ from per-layer coordinates (samples as rows).</summary>
    public static TwoLayerCorrelations FromCoordinates(IReadOnlyList<Matrix<double>> coordinates)
    {
        int samples = coordinates[0].RowCount;
        if (coordinates.Any(z => z.RowCount != samples)) throw new ArgumentException("every layer needs the same samples");
        var ranks = coordinates.Select(z => z.ColumnCount).ToArray();
        var offsets = new int[ranks.Length];
        for (int n = 1; n < ranks.Length; n++) offsets[n] = offsets[n - 1] + ranks[n - 1];
        int total = offsets[ranks.Length - 1] + ranks[ranks.Length - 1];
        var stacked = Matrix<double>.Build.Dense(samples, total);
        for (int n = 0; n < ranks.Length; n++) stacked.SetSubMatrix(0, offsets[n], coordinates[n]);
        // One product for all pairs: every block is summed over samples in the same fixed order.
        var all = DenseKernels.TransposeThisAndMultiply(stacked, stacked);
        all.Multiply(1.0 / samples, all);
        return new TwoLayerCorrelations(ranks, (a, b) => all.SubMatrix(offsets[a], ranks[a], offsets[b], ranks[b]));
    }

    /// <summary>Correlations given by a function, e.g. exact population covariances in tests and in theory checks.</summary>
    public static TwoLayerCorrelations FromFunction(int[] ranks, Func<int, int, Matrix<double>> correlation) => new(ranks, correlation);
}
