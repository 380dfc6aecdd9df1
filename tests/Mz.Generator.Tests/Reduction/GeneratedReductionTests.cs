extern alias gen;
using Microsoft.CodeAnalysis;
using Mz.Core.Analysis;
using Mz.Core.Reduction;
using Mz.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Reduction;

/// <summary>
/// [MzReduce] through the real generator on digits-resmlp-deep: the generated PredictReduced equals the library's
/// reduced network, meets the accuracy targets on unseen test rows, counts its MACs exactly (MZ.md §7.2 test
/// 13), regenerates bit-identically (test 14), never ships a model over tolerance (test 15), and guards its inputs.
/// </summary>
public sealed class GeneratedReductionTests
{
    private readonly ITestOutputHelper _output;

    public GeneratedReductionTests(ITestOutputHelper output) { _output = output; }

    private static ReducedNetworkBuild Build => ReducedNetworkBuild.Digits.Value;

    private static float[] TestInputs(out double[] logits, out double[] labels, out int rows)
    {
        var (inputs, y, target) = ReductionNetworks.DigitsTestRows();
        rows = inputs.RowCount;
        logits = y.ToRowMajorArray();
        labels = target;
        return inputs.ToRowMajorArray().Select(v => (float)v).ToArray();
    }

    [Fact]
    public void GeneratedReducedNetworkEqualsTheLibrarySearchResult()
    {
        var build = Build;
        var chosen = build.Library.Chosen;
        Assert.NotNull(chosen);
        var summary = build.Net.Summary;
        Assert.True(build.Net.IsReduced);
        Assert.True(summary.MeetsTolerance);
        Assert.Equal(chosen!.MacCount, summary.ReducedMacCount);
        Assert.Equal(chosen.ValidationError, summary.ValidationError);
        Assert.Equal(chosen.Rank, summary.Rank);
        Assert.Equal(chosen.MemoryLength, summary.MemoryLength);
        Assert.Equal(chosen.Depth, summary.Depth);
        Assert.Equal(135_808, summary.FullMacCount);
        Assert.Equal(chosen.MacCount, build.Net.ReducedMultiplyAdds);

        // Float32 generated code against the float64 library network, row by row.
        var x = TestInputs(out _, out _, out int rows);
        var generated = build.Net.ReducedRows(x);
        double worst = 0;
        for (int i = 0; i < rows; i++)
        {
            var expected = chosen.Network!.Evaluate(x.Skip(i * 64).Take(64).Select(v => (double)v).ToArray());
            for (int j = 0; j < expected.Length; j++)
            {
                double error = Math.Abs(generated[i * 10 + j] - expected[j]) / (1 + Math.Abs(expected[j]));
                worst = Math.Max(worst, error);
            }
        }
        _output.WriteLine($"worst relative difference generated float32 vs library float64: {worst:E2}");
        Assert.True(worst <= 1e-4, $"generated reduced code differs from the library network by {worst:E2}");

        // The summary prints what shipped and how it validated.
        var text = summary.ToString();
        _output.WriteLine(text);
        Assert.Contains($"{chosen.MacCount} instead of 135808 multiply-adds", text);
        Assert.Contains(chosen.ValidationError.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) + " on 287 held-out rows", text);
        Assert.Contains(chosen.FitError.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) + " on 1150 fit rows", text);

        // The Analysis report carries the same summary.
        var analysis = (Mz.Core.Analysis.AnalysisReport)build.Net.Type.GetProperty("Analysis")!.GetValue(null)!;
        Assert.Same(summary, analysis.Reduction);

        var diagnostic = Assert.Single(build.Run.GeneratorDiagnostics, d => d.Id == "MZ0404" && d.GetMessage().Contains("'R.Net'"));
        Assert.Equal(DiagnosticSeverity.Info, diagnostic.Severity);
        Assert.Contains(chosen.MacCount.ToString(System.Globalization.CultureInfo.InvariantCulture), diagnostic.GetMessage());
        Assert.DoesNotContain(build.Run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void ReducedModelMeetsTheTargetsOnUnseenTestRows()
    {
        var build = Build;
        var x = TestInputs(out var logits, out var labels, out int rows);
        var reduced = build.Net.ReducedRows(x);
        var full = build.Net.Full.PredictRows(x);
        double errorSquares = 0, referenceSquares = 0;
        int correct = 0, agree = 0;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < 10; j++)
            {
                errorSquares += Math.Pow(reduced[i * 10 + j] - logits[i * 10 + j], 2);
                referenceSquares += logits[i * 10 + j] * logits[i * 10 + j];
            }
            int predicted = ArgMax(reduced, i);
            if (predicted == (int)labels[i]) correct++;
            if (predicted == ArgMax(full, i)) agree++;
        }
        double relative = Math.Sqrt(errorSquares / referenceSquares), accuracy = (double)correct / rows, agreement = (double)agree / rows;
        var summary = build.Net.Summary;
        _output.WriteLine($"{summary.FullMacCount}/{summary.ReducedMacCount} MACs = {summary.MacRatio:F2}x, r={summary.Rank} K={summary.MemoryLength} depth={summary.Depth} J={summary.HiddenUnits}; " +
            $"validation {summary.ValidationError:F4}; test relative error {relative:F4}, accuracy {accuracy:F4}, top-1 agreement {agreement:F4}; K=0 best {summary.MarkovMacRatio:F2}x");
        Assert.True(summary.MacRatio >= 12, $"MACs ratio {summary.MacRatio:F2}");
        Assert.True(relative <= 0.025, $"test relative error {relative:F4}");
        Assert.True(accuracy >= 0.96, $"test accuracy {accuracy:F4}");
        Assert.True(agreement >= 0.99, $"top-1 agreement with the full network {agreement:F4}");
    }

    [Fact]
    public void BatchAndRowCallsAgreeBitForBitAndAllocateNothing()
    {
        var net = Build.Net;
        var x = TestInputs(out _, out _, out _);
        var rows = net.ReducedRows(x);
        Assert.Equal(rows, net.ReducedBatch(x));

        var input = x.AsSpan(0, 64).ToArray();
        var output = new float[10];
        var batchOutput = new float[rows.Length];
        // Warm-up: scratch is rented and the code tiers up. Steady state means some window of calls allocates nothing
        // (a window may still catch the JIT's own bookkeeping for a method that is tiering up on this thread).
        for (int i = 0; i < 200; i++)
        {
            net.PredictReduced(input, output);
            net.PredictReducedBatch(x, batchOutput);
        }
        long fewest = long.MaxValue;
        for (int attempt = 0; attempt < 5 && fewest > 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                net.PredictReduced(input, output);
                net.PredictReducedBatch(x, batchOutput);
            }
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, fewest);
    }

    [Fact]
    public void WrongLengthsThrowWithExpectedAndActualSizes()
    {
        var net = Build.Net;
        var e = Assert.Throws<ArgumentException>(() => net.PredictReduced(new float[63], new float[10]));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("64", e.Message);
        Assert.Contains("63", e.Message);
        e = Assert.Throws<ArgumentException>(() => net.PredictReducedBatch(new float[128], new float[30]));
        Assert.Equal("outputs", e.ParamName);
        Assert.Contains("2 rows", e.Message);
    }

    /// <summary>MZ.md §7.2 test 13: the reported MACs equal the multiply-adds of the kernel calls in the generated code.</summary>
    [Fact]
    public void ReportedMacsEqualTheOperationsInTheGeneratedCode()
    {
        foreach (var (type, entry) in new[] { ("Net", Build.Net), ("Guarded", Build.Guarded) })
        {
            long counted = GeneratedReducedCode.CountMultiplyAdds(Build.ReducedSource(type), out int calls);
            _output.WriteLine($"{type}: {calls} kernel calls, {counted} multiply-adds; reported {entry.ReducedMultiplyAdds}");
            Assert.Equal(entry.ReducedMultiplyAdds, counted);
            Assert.Equal(entry.Summary.ReducedMacCount + entry.Summary.GuardMacCount, counted);
        }
        Assert.Equal(Build.Library.Chosen!.Network!.MacCount, Build.Net.ReducedMultiplyAdds);
    }

    /// <summary>MZ.md §7.2 test 14: the same weights and calibration rows regenerate byte-identical reduced code.</summary>
    [Fact]
    public void RegeneratingFromScratchGivesByteIdenticalReducedCode()
    {
        var first = Build.ReducedSource("Net");
        gen::Mz.Generator.Planning.ReductionPlanning.Cache.Clear();
        var again = ReducedNetworkBuild.Harness(ReducedNetworkBuild.Source()).Run();
        var second = again.GeneratedSources.Single(s => s.HintName == "R.Net.Mz.Reduced.g.cs").SourceText.ToString();
        Assert.Equal(first, second);
        Assert.Equal(Build.ReducedSource("Guarded"), again.GeneratedSources.Single(s => s.HintName == "R.Guarded.Mz.Reduced.g.cs").SourceText.ToString());
    }

    [Fact]
    public void GuardRunsTheFullNetworkOutsideTheCalibratedRegion()
    {
        var build = Build;
        var guarded = build.Guarded;
        Assert.True(guarded.Summary.Guarded);
        var x = TestInputs(out _, out _, out int rows);
        long before = (long)guarded.Type.GetProperty("ReducedGuardFallbacks")!.GetValue(null)!;
        var withGuard = guarded.ReducedRows(x);
        long fallbacks = (long)guarded.Type.GetProperty("ReducedGuardFallbacks")!.GetValue(null)! - before;
        var plain = build.Net.ReducedRows(x);
        var full = guarded.Full.PredictRows(x);
        int same = 0;
        for (int i = 0; i < rows; i++)
        {
            var row = withGuard.AsSpan(i * 10, 10);
            if (row.SequenceEqual(plain.AsSpan(i * 10, 10))) same++;
            else Assert.True(row.SequenceEqual(full.AsSpan(i * 10, 10)), $"row {i} is neither the reduced nor the full result");
        }
        _output.WriteLine($"{fallbacks} of {rows} unseen test rows fell back to the full network");
        Assert.Equal(rows - same, fallbacks);
        Assert.True(fallbacks <= rows / 20, $"{fallbacks} of {rows} in-distribution rows fell back");

        // Far outside the data (pixel values fifty times their range) and NaN: the full network answers.
        foreach (var scale in new[] { 50f, float.NaN })
        {
            var far = x.Take(64).Select(v => v * scale).ToArray();
            var reduced = new float[10];
            var exact = new float[10];
            guarded.PredictReduced(far, reduced);
            guarded.Full.Predict(far, exact);
            Assert.Equal(exact, reduced);
        }

        // Inputs unlike the calibration digits although their pixels stay in range — digits under strong pixel noise,
        // inverted digits — are caught by the input's own check; unguarded, the reduced network errs badly on them.
        var random = new Random(4);
        foreach (var (name, change) in new (string, Func<float, int, float>)[] { ("noise", (v, j) => v + (float)(random.NextDouble() * 8 - 4)), ("inverted", (v, j) => 16 - v) })
        {
            var odd = x.Select((v, j) => change(v, j)).ToArray();
            var exact = guarded.Full.PredictRows(odd);
            var unguarded = build.Net.ReducedRows(odd);
            double error = 0, size = 0;
            for (int i = 0; i < exact.Length; i++) { error += Math.Pow(unguarded[i] - exact[i], 2); size += exact[i] * exact[i]; }
            long start = (long)guarded.Type.GetProperty("ReducedGuardFallbacks")!.GetValue(null)!;
            Assert.Equal(exact, guarded.ReducedRows(odd));
            long caught = (long)guarded.Type.GetProperty("ReducedGuardFallbacks")!.GetValue(null)! - start;
            _output.WriteLine($"{name}: unguarded relative error {Math.Sqrt(error / size):F3}; the guard sent {caught} of {rows} rows to the full network");
            Assert.Equal(rows, caught);
        }
    }

    /// <summary>MZ.md §7.2 test 15 through the generator: an unreachable tolerance ships no reduced network.</summary>
    [Fact]
    public void UnreachableToleranceKeepsTheFullNetworkWithAWarning()
    {
        var run = Reduce("Tolerance = 1e-7, MaxMemory = 0, Hyper = MzHyper.Off", "Cancer", new TrainedModel("cancer-mlp").OnnxBytes, File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, "cancer-mlp", "train.npz")));
        var warning = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "MZ0405");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("1E-07", warning.GetMessage());
        var net = new ReducedEntryPoints(run.EmitAndLoad(), "R.Cancer");
        Assert.False(net.IsReduced);
        Assert.False(net.Summary.MeetsTolerance);
        Assert.True(net.Summary.BestError > 1e-7);
        Assert.Contains(net.Summary.BestError.ToString("G4", System.Globalization.CultureInfo.InvariantCulture), warning.GetMessage());
        Assert.Equal((long)net.Type.GetField("MultiplyAdds")!.GetValue(null)!, net.ReducedMultiplyAdds);

        var reference = new TrainedModel("cancer-mlp").Reference["x"].ToSingles();
        Assert.Equal(net.Full.PredictRows(reference), net.ReducedRows(reference));
        Assert.Equal(net.Full.PredictAll(reference), net.ReducedBatch(reference));
    }

    /// <summary>
    /// The tolerance is on what Predict returns: for cancer-mlp, sigmoid probabilities, not the logits behind them. The
    /// validation error the build reports is that of the generated PredictReduced's probabilities on the validation
    /// rows (recomputed here from the library's split), and it differs from the logits' error.
    /// </summary>
    [Fact]
    public void TheToleranceHoldsForTheOutputsCallersGetAndTheLogitsBehindThem()
    {
        var rows = Mz.Tests.Analysis.TrainedModelAnalysisTests.TrainingRows("cancer-mlp");
        var view = LayerView.FromGraph(Mz.Tests.Analysis.LayerViewTests.Prepare("cancer-mlp"));
        Assert.Equal(OutputActivation.Sigmoid, view.OutputActivation);
        var run = Reduce("Tolerance = 0.05, MaxMemory = 0, Guard = true", "Cancer", new TrainedModel("cancer-mlp").OnnxBytes,
            File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, "cancer-mlp", "train.npz")));
        var net = new ReducedEntryPoints(run.EmitAndLoad(), "R.Cancer");
        Assert.True(net.IsReduced);

        // The build's split: the calibration rows are all distinct here, so it is the library's split of them.
        var calibration = new ReductionCalibration(view, rows, validationFraction: 0.2, seed: 1);
        Assert.Equal(net.Summary.ValidationRows, calibration.ValidationInputs.RowCount);
        var x = calibration.ValidationInputs.ToRowMajorArray().Select(v => (float)v).ToArray();
        var reduced = net.ReducedRows(x);
        double error = 0, size = 0;
        for (int i = 0; i < reduced.Length; i++)
        {
            double exact = calibration.ValidationOutputs.ToRowMajorArray()[i];
            Assert.InRange(reduced[i], 0f, 1f);
            error += (reduced[i] - exact) * (reduced[i] - exact);
            size += exact * exact;
        }
        double outputError = Math.Sqrt(error / size);

        // The logits' error of the same model is another number (the sigmoid squashes the large logits); the tolerance
        // bounds both, and the reported error is the larger.
        var chosen = MzReductionSearch.Run(calibration, 0.05, MzReducerOptions.StandardSearch(0)).Chosen!.Network!;
        double logitError = OutputErrors.RelativeL2(chosen.EvaluateRows(calibration.ValidationInputs), calibration.ValidationLogits);
        _output.WriteLine($"cancer-mlp: reported {net.Summary.ValidationError:G6}, generated probabilities {outputError:G6}, the library model's logits {logitError:G6}");
        Assert.True(Math.Abs(logitError - outputError) > 0.1 * outputError, $"logits {logitError} vs outputs {outputError}");
        Assert.Equal(net.Summary.ValidationError, Math.Max(outputError, logitError), 4);
        Assert.True(outputError <= 0.05);
        Assert.True(logitError <= 0.05);

        // MZ0404 quotes the cost PredictReduced pays, the guard's checks included.
        var chosenInfo = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "MZ0404");
        Assert.Contains($"costs {net.ReducedMultiplyAdds} instead of", chosenInfo.GetMessage());
        Assert.Contains($"guard's checks are {net.Summary.GuardMacCount} of those", chosenInfo.GetMessage());
    }

    [Theory]
    [InlineData("", "add Calibration = \"data/train.npz:x\" to [MzNetwork]")]
    [InlineData(", Calibration = \" \"", "[MzNetwork]'s Calibration is empty")]
    public void ReductionWithoutCalibrationRowsIsAnArgumentError(string calibration, string message)
    {
        var run = new GeneratorHarness()
            .AddSource($$"""
                using Mz;
                namespace R;
                [MzNetwork("m.onnx"{{calibration}})]
                [MzReduce(Tolerance = 0.01)]
                public static partial class Net { }
                """)
            .AddModel("m.onnx", new TrainedModel("digits-mlp").OnnxBytes)
            .Run();
        var error = Assert.Single(run.AnalyzerDiagnostics(), d => d.Id == "MZ0003");
        Assert.Contains("MzReduce.Calibration", error.GetMessage());
        Assert.Contains(message, error.GetMessage());
        Assert.Contains("[MzReduce(Tolerance = 0.01)]", error.Location.SourceTree!.ToString().Substring(error.Location.SourceSpan.Start - 1, 29));
    }

    [Theory]
    [InlineData("Tolerance = 0", "must be a positive number")]
    [InlineData("Tolerance = double.NaN", "must be a positive number, got NaN")]
    [InlineData("MaxMemory = 1", "set the relative L2 output error")]
    [InlineData("Tolerance = 0.01, MaxMemory = 9", "between 0 and 8")]
    [InlineData("Tolerance = 0.01, Margin = 0.5", "at least 1")]
    [InlineData("Tolerance = 1", "must be below 1")]
    [InlineData("Tolerance = 0.01, Basis = (MzBasis)7", "unknown value 7")]
    public void BadReductionArgumentsAreDiagnosedAtTheAttribute(string arguments, string message)
    {
        // The user's code calls the generated members: they must still exist, so MZ0003 is the build's only error.
        var run = new GeneratorHarness()
            .AddSource($$"""
                using Mz;
                namespace R;
                [MzNetwork("m.onnx", Calibration = "data/train.npz:x")]
                [MzReduce({{arguments}})]
                public static partial class Net { }

                public static class User
                {
                    public static void Call(float[] x, float[] y)
                    {
                        Net.Predict(x, y);
                        Net.PredictReduced(x, y);
                        System.Console.WriteLine(Net.Reduction.Reason + Net.InputSize);
                    }
                }
                """)
            .AddModel("m.onnx", new TrainedModel("digits-mlp").OnnxBytes)
            .Run();
        var error = Assert.Single(run.AnalyzerDiagnostics(), d => d.Id == "MZ0003");
        Assert.Contains(message, error.GetMessage());
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains(run.GeneratedSources, s => s.HintName == "R.Net.Mz.Reduced.g.cs");
    }

    [Fact]
    public void TooFewCalibrationRowsAreDiagnosedAndKeepTheFullNetwork()
    {
        var rows = new Mz.Benchmarks.Models.NpzWriter().Add("x", Enumerable.Range(0, 20 * 64).Select(i => (float)(i % 17)).ToArray(), 20, 64).ToArray();
        var run = Reduce("Tolerance = 0.05", "Net", new TrainedModel("digits-mlp").OnnxBytes, rows);
        var warning = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "MZ0406");
        Assert.Contains("20 calibration rows are too few", warning.GetMessage());
        var net = new ReducedEntryPoints(run.EmitAndLoad(), "R.Net");
        Assert.False(net.IsReduced);
        var x = new TrainedModel("digits-mlp").Reference["x"].ToSingles().Take(64 * 5).ToArray();
        Assert.Equal(net.Full.PredictRows(x), net.ReducedRows(x));
    }

    /// <summary>
    /// PredictReduced and PredictReducedBatch (plain and guarded) and the full Predict from eight threads at once give the
    /// single-threaded results bit for bit. About two seconds; MZ_SOAK_SECONDS sets a longer run.
    /// </summary>
    [Fact]
    public void EightThreadsGetExactlyTheSingleThreadedResults()
    {
        var build = Build;
        var x = TestInputs(out _, out _, out _);
        var calls = new Func<float[]>[]
        {
            () => build.Net.ReducedRows(x),
            () => build.Net.ReducedBatch(x),
            () => build.Guarded.ReducedRows(x),
            () => build.Guarded.ReducedBatch(x),
            () => build.Net.Full.PredictRows(x),
        };
        var expected = calls.Select(call => call()).ToArray();
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("MZ_SOAK_SECONDS"), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 2;
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        int failures = 0, rounds = 0;
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            for (int round = 0; DateTime.UtcNow < deadline || round == 0; round++)
            {
                int which = (t + round) % calls.Length;
                if (!calls[which]().AsSpan().SequenceEqual(expected[which])) Interlocked.Increment(ref failures);
                Interlocked.Increment(ref rounds);
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        _output.WriteLine($"{rounds} calls of 360 rows each from 8 threads in {seconds} s");
        Assert.Equal(0, failures);
    }

    /// <summary>A graph the layer view does not cover (a lone Sin) gets MZ0406 and an exact PredictReduced, never a crash.</summary>
    [Fact]
    public void NetworkOutsideTheLayerViewIsDiagnosedAndKeepsTheFullNetwork()
    {
        var rows = new Mz.Benchmarks.Models.NpzWriter().Add("x", Enumerable.Range(0, 80 * 8).Select(i => (float)Math.Sin(i)).ToArray(), 80, 8).ToArray();
        var run = new GeneratorHarness()
            .AddSource("""
                using Mz;
                namespace R;
                [MzNetwork("sin.onnx", Calibration = "data/rows.npz:x")]
                [MzReduce(Tolerance = 0.05)]
                public static partial class Net { }
                """)
            .AddModel("sin.onnx", Mz.Tests.Conformance.TinyGraphs.Unary("Sin", 8))
            .AddModel("data/rows.npz", rows, kind: "calibration", format: "npz")
            .Run();
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "MZ0999");
        var warning = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "MZ0406");
        Assert.Contains("cannot be reduced", warning.GetMessage());
        var net = new ReducedEntryPoints(run.EmitAndLoad(), "R.Net");
        Assert.False(net.IsReduced);
        var x = Enumerable.Range(0, 16).Select(i => i * 0.25f).ToArray();
        Assert.Equal(net.Full.PredictRows(x), net.ReducedRows(x));
    }

    /// <summary>
    /// Calibration rows that are all the same row would validate a reduction on its own fit data: MZ0406 and the full
    /// network, never a model that is only right at one point.
    /// </summary>
    [Fact]
    public void RepeatedCalibrationRowsAreDiagnosedAndKeepTheFullNetwork()
    {
        var row = new TrainedModel("cancer-mlp").Reference["x"].ToSingles().Take(30).ToArray();
        var rows = new Mz.Benchmarks.Models.NpzWriter().Add("x", Enumerable.Range(0, 120).SelectMany(i => i % 3 == 0 ? row.Select(v => v + 1f) : row).ToArray(), 120, 30).ToArray();
        var run = Reduce("Tolerance = 0.01, MaxMemory = 1", "Net", new TrainedModel("cancer-mlp").OnnxBytes, rows);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "MZ0999" || d.Severity == DiagnosticSeverity.Error);
        var warning = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "MZ0406");
        Assert.Contains("only 2 distinct rows", warning.GetMessage());
        var net = new ReducedEntryPoints(run.EmitAndLoad(), "R.Net");
        Assert.False(net.IsReduced);
        Assert.Equal(net.Full.PredictRows(row), net.ReducedRows(row));
    }

    /// <summary>
    /// Inputs of magnitude 1e20 (squares beyond float32) are checked in units of their own scale: the calibration rows
    /// stay inside the guarded region and rows pushed far out still run through the full network.
    /// </summary>
    [Fact]
    public void TheGuardWorksForInputsWhoseSquaresLeaveFloat32()
    {
        var x = new TrainedModel("cancer-mlp").Reference["x"].Data;
        int count = x.Length / 30;
        var large = x.Select(v => v * 1e20).ToArray();
        var rows = new Mz.Benchmarks.Models.NpzWriter().Add("x", large, count, 30).ToArray();
        var run = Reduce("Tolerance = 0.05, Guard = true", "Net", new TrainedModel("cancer-mlp").OnnxBytes, rows);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "MZ0999" || d.Severity == DiagnosticSeverity.Error);
        Assert.Contains("inputScale:", run.GeneratedSources.Single(s => s.HintName == "R.Net.Mz.Reduced.g.cs").SourceText.ToString());
        var net = new ReducedEntryPoints(run.EmitAndLoad(), "R.Net");
        Assert.True(net.IsReduced);
        var fallbacks = net.Type.GetProperty("ReducedGuardFallbacks")!;
        var inside = large.Select(v => (float)v).ToArray();
        net.ReducedRows(inside);
        long calibrationFallbacks = (long)fallbacks.GetValue(null)!;
        Assert.True(calibrationFallbacks <= count / 100, $"{calibrationFallbacks} of {count} calibration rows left the guarded region");
        var outside = inside.Take(30 * 10).Select(v => v * 50).ToArray();
        Assert.Equal(net.Full.PredictRows(outside), net.ReducedRows(outside));
        Assert.Equal(calibrationFallbacks + 10, (long)fallbacks.GetValue(null)!);
    }

    /// <summary>
    /// With [MzNetwork(MaxThreads = 2)] PredictReducedBatch splits large batches over threads, as PredictBatch does, and
    /// returns the row-by-row results bit for bit (guarded rows falling back to the full network included).
    /// </summary>
    [Fact]
    public void ReducedBatchUsesTheThreadsPredictBatchMayUse()
    {
        var x = new TrainedModel("cancer-mlp").Reference["x"].ToSingles();
        int count = x.Length / 30;
        var rows = new Mz.Benchmarks.Models.NpzWriter().Add("x", x, count, 30).ToArray();
        var run = new GeneratorHarness()
            .AddSource("""
                using Mz;
                namespace R;
                [MzNetwork("m.onnx", Calibration = "data/rows.npz:x", MaxThreads = 2)]
                [MzReduce(Tolerance = 0.05, Guard = true)]
                public static partial class Net { }
                """)
            .AddModel("m.onnx", new TrainedModel("cancer-mlp").OnnxBytes)
            .AddModel("data/rows.npz", rows, kind: "calibration", format: "npz")
            .Run();
        Assert.Contains("MzParallel.ForRows", run.GeneratedSources.Single(s => s.HintName == "R.Net.Mz.Reduced.g.cs").SourceText.ToString());
        var net = new ReducedEntryPoints(run.EmitAndLoad(), "R.Net");
        Assert.True(net.IsReduced);
        // 4,000 rows: well above the parallel threshold; every tenth row pushed out of the calibrated region.
        var many = Enumerable.Range(0, 4000).SelectMany(i => x.Skip(i % count * 30).Take(30).Select(v => i % 10 == 0 ? v * 50 : v)).ToArray();
        Assert.Equal(net.ReducedRows(many), net.ReducedBatch(many));
    }

    /// <summary>
    /// Rows scaled far below what the network reads (×1e-22: every pre-activation rounds to its bias) give every fit row
    /// the same layer state: nothing to fit, so MZ0406 says why and PredictReduced is the full network, never a crash.
    /// </summary>
    [Fact]
    public void RowsThatCannotMoveTheNetworkAreDiagnosedAndKeepTheFullNetwork()
    {
        var x = new TrainedModel("cancer-mlp").Reference["x"].ToSingles();
        int count = x.Length / 30;
        var rows = new Mz.Benchmarks.Models.NpzWriter().Add("x", x.Select(v => v * 1e-22).ToArray(), count, 30).ToArray();
        var run = Reduce("Tolerance = 0.05", "Net", new TrainedModel("cancer-mlp").OnnxBytes, rows);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "MZ0999" || d.Severity == DiagnosticSeverity.Error);
        var warning = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "MZ0406");
        Assert.Contains("fit rows give the same layer-", warning.GetMessage());
        // The analysis of the same rows says why its table is all zeros.
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "MZ0402" && d.GetMessage().Contains("the calibration rows do not move layer state X_"));
        var net = new ReducedEntryPoints(run.EmitAndLoad(), "R.Net");
        Assert.False(net.IsReduced);
        var some = x.Take(30 * 4).ToArray();
        Assert.Equal(net.Full.PredictRows(some), net.ReducedRows(some));
    }

    /// <summary>Values beyond float32 (which the generated inputs cannot hold, and whose squares overflow the analysis) are a calibration error naming the first row.</summary>
    [Fact]
    public void CalibrationValuesBeyondTheFloat32RangeAreRefused()
    {
        var x = new TrainedModel("cancer-mlp").Reference["x"].ToSingles();
        int count = x.Length / 30;
        var rows = new Mz.Benchmarks.Models.NpzWriter().Add("x", x.Select((v, i) => i >= 30 * 7 ? v * 1e150 : v).ToArray(), count, 30).ToArray();
        var run = Reduce("Tolerance = 0.05", "Net", new TrainedModel("cancer-mlp").OnnxBytes, rows);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "MZ0999");
        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "MZ0106");
        Assert.Contains($"{count - 7} of {count} rows of 'x' hold values beyond the float32 range", error.GetMessage());
        Assert.Contains("first: row 7", error.GetMessage());
    }

    /// <summary>
    /// A network with two inputs is outside the analysis (Info MZ0403); with [MzReduce] the build also warns (MZ0406)
    /// and the summary says why, rather than a reduction that quietly does nothing.
    /// </summary>
    [Fact]
    public void TwoInputNetworkIsDiagnosedAndKeepsTheFullNetwork()
    {
        var random = new Random(8);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var model = new OnnxModelBuilder(13)
            .Input("a", new long?[] { null, 4 }).Input("b", new long?[] { null, 4 })
            .Output("y", new long?[] { null, 3 })
            .Initializer("w", new long[] { 3, 4 }, Values(12)).Initializer("c", new long[] { 3 }, Values(3))
            .Node("Add", new[] { "a", "b" }, new[] { "sum" })
            .Node("Gemm", new[] { "sum", "w", "c" }, new[] { "y" }, ("transB", 1L))
            .Build();
        var rows = new Mz.Benchmarks.Models.NpzWriter().Add("x", Values(400), 100, 4).ToArray();
        var run = Reduce("Tolerance = 0.05", "TwoInputs", model, rows);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "MZ0999" || d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "MZ0403");
        var warning = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "MZ0406");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("single-input network; this one has 2 inputs", warning.GetMessage());
        var type = run.EmitAndLoad().GetType("R.TwoInputs")!;
        var summary = (ReductionSummary)type.GetProperty("Reduction")!.GetValue(null)!;
        Assert.False(summary.MeetsTolerance);
        Assert.Contains("single-input", summary.Reason);
        Assert.True(double.IsNaN(summary.BestError));
    }

    /// <summary>
    /// Exports with a fixed batch of one ([1, features]) are analysed and reduced from calibration rows like any other
    /// (the interpreter check runs them one row at a time); a network with no hidden layer is refused with that reason.
    /// </summary>
    [Fact]
    public void FixedBatchAndLayerlessNetworksAreHandledWithoutInternalErrors()
    {
        var random = new Random(12);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        byte[] Mlp(long? batch, bool hidden)
        {
            var builder = new OnnxModelBuilder(13).Input("x", new long?[] { batch, 4 }).Output("y", new long?[] { batch, 3 })
                .Initializer("w1", new long[] { 6, 4 }, Values(24)).Initializer("b1", new long[] { 6 }, Values(6))
                .Initializer("w2", new long[] { 3, 6 }, Values(18)).Initializer("b2", new long[] { 3 }, Values(3))
                .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "a" }, ("transB", 1L));
            if (hidden) builder.Node("Tanh", new[] { "a" }, new[] { "h" });
            return builder.Node("Gemm", new[] { hidden ? "h" : "a", "w2", "b2" }, new[] { "y" }, ("transB", 1L)).Build();
        }
        var rows = new Mz.Benchmarks.Models.NpzWriter().Add("x", Values(4 * 200).Select(v => v * 4).ToArray(), 200, 4).ToArray();

        var fixedBatch = Reduce("Tolerance = 0.05", "FixedBatch", Mlp(1, hidden: true), rows);
        Assert.DoesNotContain(fixedBatch.GeneratorDiagnostics, d => d.Id == "MZ0999" || d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(fixedBatch.GeneratorDiagnostics, d => d.Id == "MZ0401");
        var net = new ReducedEntryPoints(fixedBatch.EmitAndLoad(), "R.FixedBatch");
        _output.WriteLine($"fixed batch: reduced {net.IsReduced}, {net.Summary.Reason}");

        var layerless = Reduce("Tolerance = 0.05", "Layerless", Mlp(null, hidden: false), rows);
        Assert.DoesNotContain(layerless.GeneratorDiagnostics, d => d.Id == "MZ0999" || d.Severity == DiagnosticSeverity.Error);
        var reason = Assert.Single(layerless.GeneratorDiagnostics, d => d.Id == "MZ0406");
        Assert.Contains("no hidden layer", reason.GetMessage());
        Assert.Contains(layerless.GeneratorDiagnostics, d => d.Id == "MZ0403" && d.GetMessage().Contains("no hidden layer"));
    }

    /// <summary>
    /// On a wide input the guard's projection can cost what the whole small network costs: a guarded reduction that
    /// saves nothing is not shipped (MZ0406 with the figures), while the same reduction without the guard is; the guarded
    /// class keeps its ReducedGuardFallbacks member either way.
    /// </summary>
    [Fact]
    public void GuardThatCostsWhatTheFullNetworkCostsIsNotShipped()
    {
        var random = new Random(21);
        float[] Values(int count, double scale) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        var model = new OnnxModelBuilder(13).Input("x", new long?[] { null, 200 }).Output("y", new long?[] { null, 3 })
            .Initializer("w1", new long[] { 12, 200 }, Values(2400, 0.1)).Initializer("b1", new long[] { 12 }, Values(12, 0.1))
            .Initializer("w2", new long[] { 12, 12 }, Values(144, 0.3)).Initializer("b2", new long[] { 12 }, Values(12, 0.1))
            .Initializer("w3", new long[] { 3, 12 }, Values(36, 0.3)).Initializer("b3", new long[] { 3 }, Values(3, 0.1))
            .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "a1" }, ("transB", 1L)).Node("Tanh", new[] { "a1" }, new[] { "h1" })
            .Node("Gemm", new[] { "h1", "w2", "b2" }, new[] { "a2" }, ("transB", 1L)).Node("Tanh", new[] { "a2" }, new[] { "h2" })
            .Node("Gemm", new[] { "h2", "w3", "b3" }, new[] { "y" }, ("transB", 1L)).Build();
        // Rows near a 6-dimensional subspace, so a reduced input map of rank ≤ 8 represents them well.
        var basis = Values(6 * 200, 1);
        var mix = Values(400 * 6, 1);
        var rows = new float[400 * 200];
        for (int i = 0; i < 400; i++)
            for (int j = 0; j < 200; j++)
            {
                double v = 0.01 * (random.NextDouble() - 0.5);
                for (int k = 0; k < 6; k++) v += mix[i * 6 + k] * basis[k * 200 + j];
                rows[i * 200 + j] = (float)v;
            }
        var run = new GeneratorHarness()
            .AddSource("""
                using Mz;
                namespace R;
                [MzNetwork("m.onnx", Calibration = "data/rows.npz:x")]
                [MzReduce(Tolerance = 0.05)]
                public static partial class Plain { }

                [MzNetwork("m.onnx", Calibration = "data/rows.npz:x")]
                [MzReduce(Tolerance = 0.05, Guard = true)]
                public static partial class Guarded { }
                """)
            .AddModel("m.onnx", model)
            .AddModel("data/rows.npz", new Mz.Benchmarks.Models.NpzWriter().Add("x", rows, 400, 200).ToArray(), kind: "calibration", format: "npz")
            .Run();
        var assembly = run.EmitAndLoad();
        var plain = new ReducedEntryPoints(assembly, "R.Plain");
        Assert.True(plain.IsReduced, plain.Summary.Reason);
        var guarded = new ReducedEntryPoints(assembly, "R.Guarded");
        long full = (long)guarded.Type.GetField("MultiplyAdds")!.GetValue(null)!;
        _output.WriteLine($"full {full}, reduced {plain.ReducedMultiplyAdds}; guarded: {guarded.Summary.Reason}");
        Assert.False(guarded.IsReduced);
        Assert.Equal(full, guarded.ReducedMultiplyAdds);
        var warning = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "MZ0406" && d.GetMessage().Contains("'R.Guarded'"));
        Assert.Contains("with the out-of-distribution guard", warning.GetMessage());
        Assert.Contains($"at least the full network's {full}", warning.GetMessage());
        Assert.Equal(0L, (long)guarded.Type.GetProperty("ReducedGuardFallbacks")!.GetValue(null)!);
    }

    /// <summary>Rows repeated in the calibration file are dropped before the split, so validation never grades copies of fit rows.</summary>
    [Fact]
    public void RepeatedCalibrationRowsAreDroppedBeforeTheSplit()
    {
        var train = new TrainedModel("digits-resmlp-deep");
        var x = Mz.Core.Data.NpzReader.Read(File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, "digits-resmlp-deep", "train.npz")))["x"].ToSingles();
        var repeated = Enumerable.Range(0, 600).SelectMany(i => x.Skip(i % 120 * 64).Take(64)).ToArray();
        var rows = new Mz.Benchmarks.Models.NpzWriter().Add("x", repeated, 600, 64).ToArray();
        var run = Reduce("Tolerance = 0.02, MaxMemory = 0, Hyper = MzHyper.Off", "Net", train.OnnxBytes, rows);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "MZ0999" || d.Severity == DiagnosticSeverity.Error);
        var net = new ReducedEntryPoints(run.EmitAndLoad(), "R.Net");
        _output.WriteLine($"reduced {net.IsReduced}: fit {net.Summary.FitRows}, validation {net.Summary.ValidationRows}, {net.Summary.Reason}");
        Assert.Equal(120, net.Summary.FitRows + net.Summary.ValidationRows);
    }

    /// <summary>A network so small that no reduction is cheaper (the two-moons net, 82 multiply-adds) keeps the full one.</summary>
    [Fact]
    public void ReductionThatSavesNothingIsNotShipped()
    {
        var run = Reduce("Tolerance = 0.02, MaxMemory = 1", "Moons", new TrainedModel("stochastic-resnet-2d").OnnxBytes, File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, "stochastic-resnet-2d", "train.npz")));
        var net = new ReducedEntryPoints(run.EmitAndLoad(), "R.Moons");
        Assert.False(net.IsReduced);
        Assert.True(net.ReducedMultiplyAdds <= (long)net.Type.GetField("MultiplyAdds")!.GetValue(null)!);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id is "MZ0405" or "MZ0406");
        Assert.True(double.IsNaN(net.Summary.ValidationError));
        var x = new TrainedModel("stochastic-resnet-2d").Reference["x"].ToSingles();
        Assert.Equal(net.Full.PredictRows(x), net.ReducedRows(x));
    }

    /// <summary>The README's declared network (safetensors + layer attributes) reduces like its ONNX twin and gets its Analysis.</summary>
    [Fact]
    public void DeclaredNetworkIsAnalysedAndReduced()
    {
        var run = new GeneratorHarness()
            .AddSource("""
                using Mz;
                namespace R;
                [MzNetwork(Weights = "w.safetensors", InputSize = 64, Calibration = "data/train.npz:x")]
                [MzDense(64, Weight = "inp.weight", Bias = "inp.bias")]
                [MzResidual(Count = 32, Step = 1f / 32, Activation = MzActivation.Tanh, Weight = "blocks.{i}.weight", Bias = "blocks.{i}.bias")]
                [MzDense(10, Weight = "out.weight", Bias = "out.bias")]
                [MzReduce(Tolerance = 0.05, MaxMemory = 0, Hyper = MzHyper.Off)]
                public static partial class Declared { }
                """)
            .AddModel("w.safetensors", File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, "digits-resmlp-deep", "weights.safetensors")), format: "safetensors")
            .AddModel("data/train.npz", File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, "digits-resmlp-deep", "train.npz")), kind: "calibration", format: "npz")
            .Run();
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "MZ0403" or "MZ0406" or "MZ0999");
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "MZ0401");
        var net = new ReducedEntryPoints(run.EmitAndLoad(), "R.Declared");
        Assert.True(net.IsReduced, net.Summary.Reason);
        Assert.NotNull(net.Type.GetProperty("Analysis"));
        var x = TestInputs(out var logits, out _, out int count);
        var reduced = net.ReducedRows(x);
        double errors = 0, norm = 0;
        for (int i = 0; i < reduced.Length; i++) { errors += Math.Pow(reduced[i] - logits[i], 2); norm += logits[i] * logits[i]; }
        _output.WriteLine($"{net.Summary.MacRatio:F2}x, test relative error {Math.Sqrt(errors / norm):F4}");
        Assert.True(Math.Sqrt(errors / norm) <= 0.06);
    }

    /// <summary>Runs the generator on <c>R.{name}</c> over an ONNX model with [MzReduce({arguments})] and calibration rows (key x).</summary>
    private static GeneratorRun Reduce(string arguments, string name, byte[] model, byte[] calibration) =>
        new GeneratorHarness()
            .AddSource($$"""
                using Mz;
                namespace R;
                [MzNetwork("m.onnx", Calibration = "data/rows.npz:x")]
                [MzReduce({{arguments}})]
                public static partial class {{name}} { }
                """)
            .AddModel("m.onnx", model)
            .AddModel("data/rows.npz", calibration, kind: "calibration", format: "npz")
            .Run();

    private static int ArgMax(float[] values, int row)
    {
        int best = 0;
        for (int j = 1; j < 10; j++) if (values[row * 10 + j] > values[row * 10 + best]) best = j;
        return best;
    }
}
