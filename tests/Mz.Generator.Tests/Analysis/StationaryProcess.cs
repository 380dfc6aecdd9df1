using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;

namespace Mz.Tests.Analysis;

/// <summary>
/// A stationary AR(1) process x_{t+1} = A x_t + ξ_t, ξ ~ N(0, I), in 6 dimensions with 2 coordinates observed.
/// Population covariances are exact: Σ = A Σ Aᵀ + I by fixed-point iteration, C(k) = Ψᵀ A^k Σ Ψ.
/// </summary>
internal sealed class StationaryProcess
{
    public const int Dimension = 6, Observed = 2;

    private StationaryProcess(Matrix<double> transition, Matrix<double> covariance)
    {
        Transition = transition;
        Covariance = covariance;
        Restrict = Matrix<double>.Build.Dense(Dimension, Observed, (i, j) => i == j ? 1 : 0);
    }

    public Matrix<double> Transition { get; }
    public Matrix<double> Covariance { get; }
    public Matrix<double> Restrict { get; }

    public static StationaryProcess Create(ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var a = SyntheticNetworks.Gaussian(Dimension, Dimension, 1, random);
        a *= 0.8 / a.Evd().EigenValues.Select(c => c.Magnitude).Max();
        var sigma = Matrix<double>.Build.DenseIdentity(Dimension);
        for (int i = 0; i < 2000; i++) sigma = a * sigma * a.Transpose() + Matrix<double>.Build.DenseIdentity(Dimension);
        return new StationaryProcess(a, (sigma + sigma.Transpose()) / 2);
    }

    /// <summary>C(k) = E[z_{t+k} z_tᵀ] = Ψᵀ A^k Σ Ψ.</summary>
    public Matrix<double> LagCovariance(int k) => Restrict.Transpose() * Transition.Power(k) * Covariance * Restrict;

    /// <summary>Two-layer correlations C_{a,b} of the stationary chain: C(a − b), or C(b − a)ᵀ.</summary>
    public TwoLayerCorrelations Correlations(int layers) =>
        TwoLayerCorrelations.FromFunction(Enumerable.Repeat(Observed, layers + 1).ToArray(), (a, b) => a >= b ? LagCovariance(a - b) : LagCovariance(b - a).Transpose());

    /// <summary>The lag-only recursion of Lin et al.: Ω^(0) = C(1)C(0)^{-1}, Ω^(k) = [C(k+1) − Σ_{l&lt;k} Ω^(l) C(k−l)] C(0)^{-1}.</summary>
    public Matrix<double>[] LagOnlyKernels(int count)
    {
        var inverse = LagCovariance(0).Inverse();
        var kernels = new Matrix<double>[count];
        for (int k = 0; k < count; k++)
        {
            var residual = LagCovariance(k + 1);
            for (int l = 0; l < k; l++) residual -= kernels[l] * LagCovariance(k - l);
            kernels[k] = residual * inverse;
        }
        return kernels;
    }

    /// <summary>S trajectories x_0..x_L with x_0 from the invariant law, through the layer maps with noise β = 1.</summary>
    public IReadOnlyList<Matrix<double>> Sample(int samples, int layers, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var root = Covariance.Cholesky().Factor;
        var x0 = SyntheticNetworks.Gaussian(samples, Dimension, 1, random) * root.Transpose();
        var map = new LayerMap(LayerMapKind.Dense, Transition, Vector<double>.Build.Dense(Dimension), Activation.Identity);
        var view = new LayerView(Dimension, null, Enumerable.Repeat(map, layers).ToArray(),
            new AffineMap(Matrix<double>.Build.DenseIdentity(Dimension), Vector<double>.Build.Dense(Dimension)));
        return CalibrationRunner.SimulateStates(view, x0, Enumerable.Repeat(1.0, layers).ToArray(), seed + 1, out _);
    }
}
