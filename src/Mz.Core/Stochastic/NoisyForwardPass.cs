using System;

namespace Mz.Core.Stochastic;

/// <summary>
/// The noisy network (1.1): X_{n+1} = H_n(X_n) + β_n ξ_n with standard-normal ξ_n, then y = readout(X_L).
/// Noise comes either from explicit draws (to replay stored trajectories) or from a seeded source.
/// </summary>
public sealed class NoisyForwardPass
{
    private readonly StochasticLayerStack _stack;
    private readonly LayerNoise _noise;

    public NoisyForwardPass(StochasticLayerStack stack, LayerNoise noise)
    {
        noise.CheckMatches(stack);
        _stack = stack;
        _noise = noise;
    }

    public StochasticLayerStack Stack => _stack;
    public LayerNoise Noise => _noise;

    /// <summary>
    /// One pass with explicit standard-normal draws: <paramref name="draws"/>[n] holds ξ_n (width N_{n+1}),
    /// scaled here by β_n. Returns the states X_0..X_L (index n) and the output.
    /// </summary>
    public (double[][] States, double[] Output) Run(double[] input, double[][] draws)
    {
        if (input.Length != _stack.InputWidth) throw new ArgumentException($"the network takes {_stack.InputWidth} inputs, got {input.Length}");
        if (draws.Length != _stack.Depth) throw new ArgumentException($"{draws.Length} noise vectors given for {_stack.Depth} layers");
        var states = new double[_stack.Depth + 1][];
        states[0] = (double[])input.Clone();
        for (int n = 0; n < _stack.Depth; n++)
        {
            var layer = _stack.Layers[n];
            if (draws[n].Length != layer.Outputs) throw new ArgumentException($"noise vector {n} has {draws[n].Length} values, layer {n} has {layer.Outputs} outputs");
            var next = new double[layer.Outputs];
            layer.Apply(states[n], 0, next, 0);
            double level = _noise[n];
            for (int i = 0; i < next.Length; i++) next[i] += level * draws[n][i];
            states[n + 1] = next;
        }
        var output = new double[_stack.Readout.Outputs];
        _stack.Readout.Apply(states[_stack.Depth], 0, output, 0);
        return (states, output);
    }

    /// <summary>
    /// Replays one pass in float32 arithmetic, rounding after every operation in the order a float32 framework
    /// evaluates these layers (products of a row summed left to right, bias added last; x + Δ·σ(a), then + β·ξ),
    /// with σ computed in float64 and rounded. Stored float32 trajectories are reproduced to the last bit or so;
    /// the float64 <see cref="Run(double[], double[][])"/> differs from them by the float32 rounding they carry.
    /// </summary>
    public float[] RunSinglePrecision(float[] input, float[][] draws)
    {
        if (input.Length != _stack.InputWidth) throw new ArgumentException($"the network takes {_stack.InputWidth} inputs, got {input.Length}");
        if (draws.Length != _stack.Depth) throw new ArgumentException($"{draws.Length} noise vectors given for {_stack.Depth} layers");
        var state = (float[])input.Clone();
        for (int n = 0; n < _stack.Depth; n++)
        {
            var layer = _stack.Layers[n];
            var next = new float[layer.Outputs];
            float level = (float)_noise[n], step = (float)(layer.ResidualStep ?? 0);
            for (int i = 0; i < layer.Outputs; i++)
            {
                float a = SingleAffine(layer.Weights, layer.Bias, layer.Inputs, i, state);
                float activated = (float)LayerActivations.Apply(layer.Activation, a);
                float value = layer.IsResidual ? state[i] + step * activated : activated;
                next[i] = value + level * draws[n][i];
            }
            state = next;
        }
        var readout = _stack.Readout;
        var output = new float[readout.Outputs];
        for (int i = 0; i < output.Length; i++)
        {
            float a = SingleAffine(readout.Weights, readout.Bias, readout.Inputs, i, state);
            output[i] = (float)LayerActivations.Apply(readout.OutputActivation, a);
        }
        return output;
    }

    private static float SingleAffine(double[] weights, double[] bias, int inputs, int row, float[] x)
    {
        float sum = 0;
        for (int j = 0; j < inputs; j++)
        {
            float product = (float)weights[row * inputs + j] * x[j];
            sum = j == 0 ? product : sum + product;
        }
        return sum + (float)bias[row];
    }

    /// <summary>One pass with draws from <paramref name="source"/>; layer n consumes N_{n+1} draws, in order.</summary>
    public (double[][] States, double[] Output) Run(double[] input, GaussianNoiseSource source)
    {
        var draws = new double[_stack.Depth][];
        for (int n = 0; n < draws.Length; n++)
        {
            draws[n] = new double[_stack.Layers[n].Outputs];
            source.Fill(draws[n], 0, draws[n].Length);
        }
        return Run(input, draws);
    }

    /// <summary>
    /// Final states of <paramref name="count"/> independent passes from the same input, batched: the states are
    /// stored sample-major in one array (count × N_L) so the per-layer loops stay allocation-free.
    /// </summary>
    public double[] RunBatch(double[] input, int count, GaussianNoiseSource source)
    {
        int width = _stack.MaxWidth;
        var current = new double[count * width];
        var next = new double[count * width];
        for (int s = 0; s < count; s++) Array.Copy(input, 0, current, s * width, input.Length);
        for (int n = 0; n < _stack.Depth; n++)
        {
            var layer = _stack.Layers[n];
            double level = _noise[n];
            for (int s = 0; s < count; s++)
            {
                int offset = s * width;
                layer.Apply(current, offset, next, offset);
                if (level != 0)
                    for (int i = 0; i < layer.Outputs; i++) next[offset + i] += level * source.NextStandardNormal();
            }
            (current, next) = (next, current);
        }
        var result = new double[count * _stack.Width(_stack.Depth)];
        int final = _stack.Width(_stack.Depth);
        for (int s = 0; s < count; s++) Array.Copy(current, s * width, result, s * final, final);
        return result;
    }
}
