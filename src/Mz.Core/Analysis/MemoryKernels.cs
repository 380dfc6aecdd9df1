using System;
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Analysis;

/// <summary>
/// The layer-dependent memory kernels Ω_n^(k) of the forward generalized Langevin equation (MZ.md (1.7)),
/// identified in closed form from two-layer correlations by the stage-wise regression (1.8):
/// Ω_n^(0) = C_{n+1,n} G_n^{-1}, Ω_n^(k) = [C_{n+1,n−k} − Σ_{j&lt;k} Ω_n^(j) C_{n−j,n−k}] G_{n−k}^{-1}.
/// This is the non-stationary form; the lag-only recursion is wrong for networks (§7.1 item 3).
/// </summary>
public sealed class MemoryKernels
{
    private readonly Matrix<double>[][] _kernels;
    private readonly TwoLayerCorrelations _correlations;
    private readonly Dictionary<int, (Matrix<double> Root, Matrix<double> InverseRoot)> _roots = new();

    private MemoryKernels(Matrix<double>[][] kernels, TwoLayerCorrelations correlations, int maxLag, double relativeRidge)
    {
        _kernels = kernels;
        _correlations = correlations;
        MaxLag = maxLag;
        RelativeRidge = relativeRidge;
    }

    /// <summary>L: kernels exist for layer maps n = 0..L−1.</summary>
    public int Depth => _kernels.Length;

    /// <summary>Largest identified lag; lags up to min(n, MaxLag) exist for map n. Full memory when ≥ L − 1.</summary>
    public int MaxLag { get; }

    public double RelativeRidge { get; }

    public bool HasFullMemory => MaxLag >= Depth - 1;

    public TwoLayerCorrelations Correlations => _correlations;

    /// <summary>Number of lags identified for map n (k = 0..LagCount(n)−1).</summary>
    public int LagCount(int n) => _kernels[n].Length;

    /// <summary>Ω_n^(k), an (r_{n+1} × r_{n−k}) matrix.</summary>
    public Matrix<double> Kernel(int n, int k) => _kernels[n][k];

    /// <param name="correlations">Two-layer correlations of centred coordinates.</param>
    /// <param name="maxLag">Largest lag to identify (int.MaxValue for full memory).</param>
    /// <param name="relativeRidge">α_rel in G + α_rel·tr(G)/r·I; 0 for the exact identities.</param>
    public static MemoryKernels Identify(TwoLayerCorrelations correlations, int maxLag = int.MaxValue, double relativeRidge = 0)
    {
        int depth = correlations.LayerCount - 1;
        if (depth < 1) throw new ArgumentException("at least one layer map is needed");
        maxLag = Math.Min(maxLag, depth - 1);
        var kernels = new Matrix<double>[depth][];
        for (int n = 0; n < depth; n++)
        {
            int lags = Math.Min(n, maxLag) + 1;
            kernels[n] = new Matrix<double>[lags];
            for (int k = 0; k < lags; k++)
            {
                // Stage-k residual correlation with z_{n−k}: E[R_n^(k−1) z_{n−k}ᵀ] (the GFD form of (1.8)).
                var residual = correlations[n + 1, n - k].Clone();
                for (int j = 0; j < k; j++) residual -= kernels[n][j] * correlations[n - j, n - k];
                kernels[n][k] = SymmetricMatrices.SolveRight(residual, correlations.Gram(n - k), relativeRidge);
            }
        }
        return new MemoryKernels(kernels, correlations, maxLag, relativeRidge);
    }

    /// <summary>Whitened kernel Ω̃_n^(k) = G_{n+1}^{-1/2} Ω_n^(k) G_{n−k}^{1/2} (MZ.md §4).</summary>
    public Matrix<double> Whitened(int n, int k) => Roots(n + 1).InverseRoot * _kernels[n][k] * Roots(n - k).Root;

    /// <summary>‖Ω̃_n^(k)‖₂.</summary>
    public double WhitenedNorm(int n, int k) => SymmetricMatrices.SpectralNorm(Whitened(n, k));

