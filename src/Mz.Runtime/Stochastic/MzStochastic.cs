using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Mz.Core.Lowering;
using Mz.Core.Onnx;
using Mz.Core.Stochastic;

namespace Mz;

/// <summary>
/// A feed-forward (MLP or residual) ONNX network run as a noisy network (MZ.md §1, §5.10): additive Gaussian noise
/// N(0, β_n² I) after every hidden layer, none after the readout. Offers seeded noisy passes and three estimators
/// of E[y|x] and Var[y|x]: Monte Carlo (unbiased, the validator), Gaussian moment closure (cheap, biased where the
/// state law is not Gaussian) and, for state dimension ≤ 3, grid operators (deterministic and converged to ~1e-6).
/// The grid-operator methods cache their sweeps; use one instance per thread.
/// </summary>
public sealed class MzStochastic
{
    private readonly StochasticLayerStack _stack;
    private readonly LayerNoise _noise;
    private readonly NoisyForwardPass _pass;
    private OperatorCache? _operators;

    private sealed class OperatorCache
    {
        public OperatorCache(GridOperatorPropagator propagator, double[] lower, double[] upper, int output)
        {
            Propagator = propagator;
            Lower = lower;
            Upper = upper;
            Output = output;
            FinalValues = propagator.ReadoutOnLastGrid(output);
            Mean = new Lazy<(double[][], double[])>(() => Sweep(FinalValues));
            Second = new Lazy<(double[][], double[])>(() => Sweep(FinalValues.Select(v => v * v).ToArray()));
        }

        public GridOperatorPropagator Propagator { get; }
        public double[] Lower { get; }
        public double[] Upper { get; }
        public int Output { get; }
        public double[] FinalValues { get; }

        /// <summary>The backward sweep of q and the layer-1 spline coefficients for fast point queries.</summary>
        public Lazy<(double[][] Backward, double[] Coefficients)> Mean { get; }

        /// <summary>The same for q², for Var[y|x] = E[y²|x] − E[y|x]².</summary>
        public Lazy<(double[][] Backward, double[] Coefficients)> Second { get; }

        private (double[][], double[]) Sweep(double[] values)
        {
            var backward = Propagator.Backward(values);
            return (backward, Propagator.Operators[0].Coefficients(backward[1]));
        }

        public bool Covers(double[] input)
        {
            for (int a = 0; a < input.Length; a++)
                if (!(input[a] >= Lower[a] && input[a] <= Upper[a])) return false;
            return true;
        }
    }

    private MzStochastic(StochasticLayerStack stack, LayerNoise noise)
    {
        _stack = stack;
        _noise = noise;
        _pass = new NoisyForwardPass(stack, noise);
    }

    /// <summary>A network whose layer stack was read elsewhere (the generated code of a noise-declared network).</summary>
    internal static MzStochastic FromLayerStack(StochasticLayerStack stack, LayerNoise noise)
    {
        noise.CheckMatches(stack);
        return new MzStochastic(stack, noise);
    }

    /// <summary>Loads an ONNX file with one noise level β for every hidden layer.</summary>
    /// <exception cref="InvalidDataException">The file is not a model Mz can read as a layer stack.</exception>
    public static MzStochastic Load(string path, double noiseLevel) => Load(File.ReadAllBytes(path), noiseLevel);

    /// <summary>Loads an ONNX file with per-layer noise levels β_0..β_{L−1}.</summary>
    public static MzStochastic Load(string path, IReadOnlyList<double> noiseLevels) => Load(File.ReadAllBytes(path), noiseLevels);

    /// <summary>Loads ONNX bytes with the same noise level after every hidden layer.</summary>
    public static MzStochastic Load(byte[] onnx, double noiseLevel)
    {
        var stack = ReadStack(onnx);
        return new MzStochastic(stack, LayerNoise.Uniform(noiseLevel, stack.Depth));
    }

    /// <summary>Loads ONNX bytes with one noise level per hidden layer.</summary>
    public static MzStochastic Load(byte[] onnx, IReadOnlyList<double> noiseLevels)
    {
        var stack = ReadStack(onnx);
        var noise = new LayerNoise(noiseLevels);
        noise.CheckMatches(stack);
        return new MzStochastic(stack, noise);
    }

