using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using Mz.Core.Stochastic;
using Mz.Kernels;

namespace Mz;

/// <summary>
/// The run-time half of a network declared with noise (<c>[MzNetwork("m.onnx", Noise = 0.05)]</c>): the layer stack
/// in float64 (written as literals at build time, or read from the embedded model for large ones), with Gaussian
/// noise N(0, β_n² I) after every hidden layer and none after the readout. The generated <c>PredictNoisy</c>, <c>Expectation</c> and <c>MomentClosure</c> members delegate here,
/// so the numerics are those of <see cref="MzStochastic"/>. Thread-safe: instances are immutable and scratch memory is
/// per thread.
/// </summary>
public sealed class MzNoisyNetwork
{
    [ThreadStatic] private static double[]? _scratch;

    private readonly StochasticLayerStack _stack;
    private readonly LayerNoise _noise;
    private readonly NoisyForwardPass _pass;
    // Cached: the stack computes it by enumerating its layers, which allocates an enumerator per call.
    private readonly int _maxWidth;

    internal MzNoisyNetwork(StochasticLayerStack stack, LayerNoise noise)
    {
        _stack = stack;
        _noise = noise;
        _pass = new NoisyForwardPass(stack, noise);
        int draws = 0;
        foreach (var layer in stack.Layers) draws += layer.Outputs;
        NoiseDrawCount = draws;
        _maxWidth = stack.MaxWidth;
    }

    /// <summary>Starts describing a network whose rows have <paramref name="inputSize"/> values (generated code calls this once).</summary>
    public static MzNoisyNetworkBuilder Builder(int inputSize) => new(inputSize);

    /// <summary>
    /// The network of an ONNX model embedded as a manifest resource (models above MzInlineWeightsMaxBytes): checks the
    /// resource's length and SHA-256 against the build's, reads the layer stack with the reader the build used and
    /// adds <paramref name="noiseLevels"/> (one per hidden layer).
    /// </summary>
    /// <exception cref="InvalidDataException">The resource is missing or differs from the model the code was generated from.</exception>
    public static MzNoisyNetwork FromModelResource(Assembly assembly, string resourceName, int modelLength, string modelSha256, double[] noiseLevels)
    {
        var stack = MzStochastic.ReadStack(MzWeightResource.Load(assembly, resourceName, modelLength, modelSha256));
        var noise = new LayerNoise(noiseLevels);
        noise.CheckMatches(stack);
        return new MzNoisyNetwork(stack, noise);
    }

    /// <summary>Values per input row.</summary>
    public int InputSize => _stack.InputWidth;

    /// <summary>Values per output row.</summary>
    public int OutputSize => _stack.Readout.Outputs;

    /// <summary>Hidden layers, each followed by a noise injection.</summary>
    public int Depth => _stack.Depth;

    /// <summary>Standard-normal draws one noisy pass consumes: the output widths of the hidden layers, summed.</summary>
    public int NoiseDrawCount { get; }

    /// <summary>β_n, the noise standard deviation after hidden layer n.</summary>
    public IReadOnlyList<double> NoiseLevels => _noise.Levels;

    /// <summary>The same network as an <see cref="MzStochastic"/>, for grid operators, densities and the MZ split.</summary>
    public MzStochastic ToStochastic() => MzStochastic.FromLayerStack(_stack, _noise);

    /// <summary>
    /// One noisy pass with explicit standard-normal draws, in float64: <paramref name="noiseDraws"/> holds ξ_0, ξ_1, …
    /// one after another (N_1 values for hidden layer 0, then N_2, …), each scaled here by its layer's β_n. Replaying
    /// stored draws reproduces stored trajectories. Allocation-free after the first call on a thread.
    /// </summary>
    public void NoisyForward(ReadOnlySpan<double> input, ReadOnlySpan<double> noiseDraws, Span<double> output)
    {
        CheckLengths(input.Length, output.Length);
        CheckDraws(noiseDraws.Length);
        var buffer = Scratch();
        input.CopyTo(buffer);
        noiseDraws.CopyTo(buffer.AsSpan(DrawsOffset));
        Run(buffer);
        buffer.AsSpan(ResultOffset, OutputSize).CopyTo(output);
    }

    /// <summary><see cref="NoisyForward(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/> for float32 rows: computed in float64, the output rounded once.</summary>
    public void NoisyForward(ReadOnlySpan<float> input, ReadOnlySpan<float> noiseDraws, Span<float> output)
    {
        CheckLengths(input.Length, output.Length);
        CheckDraws(noiseDraws.Length);
        var buffer = Scratch();
        for (int i = 0; i < input.Length; i++) buffer[i] = input[i];
        for (int i = 0; i < noiseDraws.Length; i++) buffer[DrawsOffset + i] = noiseDraws[i];
        Run(buffer);
        for (int i = 0; i < output.Length; i++) output[i] = (float)buffer[ResultOffset + i];
    }

