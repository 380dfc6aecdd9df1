using System.Reflection;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Kernels;

/// <summary>Generated code allocates nothing per call after warm-up, and no generated method nears the JIT's MinOpts limits.</summary>
public sealed class GeneratedCodeBudgetTests
{
    /// <summary>Well under the JIT's 60,000 IL bytes (DESIGN.md §5 asks for at most 16 KB per method).</summary>
    private const int MaxIlBytes = 16 * 1024;

    private static (CompiledNetwork Network, Assembly Assembly) Compile(string name)
    {
        var model = new TrainedModel(name);
        var run = new GeneratorHarness()
            .AddSource($$"""
                using Mz;
                namespace Trained;
                [MzNetwork("models/{{name}}/model.onnx")]
                public static partial class Network { }
                """)
            .AddModel($"models/{name}/model.onnx", model.OnnxBytes)
            .Run();
        var assembly = run.EmitAndLoad();
        return (new CompiledNetwork(assembly, "Trained.Network"), assembly);
    }

    [Theory]
    [MemberData(nameof(TrainedModelNames))]
    public void PredictAndPredictBatchAllocateNothingAfterWarmUp(string name)
    {
        var (network, _) = Compile(name);
        var row = new float[network.InputSize];
        var output = new float[network.OutputSize];
        const int batchRows = 300; // more than one chunk of some networks, and not a multiple of the 8-row tile
        var batch = new float[batchRows * network.InputSize];
        var batchOutput = new float[batchRows * network.OutputSize];
        for (int i = 0; i < batch.Length; i++) batch[i] = (i % 17) / 17f;

        // Warm-up: scratch is rented and code tiers up.
        for (int i = 0; i < 200; i++)
        {
            network.Predict(row, output);
            network.PredictBatch(batch, batchOutput);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            network.Predict(row, output);
            network.PredictBatch(batch, batchOutput);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Theory]
    [MemberData(nameof(TrainedModelNames))]
    public void EveryGeneratedMethodStaysFarBelowTheJitLimits(string name)
    {
        var (_, assembly) = Compile(name);
        foreach (var type in assembly.GetTypes())
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                var body = method.GetMethodBody();
                if (body == null) continue;
                int size = body.GetILAsByteArray()?.Length ?? 0;
                Assert.True(size <= MaxIlBytes, $"{type.Name}.{method.Name}: {size} IL bytes");
                Assert.True(body.LocalVariables.Count < 500, $"{type.Name}.{method.Name}: {body.LocalVariables.Count} locals");
            }
    }

    public static TheoryData<string> TrainedModelNames => new(TrainedModel.Names);
}
