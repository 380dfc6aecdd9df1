using System.Globalization;
using Mz.Core.Data;

namespace Mz.Sample;

/// <summary>
/// Runs a network's MZ-reduced entry point over the test rows of its reference data, next to the full one, and prints
/// the report line: test accuracy, error against the float64 reference, whether the relative L2 error of the outputs
/// meets the tolerance the reduction declared, latency, MACs ratio and top-1 agreement with the full network.
/// </summary>
internal sealed class ReducedReferenceCheck
{
    public required string Name { get; init; }
    public required int InputSize { get; init; }
    public required int OutputSize { get; init; }
    public required ReferenceCheck.PredictRow Predict { get; init; }
    public required ReferenceCheck.PredictRow PredictReduced { get; init; }
    public required double Tolerance { get; init; }
    public required double MacsRatio { get; init; }

    /// <summary>Prints the line; returns whether the reduced outputs met the declared tolerance on the test rows.</summary>
    public bool Run(string modelsDirectory)
    {
        var reference = MzArrays.LoadNpz(Path.Combine(modelsDirectory, Name, "reference.npz"));
        var x = reference["x"].ToSingles();
        var expected = reference["y_f64"].Data;
        var isTest = reference["is_test"].Data;
        var target = reference["target"].Data;

        var full = new float[OutputSize];
        var reduced = new float[OutputSize];
        int rows = 0, correct = 0, agree = 0;
        double maxError = 0, errorSquares = 0, referenceSquares = 0;
        for (int row = 0; row < isTest.Length; row++)
        {
            if (isTest[row] == 0) continue;
            rows++;
            var input = x.AsSpan(row * InputSize, InputSize);
            Predict(input, full);
            PredictReduced(input, reduced);
            for (int j = 0; j < OutputSize; j++)
            {
                double diff = reduced[j] - expected[row * OutputSize + j];
                maxError = Math.Max(maxError, Math.Abs(diff));
                errorSquares += diff * diff;
                referenceSquares += expected[row * OutputSize + j] * expected[row * OutputSize + j];
            }
            int predicted = Predicted(reduced);
            if (predicted == (int)target[row]) correct++;
            if (predicted == Predicted(full)) agree++;
        }
        double relativeError = Math.Sqrt(errorSquares / Math.Max(referenceSquares, double.Epsilon));
        bool withinTolerance = rows > 0 && relativeError <= Tolerance;
        double microseconds = ReferenceCheck.MedianMicrosecondsPerRow(PredictReduced, reference["x"], InputSize, OutputSize);
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c,
            $"model={Name}-reduced rows={rows} accuracy={(rows == 0 ? 0 : (double)correct / rows):F6} max_abs_err={maxError:G3} within_tol={(withinTolerance ? "true" : "false")} us_per_row={microseconds:F3} macs_ratio={MacsRatio:F2} top1_agree={(rows == 0 ? 0 : (double)agree / rows):F6}"));
        Console.WriteLine(string.Create(c, $"  {Name}-reduced: relative L2 error on the test rows {relativeError:G4} (declared tolerance {Tolerance:G4}; within_tol compares this, max_abs_err is the largest single logit difference)"));
        return withinTolerance;
    }

    private int Predicted(ReadOnlySpan<float> output) => OutputSize == 1 ? (output[0] >= 0.5f ? 1 : 0) : ReferenceCheck.ArgMax(output);
}
