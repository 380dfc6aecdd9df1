extern alias gen;
using System.Reflection;
using Mz.Core.Analysis;
using Mz.Core.Reduction;
using Mz.Tests.Infrastructure;

namespace Mz.Tests.Reduction;

/// <summary>
/// digits-resmlp-deep compiled through the real generator with [MzReduce(Tolerance = 0.02)] on its train.npz, twice:
/// plainly (<c>R.Net</c>) and with the out-of-distribution guard (<c>R.Guarded</c>); shared by the generated-reduction
/// tests so the build-time search runs once per test process. Also the same search run directly through the library.
/// </summary>
public sealed class ReducedNetworkBuild
{
    public const double Tolerance = 0.02;

    public static readonly Lazy<ReducedNetworkBuild> Digits = new(() => new ReducedNetworkBuild());

    public static string Source(string extra = "") => $$"""
        using Mz;
        namespace R;
        [MzNetwork("m.onnx", Calibration = "data/train.npz:x")]
        [MzReduce(Tolerance = {{Tolerance.ToString(System.Globalization.CultureInfo.InvariantCulture)}})]
        public static partial class Net { }

        [MzNetwork("m.onnx", Calibration = "data/train.npz:x")]
        [MzReduce(Tolerance = {{Tolerance.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, Guard = true)]
        public static partial class Guarded { }
        {{extra}}
        """;

    public static GeneratorHarness Harness(string source) =>
        new GeneratorHarness()
            .AddSource(source)
            .AddModel("m.onnx", new TrainedModel("digits-resmlp-deep").OnnxBytes)
            .AddModel("data/train.npz", File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, "digits-resmlp-deep", "train.npz")), kind: "calibration", format: "npz");

    private ReducedNetworkBuild()
    {
        Run = Harness(Source()).Run();
        Assembly = Run.EmitAndLoad();
        Net = new ReducedEntryPoints(Assembly, "R.Net");
        Guarded = new ReducedEntryPoints(Assembly, "R.Guarded");

        // The same search through the library: what the generated code must reproduce.
        var view = ReductionNetworks.DigitsResMlpDeep();
        var calibration = new ReductionCalibration(view, ReductionNetworks.DigitsTrainingRows(), validationFraction: 0.2, seed: 1);
        Library = MzReductionSearch.Run(calibration, Tolerance, MzReducerOptions.StandardSearch(2));
        View = view;
        Calibration = calibration;
    }

    public GeneratorRun Run { get; }
    public Assembly Assembly { get; }
    public ReducedEntryPoints Net { get; }
    public ReducedEntryPoints Guarded { get; }
    public ReductionResult Library { get; }
    public LayerView View { get; }
    public ReductionCalibration Calibration { get; }

    public string ReducedSource(string type) =>
        Run.GeneratedSources.Single(s => s.HintName == $"R.{type}.Mz.Reduced.g.cs").SourceText.ToString();
}

/// <summary>The exact and the reduced entry points of one generated class.</summary>
public sealed class ReducedEntryPoints
{
    public ReducedEntryPoints(Assembly assembly, string typeName)
    {
        Full = new CompiledNetwork(assembly, typeName);
        Type = Full.Type;
        PredictReduced = Type.GetMethod("PredictReduced")!.CreateDelegate<CompiledNetwork.PredictRow>();
        PredictReducedBatch = Type.GetMethod("PredictReducedBatch")!.CreateDelegate<CompiledNetwork.PredictRow>();
        Summary = (ReductionSummary)Type.GetProperty("Reduction")!.GetValue(null)!;
        ReducedMultiplyAdds = (long)Type.GetField("ReducedMultiplyAdds")!.GetValue(null)!;
        IsReduced = (bool)Type.GetField("IsReduced")!.GetValue(null)!;
    }

    public CompiledNetwork Full { get; }
    public Type Type { get; }
    public CompiledNetwork.PredictRow PredictReduced { get; }
    public CompiledNetwork.PredictRow PredictReducedBatch { get; }
    public ReductionSummary Summary { get; }
    public long ReducedMultiplyAdds { get; }
    public bool IsReduced { get; }

    public float[] ReducedRows(float[] x)
    {
        int rows = x.Length / Full.InputSize;
        var y = new float[rows * Full.OutputSize];
        for (int i = 0; i < rows; i++) PredictReduced(x.AsSpan(i * Full.InputSize, Full.InputSize), y.AsSpan(i * Full.OutputSize, Full.OutputSize));
        return y;
    }

    public float[] ReducedBatch(float[] x)
    {
        var y = new float[x.Length / Full.InputSize * Full.OutputSize];
        PredictReducedBatch(x, y);
        return y;
    }
}
