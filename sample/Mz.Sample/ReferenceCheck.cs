using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mz.Core.Data;

namespace Mz.Sample;

/// <summary>Runs one compiled network over a trained model's reference rows and prints the report line.</summary>
internal sealed class ReferenceCheck
{
    public delegate void PredictRow(ReadOnlySpan<float> input, Span<float> output);

    public required string Name { get; init; }
    public required int InputSize { get; init; }
    public required int OutputSize { get; init; }
    public required PredictRow Predict { get; init; }

    /// <summary>Prints the line and returns whether the model met its tolerance and reproduced the recorded test errors.</summary>
    public bool Run(string modelsDirectory)
    {
        string folder = Path.Combine(modelsDirectory, Name);
        var reference = MzArrays.LoadNpz(Path.Combine(folder, "reference.npz"));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "model.json")));
        var tolerance = json.RootElement.GetProperty("reference").GetProperty("suggested_tolerance");
        double atol = tolerance.TryGetProperty("atol", out var a) ? a.GetDouble() : 0;
        double rtol = tolerance.TryGetProperty("rtol", out var r) ? r.GetDouble() : 0;
        int expectedErrors = json.RootElement.GetProperty("metrics").GetProperty("test_errors").GetInt32();

        var x = Evaluate(reference["x"]);
        var edge = Evaluate(reference["x_edge"]);
        double maxError = Math.Max(MaxError(x, reference["y_f64"], atol, rtol, out bool okMain), MaxError(edge, reference["y_edge_f64"], atol, rtol, out bool okEdge));
        bool withinTolerance = okMain && okEdge;

        int errors = TestErrors(x, reference["is_test"], reference["target"], out int testRows);
        string accuracy = testRows == 0 ? "NA" : ((double)(testRows - errors) / testRows).ToString("F6", CultureInfo.InvariantCulture);
        double microseconds = MedianMicrosecondsPerRow(Predict, reference["x"], InputSize, OutputSize);
        long rows = reference["x"].Rows + reference["x_edge"].Rows;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model={Name} rows={rows} accuracy={accuracy} max_abs_err={maxError:G3} within_tol={(withinTolerance ? "true" : "false")} us_per_row={microseconds:F3}"));
        if (errors != expectedErrors)
            Console.Error.WriteLine($"  {Name}: {errors} test errors, model.json records {expectedErrors}");
        return withinTolerance && errors == expectedErrors;
    }

    private float[] Evaluate(NpyArray inputs)
    {
        var x = inputs.ToSingles();
        int rows = (int)inputs.Rows;
        var y = new float[rows * OutputSize];
        for (int i = 0; i < rows; i++)
            Predict(x.AsSpan(i * InputSize, InputSize), y.AsSpan(i * OutputSize, OutputSize));
        return y;
    }

    private static double MaxError(float[] actual, NpyArray expected, double atol, double rtol, out bool within)
    {
        double max = 0;
        within = actual.Length == expected.Data.Length;
        for (int i = 0; i < Math.Min(actual.Length, expected.Data.Length); i++)
        {
            double diff = Math.Abs(actual[i] - expected.Data[i]);
            if (!(diff <= atol + rtol * Math.Abs(expected.Data[i]))) within = false;
            if (!(diff <= max)) max = diff;
        }
        return max;
    }

    /// <summary>Class = argmax of the outputs, or p ≥ 0.5 for a single sigmoid output.</summary>
    private int TestErrors(float[] y, NpyArray isTest, NpyArray target, out int testRows)
    {
        int errors = 0;
        testRows = 0;
        for (int row = 0; row < isTest.Data.Length; row++)
        {
            if (isTest.Data[row] == 0) continue;
            testRows++;
            var output = y.AsSpan(row * OutputSize, OutputSize);
            int predicted = OutputSize == 1 ? (output[0] >= 0.5f ? 1 : 0) : ArgMax(output);
            if (predicted != (int)target.Data[row]) errors++;
        }
        return errors;
    }

    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>Batch-1 latency: several timed passes over all rows after a warm-up; the median pass.</summary>
    internal static double MedianMicrosecondsPerRow(PredictRow predict, NpyArray inputs, int inputSize, int outputSize)
    {
        var x = inputs.ToSingles();
        int rows = (int)inputs.Rows;
        var y = new float[outputSize];
        // Warm up for a third of a second first: tiered compilation optimises a method only after ~100 ms of calls,
        // and a fast network finishes all its timed passes before that.
        long warmUp = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warmUp).TotalMilliseconds < 300)
            for (int i = 0; i < rows; i += 7) predict(x.AsSpan(i * inputSize, inputSize), y);
        var passes = new List<double>();
        for (int pass = 0; pass < 8; pass++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < rows; i++) predict(x.AsSpan(i * inputSize, inputSize), y);
            double elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds / rows;
            if (pass >= 2) passes.Add(elapsed);
        }
        passes.Sort();
        return passes[passes.Count / 2];
    }
}