    /// <summary>One noisy pass with draws from <paramref name="random"/> (polar Box–Muller over <see cref="Random.NextDouble"/>).</summary>
    public void NoisyForward(ReadOnlySpan<double> input, Span<double> output, Random random)
    {
        if (random == null) throw new ArgumentNullException(nameof(random));
        CheckLengths(input.Length, output.Length);
        var buffer = Scratch();
        input.CopyTo(buffer);
        FillStandardNormal(random, buffer.AsSpan(DrawsOffset, NoiseDrawCount));
        Run(buffer);
        buffer.AsSpan(ResultOffset, OutputSize).CopyTo(output);
    }

    /// <summary><see cref="NoisyForward(ReadOnlySpan{double}, Span{double}, Random)"/> for float32 rows.</summary>
    public void NoisyForward(ReadOnlySpan<float> input, Span<float> output, Random random)
    {
        if (random == null) throw new ArgumentNullException(nameof(random));
        CheckLengths(input.Length, output.Length);
        var buffer = Scratch();
        for (int i = 0; i < input.Length; i++) buffer[i] = input[i];
        FillStandardNormal(random, buffer.AsSpan(DrawsOffset, NoiseDrawCount));
        Run(buffer);
        for (int i = 0; i < output.Length; i++) output[i] = (float)buffer[ResultOffset + i];
    }

    /// <summary>
    /// Monte Carlo E[y|x] and Var[y|x] from <paramref name="samples"/> noisy passes, run in batches of
    /// <see cref="MonteCarloEstimator.BatchSize"/> with the layers vectorised over the batch. The result depends only
    /// on the input, <paramref name="seed"/> and the sample count (never on <paramref name="maxThreads"/>) and equals
    /// <see cref="MzStochastic.Expectation"/> for the same seed. The standard error of the mean is √(variance/samples).
    /// </summary>
    public void Expectation(ReadOnlySpan<double> input, Span<double> mean, Span<double> variance, long samples, ulong seed = 0, int maxThreads = 1)
    {
        if (maxThreads == 0 || maxThreads < -1)
            throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "maxThreads must be at least 1, or -1 for one thread per processor.");
        CheckLengths(input.Length, mean.Length, variance.Length);
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), samples, "at least 2 samples are needed for a variance");
        var estimate = new MonteCarloEstimator(_pass).Estimate(input.ToArray(), samples, seed, maxThreads);
        estimate.Mean.AsSpan().CopyTo(mean);
        estimate.Variance.AsSpan().CopyTo(variance);
    }

    /// <summary><see cref="Expectation(ReadOnlySpan{double}, Span{double}, Span{double}, long, ulong, int)"/> for a float32 row.</summary>
    public void Expectation(ReadOnlySpan<float> input, Span<double> mean, Span<double> variance, long samples, ulong seed = 0, int maxThreads = 1) =>
        Expectation(Widen(input), mean, variance, samples, seed, maxThreads);

    /// <summary>
    /// Gaussian moment closure of E[y|x] and Var[y|x] (MZ.md §5.10): deterministic and cheap (a few passes' worth of
    /// work), exact for linear-Gaussian networks, biased where the state law is far from Gaussian (near a decision
    /// boundary); validate it with <see cref="Expectation(ReadOnlySpan{double}, Span{double}, Span{double}, long, ulong, int)"/>.
    /// </summary>
    public void MomentClosure(ReadOnlySpan<double> input, Span<double> mean, Span<double> variance, bool fullCovariance = true)
    {
        CheckLengths(input.Length, mean.Length, variance.Length);
        var closure = new GaussianMomentClosure(_stack, _noise, fullCovariance ? CovarianceMode.Full : CovarianceMode.Diagonal);
        var result = closure.Propagate(input.ToArray());
        result.OutputMean.AsSpan().CopyTo(mean);
        result.OutputVariance.AsSpan().CopyTo(variance);
    }

    /// <summary><see cref="MomentClosure(ReadOnlySpan{double}, Span{double}, Span{double}, bool)"/> for a float32 row.</summary>
    public void MomentClosure(ReadOnlySpan<float> input, Span<double> mean, Span<double> variance, bool fullCovariance = true) =>
        MomentClosure(Widen(input), mean, variance, fullCovariance);

    /// <summary>Fills <paramref name="destination"/> with N(0, 1) draws by the polar Box–Muller method.</summary>
    public static void FillStandardNormal(Random random, Span<double> destination)
    {
        if (random == null) throw new ArgumentNullException(nameof(random));
        for (int i = 0; i < destination.Length; i += 2)
        {
            double u, v, r;
            do
            {
                u = 2 * random.NextDouble() - 1;
                v = 2 * random.NextDouble() - 1;
                r = u * u + v * v;
            }
            while (r >= 1 || r == 0);
            double factor = Math.Sqrt(-2 * Math.Log(r) / r);
            destination[i] = u * factor;
            if (i + 1 < destination.Length) destination[i + 1] = v * factor;
        }
    }

    /// <summary>
    /// The pass itself on the per-thread buffer: two state halves of the widest layer (X_0 at the start on entry),
    /// then the draws from <see cref="DrawsOffset"/>, then the output from <see cref="ResultOffset"/>.
    /// </summary>
    private void Run(double[] buffer)
    {
        int width = _maxWidth;
        int drawOffset = DrawsOffset;
        // The two state halves are ping-ponged so no layer reads what it writes.
        int current = 0, next = width;
        for (int n = 0; n < _stack.Depth; n++)
        {
            var layer = _stack.Layers[n];
            layer.Apply(buffer, current, buffer, next);
            double level = _noise[n];
            for (int i = 0; i < layer.Outputs; i++) buffer[next + i] += level * buffer[drawOffset + i];
            drawOffset += layer.Outputs;
            (current, next) = (next, current);
        }
        _stack.Readout.Apply(buffer, current, buffer, ResultOffset);
    }

    private int DrawsOffset => 2 * _maxWidth;

    private int ResultOffset => DrawsOffset + NoiseDrawCount;

    /// <summary>The per-thread buffer of <see cref="Run"/>, grown on demand and then reused: no allocation per pass.</summary>
    private double[] Scratch()
    {
        int needed = ResultOffset + OutputSize;
        var buffer = _scratch;
        if (buffer == null || buffer.Length < needed)
        {
            buffer = new double[Math.Max(needed, 64)];
            _scratch = buffer;
        }
        return buffer;
    }

    private static double[] Widen(ReadOnlySpan<float> input)
    {
        var values = new double[input.Length];
        for (int i = 0; i < values.Length; i++) values[i] = input[i];
        return values;
    }

    // The parameter names are those of the generated members, which pass their spans straight through.
    private void CheckLengths(int input, int output)
    {
        CheckLength("input", input, InputSize);
        CheckLength("output", output, OutputSize);
    }

    private void CheckLengths(int input, int mean, int variance)
    {
        CheckLength("input", input, InputSize);
        CheckLength("mean", mean, OutputSize);
        CheckLength("variance", variance, OutputSize);
    }

    private static void CheckLength(string name, int length, int expected)
    {
        if (length != expected) throw new ArgumentException($"'{name}' must hold {expected} values (one row), but it holds {length}.", name);
    }

    private void CheckDraws(int draws)
    {
        if (draws != NoiseDrawCount)
            throw new ArgumentException($"'noiseDraws' must hold {NoiseDrawCount} standard-normal values (one per hidden unit of every hidden layer), but it holds {draws}.", "noiseDraws");
    }
}

