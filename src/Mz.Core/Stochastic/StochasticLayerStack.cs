using System;
using System.Collections.Generic;

namespace Mz.Core.Stochastic;

/// <summary>
/// The layer view that the stochastic analyses need: input width, hidden layer maps H_0..H_{L−1} and the readout
/// (1.1). Deliberately minimal and self-contained; it carries no noise (see <see cref="LayerNoise"/>).
/// </summary>
public sealed class StochasticLayerStack
{
    public StochasticLayerStack(int inputWidth, IReadOnlyList<StochasticLayer> layers, StochasticReadout readout)
    {
        int width = inputWidth;
        for (int n = 0; n < layers.Count; n++)
        {
            if (layers[n].Inputs != width) throw new ArgumentException($"layer {n} takes {layers[n].Inputs} values but layer {n - 1} produces {width}");
            width = layers[n].Outputs;
        }
        if (readout.Inputs != width) throw new ArgumentException($"the readout takes {readout.Inputs} values but the last layer produces {width}");
        InputWidth = inputWidth;
        Layers = layers;
        Readout = readout;
    }

    public int InputWidth { get; }
    public IReadOnlyList<StochasticLayer> Layers { get; }
    public StochasticReadout Readout { get; }

    /// <summary>L, the number of hidden layer maps (and of noise injections).</summary>
    public int Depth => Layers.Count;

    /// <summary>N_n, the width of state X_n (n = 0..L).</summary>
    public int Width(int n) => n == 0 ? InputWidth : Layers[n - 1].Outputs;

    public int MaxWidth
    {
        get
        {
            int max = InputWidth;
            foreach (var layer in Layers) max = Math.Max(max, layer.Outputs);
            return max;
        }
    }

    /// <summary>The noise-free network output for one input.</summary>
    public double[] Evaluate(double[] input)
    {
        var state = (double[])input.Clone();
        foreach (var layer in Layers) state = layer.Apply(state);
        var y = new double[Readout.Outputs];
        Readout.Apply(state, 0, y, 0);
        return y;
    }
}