    internal static StochasticLayerStack ReadStack(byte[] onnx)
    {
        try
        {
            return StochasticLayerStackReader.Read(GraphPreparer.Prepare(OnnxModelReader.Read(onnx, null)));
        }
        catch (OnnxFormatException e) { throw new InvalidDataException("The model cannot be read: " + e.Message, e); }
        catch (GraphPreparationException e) { throw new InvalidDataException("The model cannot be evaluated: " + e.Message, e); }
        catch (NotSupportedException e) { throw new InvalidDataException("The model is not a feed-forward layer stack: " + e.Message, e); }
    }

    /// <summary>Values per input row.</summary>
    public int InputSize => _stack.InputWidth;
    /// <summary>Values per output row.</summary>
    public int OutputSize => _stack.Readout.Outputs;

    /// <summary>L, the number of hidden layers (noise injections).</summary>
    public int Depth => _stack.Depth;

    /// <summary>N_n, the width of each state X_0..X_L.</summary>
    public IReadOnlyList<int> StateWidths => Enumerable.Range(0, _stack.Depth + 1).Select(_stack.Width).ToArray();

    /// <summary>Standard deviation of the Gaussian noise added after each hidden layer.</summary>
    public IReadOnlyList<double> NoiseLevels => _noise.Levels;

    /// <summary>The noise-free output.</summary>
    public double[] Forward(double[] input)
    {
        CheckInput(input);
        return _stack.Evaluate(input);
    }

    /// <summary>One seeded noisy pass; <paramref name="states"/> receives X_0..X_L.</summary>
    public double[] NoisyForward(double[] input, ulong seed, out double[][] states)
    {
        CheckInput(input);
        var result = _pass.Run(input, new GaussianNoiseSource(seed));
        states = result.States;
        return result.Output;
    }

    /// <summary>One noisy pass with explicit standard-normal draws (draws[n] has N_{n+1} values; they are scaled by β_n).</summary>
    public double[] NoisyForward(double[] input, double[][] draws, out double[][] states)
    {
        CheckInput(input);
        var result = _pass.Run(input, draws);
        states = result.States;
        return result.Output;
    }

    /// <summary>Monte Carlo E[y|x], Var[y|x] from <paramref name="samples"/> noisy passes (reproducible for a seed, whatever the thread count).</summary>
    public MzStochasticEstimate Expectation(double[] input, long samples, ulong seed = 0, int maxParallelism = 1)
    {
        CheckInput(input);
        var estimate = new MonteCarloEstimator(_pass).Estimate(input, samples, seed, maxParallelism);
        return new MzStochasticEstimate("monte-carlo", estimate.Mean, estimate.Variance, estimate.StandardError, estimate.Samples);
    }

    /// <summary>Gaussian moment closure (full covariance by default). Its bias is not bounded: validate against <see cref="Expectation"/>.</summary>
    public MzStochasticEstimate MomentClosure(double[] input, bool fullCovariance = true)
    {
        CheckInput(input);
        var result = new GaussianMomentClosure(_stack, _noise, fullCovariance ? CovarianceMode.Full : CovarianceMode.Diagonal).Propagate(input);
        return new MzStochasticEstimate("moment-closure", result.OutputMean, result.OutputVariance, new double[OutputSize], 0);
    }

    /// <summary>Moment closure's per-layer state means and covariances (row-major N_n × N_n).</summary>
    public (double[][] Means, double[][] Covariances) MomentClosureStates(double[] input, bool fullCovariance = true)
    {
        CheckInput(input);
        var result = new GaussianMomentClosure(_stack, _noise, fullCovariance ? CovarianceMode.Full : CovarianceMode.Diagonal).Propagate(input);
        return (result.StateMeans, result.StateCovariances);
    }

    /// <summary>
    /// Fixes the input box (and settings) of the grid operators, so that one backward sweep serves every input in
    /// it. Without this, <see cref="OperatorExpectation"/> builds a box around the first input and grows it on demand.
    /// </summary>
    public void ConfigureOperators(double[] inputLower, double[] inputUpper, MzOperatorSettings? settings = null, int output = 0)
    {
        CheckInput(inputLower);
        CheckInput(inputUpper);
        Settings = settings ?? new MzOperatorSettings();
        _operators = BuildOperators((double[])inputLower.Clone(), (double[])inputUpper.Clone(), output);
    }

