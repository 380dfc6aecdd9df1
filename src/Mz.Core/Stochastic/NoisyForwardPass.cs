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
    /// Outputs of <paramref name="count"/> independent passes from the same input, batched layer by layer: the
    /// batch is held unit-major (value i of sample s at [i·count + s]), so every affine map is a sequence of
    /// contiguous multiply-adds over the samples, which run as SIMD vectors where the target has them. Each
    /// element sees the same operations in the same order as <see cref="StochasticLayer.Apply(double[], int, double[], int)"/>
    /// (no fused multiply-add), and the draws are consumed in the same order as one pass after another
    /// (layer n: sample by sample, unit by unit), so the result does not depend on the batching. Writes count ×
    /// outputs values, sample-major, into <paramref name="outputs"/>.
    /// </summary>
    public void RunBatch(double[] input, int count, GaussianNoiseSource source, double[] outputs)
    {
        if (input.Length != _stack.InputWidth) throw new ArgumentException($"the network takes {_stack.InputWidth} inputs, got {input.Length}");
        var readout = _stack.Readout;
        if (outputs.Length < count * readout.Outputs) throw new ArgumentException($"{count} samples need {count * readout.Outputs} output values, got {outputs.Length}");
        int width = _stack.MaxWidth;
        var current = new double[count * width];
        var next = new double[count * width];
        var sums = new double[count];
        for (int i = 0; i < input.Length; i++)
            for (int s = 0; s < count; s++) current[i * count + s] = input[i];
        for (int n = 0; n < _stack.Depth; n++)
        {
            var layer = _stack.Layers[n];
            double step = layer.ResidualStep ?? 0;
            for (int i = 0; i < layer.Outputs; i++)
            {
                AffineOverSamples(layer.Weights, layer.Bias[i], i * layer.Inputs, layer.Inputs, current, sums, count);
                int row = i * count;
                for (int s = 0; s < count; s++)
                {
                    double activated = LayerActivations.Apply(layer.Activation, sums[s]);
                    next[row + s] = layer.IsResidual ? current[row + s] + step * activated : activated;
                }
            }
            double level = _noise[n];
            if (level != 0)
                for (int s = 0; s < count; s++)
                    for (int i = 0; i < layer.Outputs; i++) next[i * count + s] += level * source.NextStandardNormal();
            (current, next) = (next, current);
        }
        for (int o = 0; o < readout.Outputs; o++)
        {
            AffineOverSamples(readout.Weights, readout.Bias[o], o * readout.Inputs, readout.Inputs, current, sums, count);
            for (int s = 0; s < count; s++) outputs[s * readout.Outputs + o] = LayerActivations.Apply(readout.OutputActivation, sums[s]);
        }
    }

    /// <summary>sums[s] = bias + Σ_j weights[row + j]·state[j·count + s], accumulated in j order like the one-pass code.</summary>
    private static void AffineOverSamples(double[] weights, double bias, int row, int inputs, double[] state, double[] sums, int count)
    {
        for (int s = 0; s < count; s++) sums[s] = bias;
        for (int j = 0; j < inputs; j++)
        {
            double w = weights[row + j];
            int offset = j * count;
            int s = 0;
#if NET8_0_OR_GREATER
            // Separate multiply and add per lane: bit-identical to the scalar loop below.
            int lanes = System.Numerics.Vector<double>.Count;
            var weight = new System.Numerics.Vector<double>(w);
            for (; s <= count - lanes; s += lanes)
            {
                var x = new System.Numerics.Vector<double>(state, offset + s);
                var sum = new System.Numerics.Vector<double>(sums, s);
                (sum + weight * x).CopyTo(sums, s);
            }
#endif
            for (; s < count; s++) sums[s] += w * state[offset + s];
        }
    }
}
