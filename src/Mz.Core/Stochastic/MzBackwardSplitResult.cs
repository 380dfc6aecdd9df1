namespace Mz.Core.Stochastic;

/// <summary>
/// The three terms of the backward MZ identity (1.6) at one layer n, as functions on that layer's grid, with their
/// L²(μ_n) norms: P_n q_n = streaming + Σ_k memory_k + noise.
/// </summary>
public sealed class MzBackwardSplitResult
{
    public MzBackwardSplitResult(int layer, double[] resolved, double[] streaming, double[][] memory, double[] noise, double[] memoryNorms, double noiseNorm, double resolvedNorm, double identityResidual)
    {
        Layer = layer;
        Resolved = resolved;
        Streaming = streaming;
        Memory = memory;
        Noise = noise;
        MemoryNorms = memoryNorms;
        NoiseNorm = noiseNorm;
        ResolvedNorm = resolvedNorm;
        IdentityResidual = identityResidual;
    }

    public int Layer { get; }

    /// <summary>P_n q_n, computed directly from the backward sweep.</summary>
    public double[] Resolved { get; }

    /// <summary>P_n ℳ_n P_{n+1} q_{n+1} (the Markov term).</summary>
    public double[] Streaming { get; }

    /// <summary>Memory[k − 1] = P_n ℳ_n (Qℳ)_{n+1→j−1} P_j q_j with lag k = j − n − 1 = 1..L−n−1.</summary>
    public double[][] Memory { get; }

    /// <summary>P_n ℳ_n (Qℳ)_{n+1→L−1} Q_L q (zero when the quantity of interest is resolved at the output).</summary>
    public double[] Noise { get; }

    /// <summary>‖·‖_{L²(μ_n)} per lag: index 0 is the streaming term, index k ≥ 1 the memory term of lag k.</summary>
    public double[] MemoryNorms { get; }

    public double NoiseNorm { get; }

    /// <summary>‖P_n q_n‖_{L²(μ_n)}, the scale to read the other norms against.</summary>
    public double ResolvedNorm { get; }

    /// <summary>‖streaming + Σ memory + noise − P_n q_n‖_{L²(μ_n)}: round-off if the identity holds.</summary>
    public double IdentityResidual { get; }
}
