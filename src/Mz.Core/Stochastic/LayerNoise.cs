using System;
using System.Collections.Generic;

namespace Mz.Core.Stochastic;

/// <summary>
/// The noise levels β_n of (1.1): ξ_n ~ N(0, β_n² I) is added after hidden layer n (never after the readout).
/// </summary>
public sealed class LayerNoise
{
    public LayerNoise(IReadOnlyList<double> levels)
    {
        var copy = new double[levels.Count];
        for (int n = 0; n < copy.Length; n++)
        {
            if (!(levels[n] >= 0) || double.IsInfinity(levels[n])) throw new ArgumentOutOfRangeException(nameof(levels), $"noise level {n} is {levels[n]}; it must be finite and ≥ 0");
            copy[n] = levels[n];
        }
        Levels = copy;
    }

    /// <summary>β_n per hidden layer.</summary>
    public IReadOnlyList<double> Levels { get; }

    public int Depth => Levels.Count;

    public double this[int layer] => Levels[layer];

    public static LayerNoise Uniform(double level, int depth)
    {
        var levels = new double[depth];
        for (int n = 0; n < depth; n++) levels[n] = level;
        return new LayerNoise(levels);
    }

    public void CheckMatches(StochasticLayerStack stack)
    {
        if (Depth != stack.Depth) throw new ArgumentException($"{Depth} noise levels given for a network with {stack.Depth} hidden layers");
    }
}