    /// <summary>Grid settings of the operators in use (see <see cref="ConfigureOperators"/>).</summary>
    public MzOperatorSettings Settings { get; private set; } = new();

    /// <summary>
    /// E[y|x], Var[y|x] of output <paramref name="output"/> by the grid operators (all states of dimension ≤ 3); the
    /// other outputs are NaN. The first call (or an input outside the current box) builds the grids and runs the
    /// backward sweeps; later calls in the box are cheap.
    /// </summary>
    /// <exception cref="NotSupportedException">Some state has more than three dimensions.</exception>
    public MzStochasticEstimate OperatorExpectation(double[] input, int output = 0)
    {
        var cache = OperatorsCovering(input, output);
        var first = cache.Propagator.Operators[0];
        double mean = first.ComposeAtCoefficients(input, cache.Mean.Value.Coefficients);
        double second = first.ComposeAtCoefficients(input, cache.Second.Value.Coefficients);
        var means = new double[OutputSize];
        var variances = new double[OutputSize];
        for (int i = 0; i < OutputSize; i++) means[i] = variances[i] = double.NaN;
        means[output] = mean;
        variances[output] = Math.Max(second - mean * mean, 0);
        return new MzStochasticEstimate("grid-operator", means, variances, new double[OutputSize], 0);
    }

    /// <summary>
    /// The density of X_n given X_0 = <paramref name="input"/> on the grid of each requested layer (1 ≤ n ≤ L), by
    /// the transfer operators (one forward sweep per input).
    /// </summary>
    public IReadOnlyList<MzDensityGrid> PropagateDensity(double[] input, IReadOnlyCollection<int> layers)
    {
        foreach (var n in layers)
            if (n < 1 || n > Depth) throw new ArgumentOutOfRangeException(nameof(layers), $"layer {n} is outside 1..{Depth}");
        var cache = OperatorsCovering(input, _operators?.Output ?? 0);
        var densities = cache.Propagator.ForwardFromInput(input, layers.ToArray());
        return layers.OrderBy(n => n).Select(n =>
        {
            var grid = cache.Propagator.Grids[n];
            return new MzDensityGrid(n, (double[])grid.Origin.Clone(), grid.Spacing, (int[])grid.Counts.Clone(), densities[n]!);
        }).ToArray();
    }

    /// <summary>
    /// The density of X_n when the input itself is random, X_0 ~ <paramref name="inputDensity"/> (any non-negative
    /// function; it is sampled on the layer-0 grid over [<paramref name="inputLower"/>, <paramref name="inputUpper"/>],
    /// cut to that box and normalised there), on the grid of each requested layer (0 ≤ n ≤ L; 0 gives the sampled
    /// input density), by one forward sweep of the transfer operators. Builds its own grids with
    /// <paramref name="settings"/> (default: <see cref="Settings"/>) and leaves the cached operators alone.
    /// </summary>
    /// <exception cref="NotSupportedException">Some state has more than three dimensions.</exception>
    public IReadOnlyList<MzDensityGrid> PropagateDensity(Func<double[], double> inputDensity, double[] inputLower, double[] inputUpper, IReadOnlyCollection<int> layers, MzOperatorSettings? settings = null)
    {
        if (inputDensity == null) throw new ArgumentNullException(nameof(inputDensity));
        CheckInput(inputLower);
        CheckInput(inputUpper);
        for (int a = 0; a < InputSize; a++)
            if (!(inputUpper[a] > inputLower[a])) throw new ArgumentException($"the input box is empty along axis {a}: [{inputLower[a]}, {inputUpper[a]}]");
        foreach (var n in layers)
            if (n < 0 || n > Depth) throw new ArgumentOutOfRangeException(nameof(layers), $"layer {n} is outside 0..{Depth}");
        var propagator = BuildOperators((double[])inputLower.Clone(), (double[])inputUpper.Clone(), 0, settings).Propagator;
        var start = propagator.Grids[0].Sample(x =>
        {
            for (int a = 0; a < x.Length; a++)
                if (x[a] < inputLower[a] || x[a] > inputUpper[a]) return 0;
            double value = inputDensity(x);
            return value > 0 && !double.IsInfinity(value) ? value : 0;
        });
        double mass = 0;
        foreach (var v in start) mass += v;
        mass *= propagator.Grids[0].CellVolume;
        if (!(mass > 0)) throw new ArgumentException("the input density is zero everywhere in the input box", nameof(inputDensity));
        for (int i = 0; i < start.Length; i++) start[i] /= mass;

        var densities = propagator.Forward(start);
        return layers.Distinct().OrderBy(n => n).Select(n =>
        {
            var grid = propagator.Grids[n];
            return new MzDensityGrid(n, (double[])grid.Origin.Clone(), grid.Spacing, (int[])grid.Counts.Clone(), densities[n]);
        }).ToArray();
    }

