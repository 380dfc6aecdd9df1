using System.Text.Json;
using Mz.Core.Data;

namespace Mz.Tests.Infrastructure;

/// <summary>One committed trained model: ONNX bytes, reference arrays and the tolerance from model.json.</summary>
public sealed class TrainedModel
{
    public static readonly string[] Names = { "digits-mlp", "digits-resmlp-deep", "cancer-mlp", "digits-sklearn-mlp", "stochastic-resnet-2d" };

    public TrainedModel(string name)
    {
        Name = name;
        Folder = Path.Combine(RepositoryPaths.TrainedModels, name);
        OnnxBytes = File.ReadAllBytes(Path.Combine(Folder, "model.onnx"));
        Reference = NpzReader.Read(File.ReadAllBytes(Path.Combine(Folder, "reference.npz")), name);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "model.json")));
        var tolerance = json.RootElement.GetProperty("reference").GetProperty("suggested_tolerance");
        Atol = tolerance.TryGetProperty("atol", out var a) ? a.GetDouble() : 0;
        Rtol = tolerance.TryGetProperty("rtol", out var r) ? r.GetDouble() : 0;
        TestErrors = json.RootElement.GetProperty("metrics").GetProperty("test_errors").GetInt32();
    }

    public string Name { get; }
    public string Folder { get; }
    public byte[] OnnxBytes { get; }
    public Dictionary<string, NpyArray> Reference { get; }
    public double Atol { get; }
    public double Rtol { get; }
    public int TestErrors { get; }

    /// <summary>Largest |actual − expected| and whether every element is within atol + rtol·|expected|.</summary>
    public (double MaxError, int Violations) Compare(IReadOnlyList<float> actual, NpyArray expected)
    {
        if (actual.Count != expected.Data.Length) throw new Xunit.Sdk.XunitException($"{Name}: {actual.Count} outputs, reference has {expected.Data.Length}");
        double max = 0;
        int violations = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            double diff = Math.Abs(actual[i] - expected.Data[i]);
            if (!(diff <= Atol + Rtol * Math.Abs(expected.Data[i]))) violations++;
            if (!(diff <= max)) max = diff;
        }
        return (max, violations);
    }

    /// <summary>Misclassified test rows: argmax, or p ≥ 0.5 for a single output.</summary>
    public int CountTestErrors(IReadOnlyList<float> y, int outputSize)
    {
        var isTest = Reference["is_test"].Data;
        var target = Reference["target"].Data;
        int errors = 0;
        for (int row = 0; row < isTest.Length; row++)
        {
            if (isTest[row] == 0) continue;
            int predicted = 0;
            if (outputSize == 1) predicted = y[row] >= 0.5f ? 1 : 0;
            else for (int j = 1; j < outputSize; j++) if (y[row * outputSize + j] > y[row * outputSize + predicted]) predicted = j;
            if (predicted != (int)target[row]) errors++;
        }
        return errors;
    }
}