/// <summary>
/// Describes a noisy network layer by layer, in order, with row-major float64 weights (outputs × inputs); generated
/// code uses it once per network. Finish with <see cref="Readout"/>.
/// </summary>
public sealed class MzNoisyNetworkBuilder
{
    private readonly int _inputSize;
    private readonly List<StochasticLayer> _layers = new();
    private readonly List<double> _levels = new();

    internal MzNoisyNetworkBuilder(int inputSize)
    {
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize));
        _inputSize = inputSize;
    }

    private int Width => _layers.Count == 0 ? _inputSize : _layers[_layers.Count - 1].Outputs;

    /// <summary>A plain layer X′ = σ(W X + b) + β ξ.</summary>
    public MzNoisyNetworkBuilder Dense(ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, LayerActivation activation, double noise)
    {
        _layers.Add(new StochasticLayer(weights.ToArray(), bias.ToArray(), Width, activation, null));
        _levels.Add(noise);
        return this;
    }

    /// <summary>A residual block X′ = X + Δ·σ(W X + b) + β ξ.</summary>
    public MzNoisyNetworkBuilder Residual(ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, LayerActivation activation, double step, double noise)
    {
        _layers.Add(new StochasticLayer(weights.ToArray(), bias.ToArray(), Width, activation, step));
        _levels.Add(noise);
        return this;
    }

    /// <summary>The readout y = φ(W X_L + b), which gets no noise; returns the finished network.</summary>
    public MzNoisyNetwork Readout(ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, LayerActivation activation)
    {
        var readout = new StochasticReadout(weights.ToArray(), bias.ToArray(), Width, activation);
        return new MzNoisyNetwork(new StochasticLayerStack(_inputSize, _layers.ToArray(), readout), new LayerNoise(_levels));
    }
}