    /// <summary>
    /// The MZ split (1.6) of the backward propagation at layer <paramref name="layer"/> for X_0 ~ N(inputMean,
    /// inputStd² I), with Mori projections onto polynomials of degree ≤ <paramref name="degree"/> in each layer's
    /// state: streaming, memory per lag and noise terms with their L²(μ_n) norms
    /// (<see cref="MzBackwardSplitResult.MemoryNorms"/>: index 0 streaming, k ≥ 1 memory of lag k).
    /// </summary>
    public MzBackwardSplitResult MemorySplit(int layer, double[] inputMean, double inputStd, int degree = 1, int output = 0)
    {
        CheckInput(inputMean);
        if (!(inputStd > 0)) throw new ArgumentOutOfRangeException(nameof(inputStd));
        var lower = inputMean.Select(m => m - 4 * inputStd).ToArray();
        var upper = inputMean.Select(m => m + 4 * inputStd).ToArray();
        var cache = _operators != null && _operators.Output == output && _operators.Covers(lower) && _operators.Covers(upper) ? _operators : BuildOperators(lower, upper, output);
        var grid = cache.Propagator.Grids[0];
        var density = grid.Sample(x =>
        {
            double r2 = 0;
            for (int a = 0; a < x.Length; a++) r2 += (x[a] - inputMean[a]) * (x[a] - inputMean[a]);
            return Math.Exp(-0.5 * r2 / (inputStd * inputStd)) / Math.Pow(2 * Math.PI * inputStd * inputStd, x.Length / 2.0);
        });
        var split = new MzBackwardSplit(cache.Propagator, cache.Propagator.Forward(density), degree);
        return split.Compute(layer, cache.FinalValues);
    }

    private OperatorCache OperatorsCovering(double[] input, int output)
    {
        CheckInput(input);
        if (output < 0 || output >= OutputSize) throw new ArgumentOutOfRangeException(nameof(output));
        if (_operators != null && _operators.Output == output && _operators.Covers(input)) return _operators;
        double half = Settings.DefaultHalfWidth;
        var lower = input.Select(v => v - half).ToArray();
        var upper = input.Select(v => v + half).ToArray();
        if (_operators != null && _operators.Output == output)
            for (int a = 0; a < input.Length; a++)
            {
                lower[a] = Math.Min(lower[a], _operators.Lower[a]);
                upper[a] = Math.Max(upper[a], _operators.Upper[a]);
            }
        _operators = BuildOperators(lower, upper, output);
        return _operators;
    }

    private OperatorCache BuildOperators(double[] lower, double[] upper, int output, MzOperatorSettings? settings = null)
    {
        settings ??= Settings;
        var options = new GridOperatorOptions
        {
            Spacing = settings.Spacing,
            HermitePoints = settings.HermitePoints,
            NoiseIntegration = settings.UseGridConvolution ? NoiseIntegration.GridConvolution : NoiseIntegration.GaussHermite,
            MaxParallelism = settings.MaxParallelism,
        };
        return new OperatorCache(new GridOperatorPropagator(_stack, _noise, lower, upper, options), lower, upper, output);
    }

    private void CheckInput(double[] input)
    {
        if (input == null) throw new ArgumentNullException(nameof(input));
        if (input.Length != InputSize) throw new ArgumentException($"the network takes {InputSize} inputs, got {input.Length}");
    }
}
