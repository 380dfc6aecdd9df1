using System.Globalization;
using System.Reflection;
using Mz.Tests.Infrastructure;

namespace Mz.Tests.Stochastic;

/// <summary>The noisy members the generator adds to a float32 network declared with Noise or NoisePerLayer, loaded by reflection.</summary>
public sealed class CompiledNoisyNetwork
{
    public delegate void PredictNoisyWithDraws(ReadOnlySpan<float> input, ReadOnlySpan<float> noiseDraws, Span<float> output);
    public delegate void PredictNoisyWithRandom(ReadOnlySpan<float> input, Span<float> output, Random random);
    public delegate void MonteCarlo(ReadOnlySpan<float> input, Span<double> mean, Span<double> variance, long samples, ulong seed, int maxThreads);
    public delegate void Closure(ReadOnlySpan<float> input, Span<double> mean, Span<double> variance, bool fullCovariance);

    public CompiledNoisyNetwork(Assembly assembly, string typeName)
    {
        Network = new CompiledNetwork(assembly, typeName);
        var type = Network.Type;
        NoisyLayerCount = (int)type.GetField("NoisyLayerCount")!.GetValue(null)!;
        NoiseDrawCount = (int)type.GetField("NoiseDrawCount")!.GetValue(null)!;
        NoiseLevels = (IReadOnlyList<double>)type.GetProperty("NoiseLevels")!.GetValue(null)!;
        PredictNoisy = type.GetMethod("PredictNoisy", new[] { typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<float>), typeof(Span<float>) })!.CreateDelegate<PredictNoisyWithDraws>();
        PredictNoisyRandom = type.GetMethod("PredictNoisy", new[] { typeof(ReadOnlySpan<float>), typeof(Span<float>), typeof(Random) })!.CreateDelegate<PredictNoisyWithRandom>();
        Expectation = type.GetMethod("Expectation")!.CreateDelegate<MonteCarlo>();
        MomentClosure = type.GetMethod("MomentClosure")!.CreateDelegate<Closure>();
    }

    public CompiledNetwork Network { get; }
    public int NoisyLayerCount { get; }
    public int NoiseDrawCount { get; }
    public IReadOnlyList<double> NoiseLevels { get; }
    public PredictNoisyWithDraws PredictNoisy { get; }
    public PredictNoisyWithRandom PredictNoisyRandom { get; }
    public MonteCarlo Expectation { get; }
    public Closure MomentClosure { get; }

    /// <summary>Runs the real generator on <paramref name="onnx"/> declared as <c>[MzNetwork("m.onnx", {noiseArgument})]</c>.</summary>
    public static GeneratorRun Generate(byte[] onnx, string noiseArgument, string className = "Net") =>
        new GeneratorHarness()
            .AddSource($$"""
                using Mz;
                namespace Samples;
                [MzNetwork("models/m.onnx", {{noiseArgument}})]
                public static partial class {{className}} { }
                """)
            .AddModel("models/m.onnx", onnx)
            .Run();

    public static CompiledNoisyNetwork Compile(byte[] onnx, string noiseArgument) => new(Generate(onnx, noiseArgument).EmitAndLoad(), "Samples.Net");

    public static string Uniform(double sigma) => "Noise = " + sigma.ToString("R", CultureInfo.InvariantCulture);
}
