using System;

namespace Mz.Core.Stochastic;

/// <summary>
/// Splits the backward propagation q_n = ℳ_n q_{n+1} (1.4) under per-layer Mori projections into the streaming,
/// memory and noise terms of the MZ identity (1.6), on the grids of a <see cref="GridOperatorPropagator"/>:
/// <code>
/// P_n q_n = P_n ℳ_n P_{n+1} q_{n+1} + Σ_{j=n+2}^{L} P_n ℳ_n (Qℳ)_{n+1→j−1} P_j q_j + P_n ℳ_n (Qℳ)_{n+1→L−1} Q_L q
/// </code>
/// The discrete operators are linear and the projections idempotent, so the identity holds to round-off for the
/// discretisation too; the memory norms per lag show how fast the orthogonal dynamics forget.
/// </summary>
public sealed class MzBackwardSplit
{
    private readonly GridOperatorPropagator _propagator;
    private readonly GridMoriProjection[] _projections;

    /// <param name="propagator">The discretised layer operators.</param>
    /// <param name="layerDensities">μ_n on every grid, n = 0..L (e.g. from <see cref="GridOperatorPropagator.Forward"/>).</param>
    /// <param name="degree">Total degree of the monomial dictionary of every projection (1: constants and linear functions).</param>
    public MzBackwardSplit(GridOperatorPropagator propagator, double[][] layerDensities, int degree = 1)
    {
        int depth = propagator.Stack.Depth;
        if (layerDensities.Length != depth + 1) throw new ArgumentException($"expected {depth + 1} layer densities, got {layerDensities.Length}");
        _propagator = propagator;
        _projections = new GridMoriProjection[depth + 1];
        for (int n = 0; n <= depth; n++) _projections[n] = new GridMoriProjection(propagator.Grids[n], layerDensities[n], degree);
    }

    public GridMoriProjection Projection(int layer) => _projections[layer];

    /// <summary>The split at layer <paramref name="layer"/> for the quantity of interest given by its values on the last grid.</summary>
    public MzBackwardSplitResult Compute(int layer, double[] finalValues)
    {
        int depth = _propagator.Stack.Depth;
        if (layer < 0 || layer >= depth) throw new ArgumentOutOfRangeException(nameof(layer), $"0 ≤ layer < {depth}");
        var q = _propagator.Backward(finalValues);
        var ops = _propagator.Operators;
        var pn = _projections[layer];

        // ℳ_n (Qℳ)_{n+1→j−1} v for v on grid j: apply Q_m ℳ_m for m = j−1 down to n+1, then ℳ_n.
        double[] Chain(double[] v, int j)
        {
            for (int m = j - 1; m > layer; m--) v = _projections[m].Complement(ops[m].Compose(v, _propagator.Options.MaxParallelism));
            return ops[layer].Compose(v, _propagator.Options.MaxParallelism);
        }

        var streaming = pn.Apply(Chain(_projections[layer + 1].Apply(q[layer + 1]), layer + 1));
        var memory = new double[depth - layer - 1][];
        for (int j = layer + 2; j <= depth; j++) memory[j - layer - 2] = pn.Apply(Chain(_projections[j].Apply(q[j]), j));
        var noise = pn.Apply(Chain(_projections[depth].Complement(q[depth]), depth));
        var resolved = pn.Apply(q[layer]);

        var norms = new double[memory.Length + 1];
        norms[0] = pn.Norm(streaming);
        for (int k = 0; k < memory.Length; k++) norms[k + 1] = pn.Norm(memory[k]);
        var difference = new double[resolved.Length];
        for (int i = 0; i < resolved.Length; i++)
        {
            double sum = streaming[i] + noise[i];
            foreach (var term in memory) sum += term[i];
            difference[i] = sum - resolved[i];
        }
        return new MzBackwardSplitResult(layer, resolved, streaming, memory, noise, norms, pn.Norm(noise), pn.Norm(resolved), pn.Norm(difference));
    }
}
