using System;

namespace Mz.Core.Stochastic;

/// <summary>
/// One hidden layer map H_n of (1.1): MLP, H(x) = σ(Wx + b), or residual, H(x) = x + Δ·σ(Wx + b). Weights are
/// row-major (Outputs × Inputs) in float64.
/// </summary>
public sealed class StochasticLayer
{
    public StochasticLayer(double[] weights, double[] bias, int inputs, LayerActivation activation, double? residualStep)
    {
        if (inputs <= 0) throw new ArgumentOutOfRangeException(nameof(inputs));
        if (weights.Length % inputs != 0 || weights.Length / inputs != bias.Length)
            throw new ArgumentException($"weights hold {weights.Length} values, expected {bias.Length}×{inputs}");
        if (residualStep != null && bias.Length != inputs)
            throw new ArgumentException($"a residual layer must keep its width ({inputs} in, {bias.Length} out)");
        Weights = weights;
        Bias = bias;
        Inputs = inputs;
        Activation = activation;
        ResidualStep = residualStep;
    }

    public double[] Weights { get; }
    public double[] Bias { get; }
    public int Inputs { get; }
    public int Outputs => Bias.Length;
    public LayerActivation Activation { get; }

    /// <summary>Δ_n for a residual block; null for a plain MLP layer.</summary>
    public double? ResidualStep { get; }

    public bool IsResidual => ResidualStep != null;

    public double Weight(int row, int column) => Weights[row * Inputs + column];

    /// <summary>Writes H(x) to <paramref name="result"/> (length Outputs); x and result must not overlap.</summary>
    public void Apply(double[] x, int xOffset, double[] result, int resultOffset)
    {
        double step = ResidualStep ?? 0;
        for (int i = 0; i < Outputs; i++)
        {
            double a = Bias[i];
            int row = i * Inputs;
            for (int j = 0; j < Inputs; j++) a += Weights[row + j] * x[xOffset + j];
            double s = LayerActivations.Apply(Activation, a);
            result[resultOffset + i] = ResidualStep == null ? s : x[xOffset + i] + step * s;
        }
    }

    public double[] Apply(double[] x)
    {
        if (x.Length != Inputs) throw new ArgumentException($"the layer takes {Inputs} values, got {x.Length}");
        var result = new double[Outputs];
        Apply(x, 0, result, 0);
        return result;
    }
}