    /// <summary>
    /// Stage-k remainders R_n^(k) = z_{n+1} − Σ_{j≤k} Ω_n^(j) z_{n−j} on a trajectory (samples as rows), k = 0..LagCount(n)−1.
    /// With full memory the last one is the noise term η_{n+1} (MZ.md (1.7)).
    /// </summary>
    public IReadOnlyList<Matrix<double>> Remainders(int n, IReadOnlyList<Matrix<double>> coordinates)
    {
        var result = new List<Matrix<double>>();
        var remainder = coordinates[n + 1].Clone();
        for (int k = 0; k < _kernels[n].Length; k++)
        {
            remainder = remainder.Clone();
            DenseKernels.SubtractTransposeProduct(remainder, coordinates[n - k], _kernels[n][k]);
            result.Add(remainder);
        }
        return result;
    }

    /// <summary>η_{n+1} = z_{n+1} − Σ_{k=0}^{n} Ω_n^(k) z_{n−k} on true trajectories; needs full memory.</summary>
    public Matrix<double> NoiseTerm(int n, IReadOnlyList<Matrix<double>> coordinates)
    {
        if (_kernels[n].Length != n + 1) throw new InvalidOperationException("the noise term needs full memory (identify with maxLag ≥ n)");
        // In place: the stage remainders are not needed here, and each would be a large-object allocation.
        var noise = coordinates[n + 1].Clone();
        for (int k = 0; k <= n; k++) DenseKernels.SubtractTransposeProduct(noise, coordinates[n - k], _kernels[n][k]);
        return noise;
    }

    /// <summary>
    /// Noise-free rollout ẑ_0 = z_0, ẑ_{n+1} = Σ_{k=0}^{min(n,K)} Ω_n^(k) ẑ_{n−k} (η dropped). With full memory this is
    /// the collapse of MZ.md §3: ẑ_m = C_{m,0} C_{0,0}^{-1} z_0.
    /// </summary>
    public IReadOnlyList<Matrix<double>> Rollout(Matrix<double> initial)
    {
        var states = new List<Matrix<double>> { initial };
        for (int n = 0; n < Depth; n++)
        {
            Matrix<double>? next = null;
            for (int k = 0; k < _kernels[n].Length; k++)
            {
                var term = DenseKernels.TransposeAndMultiply(states[n - k], _kernels[n][k]);
                next = next == null ? term : next + term;
            }
            states.Add(next!);
        }
        return states;
    }

    /// <summary>
    /// Backward MZ recursion with Q_L q = 0 (MZ.md (1.6), finite-rank form): c_n = Σ_{j=n+1}^{L} B_{n,j} c_j with the
    /// duality B_{m,j} = (Ω_{j−1}^{(j−1−m)})ᵀ. Given coefficients of q in g_L (columns: one per quantity), returns
    /// c_0..c_L; P_0 q_0 = c_0ᵀ g_0. Lags beyond MaxLag are dropped, as in the forward model.
    /// </summary>
    public IReadOnlyList<Matrix<double>> BackwardCoefficients(Matrix<double> outputCoefficients)
    {
        var coefficients = new Matrix<double>[Depth + 1];
        coefficients[Depth] = outputCoefficients;
        for (int m = Depth - 1; m >= 0; m--)
        {
            Matrix<double>? sum = null;
            for (int j = m + 1; j <= Depth; j++)
            {
                int lag = j - 1 - m;
                if (lag >= _kernels[j - 1].Length) continue;
                var term = BackwardMatrix(m, j) * coefficients[j];
                sum = sum == null ? term : sum + term;
            }
            coefficients[m] = sum!;
        }
        return coefficients;
    }

    /// <summary>B_{m,j} = (Ω_{j−1}^{(j−1−m)})ᵀ, the backward memory matrix of (1.6), 0 ≤ m &lt; j ≤ L.</summary>
    public Matrix<double> BackwardMatrix(int m, int j) => _kernels[j - 1][j - 1 - m].Transpose();

    private (Matrix<double> Root, Matrix<double> InverseRoot) Roots(int layer)
    {
        if (!_roots.TryGetValue(layer, out var roots))
        {
            var gram = SymmetricMatrices.Regularised(_correlations.Gram(layer), RelativeRidge);
            roots = (SymmetricMatrices.Power(gram, 0.5), SymmetricMatrices.Power(gram, -0.5));
            _roots[layer] = roots;
        }
        return roots;
    }
}
