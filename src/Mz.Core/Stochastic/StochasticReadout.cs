using System;

namespace Mz.Core.Stochastic;

/// <summary>
/// The readout y = φ(W_out X_L + b_out) of (1.1), with an optional output nonlinearity φ (a sigmoid for a
/// binary classifier, the identity for logits or regression). No noise is added here.
/// </summary>
public sealed class StochasticReadout
{
    public StochasticReadout(double[] weights, double[] bias, int inputs, LayerActivation outputActivation)
    {
        if (inputs <= 0 || weights.Length != bias.Length * inputs)
            throw new ArgumentException($"readout weights hold {weights.Length} values, expected {bias.Length}×{inputs}");
        Weights = weights;
        Bias = bias;
        Inputs = inputs;
        OutputActivation = outputActivation;
    }

    public double[] Weights { get; }
    public double[] Bias { get; }
    public int Inputs { get; }
    public int Outputs => Bias.Length;
    public LayerActivation OutputActivation { get; }

    /// <summary>Writes y for the state at x[xOffset..] into result[resultOffset..].</summary>
    public void Apply(double[] x, int xOffset, double[] result, int resultOffset)
    {
        for (int i = 0; i < Outputs; i++)
        {
            double a = Bias[i];
            for (int j = 0; j < Inputs; j++) a += Weights[i * Inputs + j] * x[xOffset + j];
            result[resultOffset + i] = LayerActivations.Apply(OutputActivation, a);
        }
    }

    /// <summary>Output <paramref name="output"/> for one state (the scalar quantity of interest q(X_L)).</summary>
    public double Evaluate(double[] x, int xOffset, int output)
    {
        double a = Bias[output];
        for (int j = 0; j < Inputs; j++) a += Weights[output * Inputs + j] * x[xOffset + j];
        return LayerActivations.Apply(OutputActivation, a);
    }
}
