using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Analysis;

/// <summary>
/// The Mori–Zwanzig decomposition of one calibrated trajectory set: per-layer bases, resolved coordinates
/// z_n = Ψ_nᵀ(x_n − m_n), two-layer correlations and the full-memory kernels of (1.8). Everything is an empirical
/// average over the given samples, so the identities of MZ.md §2–§3 hold exactly for it.
/// </summary>
public sealed class MzDecomposition
{
    private MzDecomposition(IReadOnlyList<LayerBasis> bases, IReadOnlyList<Matrix<double>> coordinates, TwoLayerCorrelations correlations, MemoryKernels kernels)
    {
        Bases = bases;
        Coordinates = coordinates;
        Correlations = correlations;
        Kernels = kernels;
    }

    public IReadOnlyList<LayerBasis> Bases { get; }

    /// <summary>z_n for n = 0..L (samples as rows).</summary>
    public IReadOnlyList<Matrix<double>> Coordinates { get; }

    public TwoLayerCorrelations Correlations { get; }
    public MemoryKernels Kernels { get; }
    public int Depth => Coordinates.Count - 1;
    public int SampleCount => Coordinates[0].RowCount;

    /// <param name="states">Layer states x_0..x_L, samples as rows.</param>
    /// <param name="bases">One basis per layer state.</param>
    /// <param name="relativeRidge">Ridge of the Gram inverses in (1.8); 0 for the exact identities.</param>
    public static MzDecomposition Build(IReadOnlyList<Matrix<double>> states, IReadOnlyList<LayerBasis> bases, double relativeRidge = 0)
    {
        if (states.Count != bases.Count) throw new ArgumentException("one basis per layer state is needed");
        var coordinates = states.Select((x, n) => bases[n].Coordinates(x)).ToArray();
        var correlations = TwoLayerCorrelations.FromCoordinates(coordinates);
        return new MzDecomposition(bases, coordinates, correlations, MemoryKernels.Identify(correlations, int.MaxValue, relativeRidge));
    }

    /// <summary>Noise-term ratio ‖η_{n+1}‖ / ‖z_{n+1}‖ (RMS over samples) on the decomposed trajectories.</summary>
    public double NoiseRatio(int n)
    {
        double z = DenseKernels.FrobeniusNorm(Coordinates[n + 1]);
        return z > 0 ? DenseKernels.FrobeniusNorm(Kernels.NoiseTerm(n, Coordinates)) / z : 0;
    }

    /// <summary>Noise-free full-memory rollout from the layer-0 coordinates of other samples (e.g. validation).</summary>
    public IReadOnlyList<Matrix<double>> Rollout(Matrix<double> initialStates) => Kernels.Rollout(Bases[0].Coordinates(initialStates));
}
