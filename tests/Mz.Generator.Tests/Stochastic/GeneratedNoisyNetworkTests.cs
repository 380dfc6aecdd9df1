using Mz.Core.Stochastic;
using Mz.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Stochastic;

/// <summary>
/// The members the generator adds for <c>[MzNetwork("m.onnx", Noise = σ)]</c>, compiled through the real generator
/// and run: on the committed 2-D stochastic ResNet the noisy pass replays the stored noisy trajectories from their
/// stored draws, Monte Carlo agrees with the grid-operator reference, moment closure is the library's; on a
/// linear-Gaussian network the generated moment closure equals the analytic moments.
/// </summary>
public sealed class GeneratedNoisyNetworkTests : IClassFixture<StochasticResNetModel>
{
    private static readonly Lazy<CompiledNoisyNetwork> Moons = new(() =>
        CompiledNoisyNetwork.Compile(File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, StochasticResNetModel.Name, "model.onnx")), CompiledNoisyNetwork.Uniform(new StochasticResNetModel().Sigma)));

    private readonly StochasticResNetModel _model;
    private readonly ITestOutputHelper _output;

    public GeneratedNoisyNetworkTests(StochasticResNetModel model, ITestOutputHelper output)
    {
        _model = model;
        _output = output;
    }

    private static float[] Row(double[] values) => values.Select(v => (float)v).ToArray();

    [Fact]
    public void NoiseDeclarationAddsTheNoisyMembers()
    {
        var network = Moons.Value;
        Assert.Equal(20, network.NoisyLayerCount);
        Assert.Equal(40, network.NoiseDrawCount);
        Assert.Equal(Enumerable.Repeat(_model.Sigma, 20), network.NoiseLevels);

        // The run-time object behind the members also opens the rest of the toolbox (grid operators, densities).
        var noisy = (MzNoisyNetwork)network.Network.Type.GetProperty("NoisyNetwork")!.GetValue(null)!;
        var stochastic = noisy.ToStochastic();
        Assert.Equal(20, stochastic.Depth);
        var expected = _model.Reference["y_f64"].Data;
        for (int row = 0; row < 10; row++)
            Assert.True(Math.Abs(stochastic.Forward(_model.Input(row))[0] - expected[row]) <= 1e-12, $"row {row}");
    }

    [Fact]
    public void GeneratedNoisyPassReplaysTheStoredTrajectories()
    {
        var network = Moons.Value;
        var xi = _model.Trajectories["xi"];                // [16, 8, 20, 2] float32 standard-normal draws
        var stored = _model.Trajectories["y_noisy"].Data;  // [16, 8] float32 outputs of the noisy passes
        var draws = new float[40];
        var output = new float[1];
        double worst = 0;
        for (int i = 0; i < 16; i++)
            for (int r = 0; r < 8; r++)
            {
                for (int k = 0; k < 40; k++) draws[k] = (float)xi.Data[(i * 8 + r) * 40 + k];
                network.PredictNoisy(Row(_model.Input(i)), draws, output);
                worst = Math.Max(worst, Math.Abs(output[0] - stored[i * 8 + r]));
            }
        // The stored values are float32 computations; the generated pass runs in float64. They can differ by the
        // rounding the stored trajectories carry, bounded by the drift of the stored noise-free float32 states.
        var states = _model.Trajectories["states"].Data;
        double stateDrift = 0;
        for (int i = 0; i < 16; i++)
        {
            var x = _model.Input(i);
            for (int n = 0; n < 20; n++)
            {
                x = _model.Stack.Layers[n].Apply(x);
                for (int a = 0; a < 2; a++) stateDrift = Math.Max(stateDrift, Math.Abs(x[a] - states[(i * 21 + n + 1) * 2 + a]));
            }
        }
        _output.WriteLine($"generated PredictNoisy vs stored y_noisy: max |diff| {worst:E2} (stored float32 state drift {stateDrift:E2})");
        Assert.True(worst <= 4 * stateDrift + 1e-7, $"replay differs by {worst:E2}; float32 drift is {stateDrift:E2}");

        // All-zero draws give the noise-free network: the float64 reference outputs, rounded to float32.
        var reference = _model.Reference["y_f64"].Data;
        Array.Clear(draws);
        for (int row = 0; row < 50; row++)
        {
            network.PredictNoisy(Row(_model.Input(row)), draws, output);
            Assert.True(Math.Abs(output[0] - reference[row]) <= 1e-7, $"row {row}: {output[0]:R} vs {reference[row]:R}");
        }
    }

    [Fact]
    public void RandomNoisyPassesAreReproducibleAndSpreadLikeTheNoise()
    {
        var network = Moons.Value;
        var input = Row(_model.Input(_model.Probes[0]));
        var first = new float[64];
        var second = new float[64];
        var random = new Random(7);
        for (int s = 0; s < 64; s++) network.PredictNoisyRandom(input, first.AsSpan(s, 1), random);
        random = new Random(7);
        for (int s = 0; s < 64; s++) network.PredictNoisyRandom(input, second.AsSpan(s, 1), random);
        Assert.Equal(first, second);
        // A probe on the decision boundary: the noise must move the output, and by more than float rounding.
        Assert.True(first.Max() - first.Min() > 0.05, $"spread {first.Max() - first.Min()}");
    }

    [Fact]
    public void GeneratedExpectationAgreesWithTheGridOperatorAndEqualsTheRuntimeMonteCarlo()
    {
        var network = Moons.Value;
        var runtime = MzStochastic.Load(Path.Combine(RepositoryPaths.TrainedModels, StochasticResNetModel.Name, "model.onnx"), _model.Sigma);
        var op = _model.OperatorReference; // grid operator, Gauss–Hermite 7×7, h = 0.02
        var mean = new double[1];
        var variance = new double[1];
        double worstRatio = 0;
        for (int p = 0; p < op.Length; p++)
        {
            var x = _model.Input(_model.Probes[p]);
            ulong seed = 100 + (ulong)p;
            network.Expectation(Row(x), mean, variance, 100_000, seed, 2);
            double standardError = Math.Sqrt(variance[0] / 100_000);
            double tolerance = Math.Max(4 * standardError, 1e-4);
            double diff = Math.Abs(mean[0] - op[p]);
            worstRatio = Math.Max(worstRatio, diff / tolerance);
            _output.WriteLine($"probe {p,2}: generated MC {mean[0]:F6} ± {standardError:E1}, operator {op[p]:F6}, |diff| {diff:E2} ({diff / standardError:F2} se)");
            Assert.True(diff <= tolerance, $"probe {p}: |generated MC − operator| = {diff:E2} > {tolerance:E2}");

            // The input rows are float32-representable, so the run-time estimator sees the same x, weights and draws.
            var reference = runtime.Expectation(Row(x).Select(v => (double)v).ToArray(), 100_000, seed, maxParallelism: 1);
            Assert.Equal(reference.Mean[0], mean[0]);
            Assert.Equal(reference.Variance[0], variance[0]);
        }
        _output.WriteLine($"worst |diff| / tolerance = {worstRatio:F2}");
    }

    [Fact]
    public void GeneratedMomentClosureIsTheLibraryClosure()
    {
        var network = Moons.Value;
        var mean = new double[1];
        var variance = new double[1];
        foreach (var (mode, full) in new[] { (CovarianceMode.Full, true), (CovarianceMode.Diagonal, false) })
        {
            var closure = new GaussianMomentClosure(_model.Stack, _model.Noise, mode);
            foreach (var row in _model.Probes)
            {
                var x = Row(_model.Input(row));
                network.MomentClosure(x, mean, variance, full);
                var expected = closure.Propagate(x.Select(v => (double)v).ToArray());
                Assert.Equal(expected.OutputMean[0], mean[0]);
                Assert.Equal(expected.OutputVariance[0], variance[0]);
            }
        }
    }

    [Fact]
    public void NoisyPassesAllocateNothingAfterWarmUp()
    {
        var network = Moons.Value;
        var input = Row(_model.Input(3));
        var draws = new float[network.NoiseDrawCount];
        var output = new float[1];
        var random = new Random(1);
        for (int i = 0; i < 100; i++)
        {
            network.PredictNoisy(input, draws, output);
            network.PredictNoisyRandom(input, output, random);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            network.PredictNoisy(input, draws, output);
            network.PredictNoisyRandom(input, output, random);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WrongSpanLengthsThrowArgumentExceptionsNamingTheSpan()
    {
        var network = Moons.Value;
        var error = Assert.Throws<ArgumentException>(() => network.PredictNoisy(new float[2], new float[39], new float[1]));
        Assert.Equal("noiseDraws", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => network.Expectation(new float[3], new double[1], new double[1], 10, 0, 1));
        Assert.Equal("input", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => network.MomentClosure(new float[2], new double[1], new double[2], true));
        Assert.Equal("variance", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.Expectation(new float[2], new double[1], new double[1], 1, 0, 1));
        // 0 threads is a mistake, not a quiet single thread; −1 is one per processor and gives the one-thread numbers.
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => network.Expectation(new float[2], new double[1], new double[1], 1000, 0, 0));
        Assert.Equal("maxThreads", range.ParamName);
        var (mean1, variance1, meanAll, varianceAll) = (new double[1], new double[1], new double[1], new double[1]);
        network.Expectation(new float[] { 0.5f, 0.25f }, mean1, variance1, 5000, 3, 1);
        network.Expectation(new float[] { 0.5f, 0.25f }, meanAll, varianceAll, 5000, 3, -1);
        Assert.Equal(mean1, meanAll);
        Assert.Equal(variance1, varianceAll);
    }

    [Fact]
    public void GeneratedMomentClosureIsExactOnALinearGaussianNetwork()
    {
        // Three linear hidden layers (3→4→4→2) with different σ per layer, then an affine readout: every state is
        // Gaussian, so the analytic means and covariances (the test's own matrix algebra) are the exact answer.
        var stack = FloatRepresentable(LinearGaussianNetwork.Create(11, new[] { 3, 4, 4, 2 }, new[] { false, false, false }));
        double[] levels = { 0.1, 0.25, 0.05 };
        var network = CompiledNoisyNetwork.Compile(LinearOnnx(stack), "NoisePerLayer = new[] { 0.1, 0.25, 0.05 }");
        Assert.Equal(levels, network.NoiseLevels);
        var noise = new LayerNoise(levels);

        var mean = new double[1];
        var variance = new double[1];
        var random = new Random(5);
        for (int trial = 0; trial < 5; trial++)
        {
            var x = Enumerable.Range(0, 3).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            var exact = LinearGaussianNetwork.ExactMoments(stack, noise, x.Select(v => (double)v).ToArray(), new double[9]);
            var (exactMean, exactVariance) = LinearGaussianNetwork.ExactOutput(stack, exact.Means[3], exact.Covariances[3]);
            foreach (bool full in new[] { true, false })
            {
                network.MomentClosure(x, mean, variance, full);
                Assert.True(Math.Abs(mean[0] - exactMean) <= 1e-12 * Math.Max(1, Math.Abs(exactMean)), $"mean {mean[0]:R} vs exact {exactMean:R}");
                // The diagonal variant drops the cross-covariances the layers build, so only the full one is exact.
                if (full) Assert.True(Math.Abs(variance[0] - exactVariance) <= 1e-12 * exactVariance, $"variance {variance[0]:R} vs exact {exactVariance:R}");
            }
            _output.WriteLine($"x = ({string.Join(", ", x)}): exact E[y] = {exactMean:R}, Var[y] = {exactVariance:R}");
        }
    }

    [Fact]
    public void DeclaredNetworkWithNoiseMatchesTheOnnxDeclaration()
    {
        // The attribute front end (safetensors + [MzResidual]/[MzDense]) builds its own graph; with noise declared it
        // must give the same noisy network as the ONNX file.
        string declaration = Mz.Tests.EndToEnd.DeclaredNetworkTests.Declarations[StochasticResNetModel.Name].Replace("InputSize = 2)]", "InputSize = 2, Noise = 0.05)]");
        var run = new GeneratorHarness()
            .AddSource("using Mz;\nnamespace D;\n" + declaration + "\npublic static partial class Declared { }")
            .AddModel("w.safetensors", File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, StochasticResNetModel.Name, "weights.safetensors")), format: "safetensors")
            .Run();
        Assert.Empty(run.GeneratorDiagnostics);
        var declared = new CompiledNoisyNetwork(run.EmitAndLoad(), "D.Declared");
        var onnx = Moons.Value;
        Assert.Equal(onnx.NoiseDrawCount, declared.NoiseDrawCount);

        var xi = _model.Trajectories["xi"].Data;
        var draws = new float[40];
        var (a, b) = (new float[1], new float[1]);
        var (meanA, varianceA, meanB, varianceB) = (new double[1], new double[1], new double[1], new double[1]);
        for (int i = 0; i < 16; i++)
        {
            var x = Row(_model.Input(i));
            for (int k = 0; k < 40; k++) draws[k] = (float)xi[i * 8 * 40 + k];
            onnx.PredictNoisy(x, draws, a);
            declared.PredictNoisy(x, draws, b);
            Assert.True(Math.Abs(a[0] - b[0]) <= 1e-7, $"input {i}: {a[0]:R} vs {b[0]:R}");
            onnx.MomentClosure(x, meanA, varianceA, true);
            declared.MomentClosure(x, meanB, varianceB, true);
            Assert.True(Math.Abs(meanA[0] - meanB[0]) <= 1e-12 && Math.Abs(varianceA[0] - varianceB[0]) <= 1e-12, $"input {i}: closure differs");
        }
    }

    [Fact]
    public void LargeModelsReadTheirStackFromTheEmbeddedModelAndMatchTheRuntime()
    {
        // digits-resmlp-deep (568 KB) travels as a resource; its noise file must not carry a second copy of the weights.
        var model = new TrainedModel("digits-resmlp-deep");
        var run = CompiledNoisyNetwork.Generate(model.OnnxBytes, "Noise = 0.02");
        Assert.Empty(run.GeneratorDiagnostics);
        var noiseFile = run.GeneratedSources.Single(s => s.HintName == "Samples.Net.Mz.Noise.g.cs").SourceText.ToString();
        Assert.Contains("FromModelResource", noiseFile);
        Assert.True(noiseFile.Length < 20_000, $"noise file has {noiseFile.Length} characters");
        _output.WriteLine(noiseFile.Substring(noiseFile.IndexOf("/// <summary>The layer stack", StringComparison.Ordinal)));
        var network = new CompiledNoisyNetwork(run.EmitAndLoad(), "Samples.Net");
        var runtime = MzStochastic.Load(model.OnnxBytes, 0.02);
        Assert.Equal(runtime.Depth, network.NoisyLayerCount);

        var x = model.Reference["x"].Data;
        var expected = model.Reference["y_f64"].Data;
        int width = network.Network.InputSize, outputs = network.Network.OutputSize;
        var draws = new float[network.NoiseDrawCount];
        var output = new float[outputs];
        var mean = new double[outputs];
        var variance = new double[outputs];
        for (int row = 0; row < 5; row++)
        {
            var input = Enumerable.Range(0, width).Select(j => (float)x[row * width + j]).ToArray();
            // No noise: the float64 reference outputs, rounded.
            network.PredictNoisy(input, draws, output);
            for (int o = 0; o < outputs; o++)
                Assert.True(Math.Abs(output[o] - expected[row * outputs + o]) <= 1e-5 * Math.Max(1, Math.Abs(expected[row * outputs + o])), $"row {row}, output {o}");
            // Moment closure is the run-time MzStochastic's, value for value.
            network.MomentClosure(input, mean, variance, true);
            var reference = runtime.MomentClosure(input.Select(v => (double)v).ToArray());
            Assert.Equal(reference.Mean, mean);
            Assert.Equal(reference.Variance, variance);
        }
    }

    private delegate void DoubleClosure(ReadOnlySpan<double> input, Span<double> mean, Span<double> variance, bool fullCovariance);

    [Fact]
    public void Float64NetworksGetDoubleMembersAndAnExactClosure()
    {
        // A float64 graph computes in double, so the generated members take double rows and no float rounding enters.
        var stack = LinearGaussianNetwork.Create(12, new[] { 2, 3, 2 }, new[] { false, false });
        var run = CompiledNoisyNetwork.Generate(LinearOnnx(stack, float64: true), "Noise = 0.3");
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("PredictNoisy(global::System.ReadOnlySpan<double> input", run.GeneratedSources.Single(s => s.HintName.EndsWith(".Mz.Noise.g.cs", StringComparison.Ordinal)).SourceText.ToString());
        var type = run.EmitAndLoad().GetType("Samples.Net")!;
        var closure = type.GetMethod("MomentClosure")!.CreateDelegate<DoubleClosure>();
        var x = new[] { 0.3, -1.7 };
        var exact = LinearGaussianNetwork.ExactMoments(stack, LayerNoise.Uniform(0.3, 2), x, new double[4]);
        var (exactMean, exactVariance) = LinearGaussianNetwork.ExactOutput(stack, exact.Means[2], exact.Covariances[2]);
        var mean = new double[1];
        var variance = new double[1];
        closure(x, mean, variance, true);
        Assert.True(Math.Abs(mean[0] - exactMean) <= 1e-12 * Math.Max(1, Math.Abs(exactMean)), $"mean {mean[0]:R} vs {exactMean:R}");
        Assert.True(Math.Abs(variance[0] - exactVariance) <= 1e-12 * exactVariance, $"variance {variance[0]:R} vs {exactVariance:R}");
    }

    /// <summary>The same network with every weight rounded to float32, so an ONNX float model carries it exactly.</summary>
    private static StochasticLayerStack FloatRepresentable(StochasticLayerStack stack)
    {
        static double[] Round(double[] values) => values.Select(v => (double)(float)v).ToArray();
        var layers = stack.Layers.Select(l => new StochasticLayer(Round(l.Weights), Round(l.Bias), l.Inputs, l.Activation, l.ResidualStep)).ToList();
        var readout = new StochasticReadout(Round(stack.Readout.Weights), Round(stack.Readout.Bias), stack.Readout.Inputs, stack.Readout.OutputActivation);
        return new StochasticLayerStack(stack.InputWidth, layers, readout);
    }

    /// <summary>Gemm (transB = 1, [out, in] weights) per layer, each feeding the next: linear hidden layers, then the readout.</summary>
    private static byte[] LinearOnnx(StochasticLayerStack stack, bool float64 = false)
    {
        int elementType = float64 ? 11 : 1;
        var builder = new OnnxModelBuilder().Input("x", new long?[] { null, stack.InputWidth }, elementType).Output("y", new long?[] { null, stack.Readout.Outputs }, elementType);
        string state = "x";
        for (int n = 0; n <= stack.Depth; n++)
        {
            var (weights, bias, inputs, outputs) = n < stack.Depth
                ? (stack.Layers[n].Weights, stack.Layers[n].Bias, stack.Layers[n].Inputs, stack.Layers[n].Outputs)
                : (stack.Readout.Weights, stack.Readout.Bias, stack.Readout.Inputs, stack.Readout.Outputs);
            if (float64)
            {
                builder.DoubleInitializer($"w{n}", new long[] { outputs, inputs }, weights);
                builder.DoubleInitializer($"b{n}", new long[] { outputs }, bias);
            }
            else
            {
                builder.Initializer($"w{n}", new long[] { outputs, inputs }, weights.Select(v => (float)v).ToArray());
                builder.Initializer($"b{n}", new long[] { outputs }, bias.Select(v => (float)v).ToArray());
            }
            string next = n < stack.Depth ? $"h{n + 1}" : "y";
            builder.Node("Gemm", new[] { state, $"w{n}", $"b{n}" }, new[] { next }, ("transB", 1L));
            state = next;
        }
        return builder.Build();
    }
}
