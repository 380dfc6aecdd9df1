using System.Reflection;

namespace Mz.Tests.Infrastructure;

/// <summary>A generated single-input, single-output network loaded from an in-memory assembly.</summary>
public sealed class CompiledNetwork
{
    public delegate void PredictRow(ReadOnlySpan<float> input, Span<float> output);

    public CompiledNetwork(Assembly assembly, string typeName)
    {
        var type = assembly.GetType(typeName) ?? throw new InvalidOperationException($"generated type {typeName} not found");
        Type = type;
        InputSize = (int)type.GetField("InputSize")!.GetValue(null)!;
        OutputSize = (int)type.GetField("OutputSize")!.GetValue(null)!;
        Predict = type.GetMethod("Predict")!.CreateDelegate<PredictRow>();
        PredictBatch = type.GetMethod("PredictBatch")!.CreateDelegate<PredictRow>();
    }

    public Type Type { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public PredictRow Predict { get; }
    public PredictRow PredictBatch { get; }

    public float[] PredictRows(float[] x)
    {
        int rows = x.Length / InputSize;
        var y = new float[rows * OutputSize];
        for (int i = 0; i < rows; i++) Predict(x.AsSpan(i * InputSize, InputSize), y.AsSpan(i * OutputSize, OutputSize));
        return y;
    }

    public float[] PredictAll(float[] x)
    {
        var y = new float[x.Length / InputSize * OutputSize];
        PredictBatch(x, y);
        return y;
    }
}
