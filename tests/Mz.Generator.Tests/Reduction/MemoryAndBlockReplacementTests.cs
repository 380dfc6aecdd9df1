extern alias gen;
using Mz.Benchmarks.Models;
using Mz.Core.Analysis;
using Mz.Core.Lowering;
using Mz.Core.Onnx;
using Mz.Core.Reduction;
using Mz.Tests.Analysis;
using Mz.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Reduction;

/// <summary>
/// The two depth-side mechanisms of the reduction on a network built to need them: a residual net (6 → 64, 12 tanh
/// blocks of step 1/4, → 4) whose last four blocks are nearly linear. The gated search's cheapest passing model reads
/// an earlier reduced state (a truncated memory term) and replaces the quiet blocks by one fitted affine map (block
/// replacement, MZ.md §5.9); without either, the same search ships a costlier model. Compiled through the real
/// generator, so the ring of reduced states, the memory kernels and the affine stage of the generated code are checked
/// against the library's network, its MAC count (MZ.md §7.2 test 13) and its batch form.
/// </summary>
public sealed class MemoryAndBlockReplacementTests
{
    private const double Tolerance = 0.02;
    private const int FirstQuietBlock = 8, LastQuietBlock = 11;
    private readonly ITestOutputHelper _output;

    public MemoryAndBlockReplacementTests(ITestOutputHelper output) { _output = output; }

    private static readonly Lazy<Build> Shared = new(() => new Build());

    [Fact]
    public void SearchChoosesMemoryWhereValidationPrefersIt()
    {
        var build = Shared.Value;
        var chosen = build.Library.Chosen!;
        var markov = Search(build.Calibration, MzReducerOptions.StandardSearch(0));
        _output.WriteLine($"K free: {chosen}");
        _output.WriteLine($"K = 0:  {markov.Chosen?.ToString() ?? "none"}");
        Assert.True(chosen.MemoryLength >= 1, $"the search chose K = {chosen.MemoryLength}");
        Assert.Contains(chosen.Network!.Stages, stage => stage.MemoryKernels.Count > 0);
        // The ablation: the cheapest model without memory costs more (or does not exist) ...
        Assert.True(markov.Chosen == null || markov.Chosen.MacCount > chosen.MacCount,
            $"K = 0 reaches {markov.Chosen?.MacCount} MACs against {chosen.MacCount} with memory");
        // ... and the chosen model refitted without its memory terms fails the gate.
        double error = Refit(build, chosen.Network, memoryLength: 0);
        _output.WriteLine($"the chosen model refitted with K = 0: validation {error:F4} (gate {Tolerance})");
        Assert.True(error > Tolerance, $"without its memory terms the model still passes ({error:F4})");
    }

    [Fact]
    public void SearchReplacesTheNearlyLinearBlocksByAnAffineMap()
    {
        var build = Shared.Value;
        var network = build.Library.Chosen!.Network!;
        _output.WriteLine(string.Join(Environment.NewLine, network.Describe().Stages));
        var affine = Assert.Single(network.Stages, stage => stage.IsAffine);
        // Exactly the quiet blocks, and nothing else, became an affine map of (K + 1)·r² multiply-adds.
        Assert.Equal(FirstQuietBlock, affine.FirstLayer);
        Assert.Equal(LastQuietBlock, affine.FirstLayer + affine.LayerCount - 1);
        Assert.Equal(0, affine.HiddenUnits);
        Assert.Equal((long)affine.OutputRank * affine.InputRank + affine.MemoryKernels.Sum(k => (long)k.RowCount * k.ColumnCount), affine.MacCount);

        var options = MzReducerOptions.StandardSearch(2);
        options.BlockReplacement = false;
        var withoutReplacement = Search(build.Calibration, options);
        _output.WriteLine($"with block replacement {build.Library.Chosen!.MacCount} MACs; without {withoutReplacement.Chosen?.MacCount.ToString() ?? "none"}");
        Assert.DoesNotContain(withoutReplacement.Chosen?.Network?.Stages ?? Array.Empty<ReducedStage>(), stage => stage.IsAffine);
        Assert.True(withoutReplacement.Chosen == null || withoutReplacement.Chosen.MacCount > build.Library.Chosen.MacCount);
    }

    [Fact]
    public void GeneratedCodeReproducesTheLibraryNetwork()
    {
        var build = Shared.Value;
        var chosen = build.Library.Chosen!;
        var net = build.Net;
        Assert.True(net.IsReduced, net.Summary.Reason);
        Assert.Equal(chosen.MemoryLength, net.Summary.MemoryLength);
        Assert.Equal(chosen.MacCount, net.ReducedMultiplyAdds);
        Assert.Equal(chosen.ValidationError, net.Summary.ValidationError);
        Assert.Contains("truncated MZ memory", build.Source);
        Assert.Contains("replaced by a fitted affine map", build.Source);
        Assert.Contains(net.Summary.Stages, line => line.Contains("affine replacement"));

        // Float32 generated code against the float64 library network on rows the search never saw.
        var rows = SyntheticNetworks.Inputs(300, build.View.InputWidth, seed: 977);
        var x = rows.ToRowMajorArray().Select(v => (float)v).ToArray();
        var generated = net.ReducedRows(x);
        int inputs = build.View.InputWidth, outputs = build.View.OutputWidth;
        double worst = 0;
        for (int i = 0; i < rows.RowCount; i++)
        {
            var expected = chosen.Network!.Evaluate(x.Skip(i * inputs).Take(inputs).Select(v => (double)v).ToArray());
            for (int j = 0; j < outputs; j++)
                worst = Math.Max(worst, Math.Abs(generated[i * outputs + j] - expected[j]) / (1 + Math.Abs(expected[j])));
        }
        _output.WriteLine($"K = {net.Summary.MemoryLength}, {net.ReducedMultiplyAdds} MACs: worst relative difference generated float32 vs library float64 {worst:E2}");
        Assert.True(worst <= 1e-4, $"generated reduced code differs from the library network by {worst:E2}");

        // The ring of states is per row: the batch call gives the row calls' bits.
        Assert.Equal(generated, net.ReducedBatch(x));
    }

    [Fact]
    public void ReportedMacsEqualTheOperationsInTheGeneratedCode()
    {
        var build = Shared.Value;
        long counted = GeneratedReducedCode.CountMultiplyAdds(build.Source, out int calls);
        _output.WriteLine($"{calls} kernel calls, {counted} multiply-adds; reported {build.Net.ReducedMultiplyAdds}");
        Assert.Equal(build.Net.ReducedMultiplyAdds, counted);
        Assert.Equal(build.Library.Chosen!.Network!.MacCount, counted);
    }

    /// <summary>
    /// The guard on a network whose input (6 values) is no wider than its first reduced state: the input check's
    /// residual is then round-off, which float32 code must not mistake for leaving the region — no calibration row
    /// falls back, while rows far outside do.
    /// </summary>
    [Fact]
    public void GuardKeepsCalibrationRowsWhenTheInputIsFullyResolved()
    {
        var build = Shared.Value;
        var guarded = build.Guarded;
        Assert.True(guarded.IsReduced, guarded.Summary.Reason);
        Assert.True(guarded.Summary.Guarded);
        var rows = build.Calibration.FitInputs.ToRowMajorArray().Select(v => (float)v).ToArray();
        long before = (long)guarded.Type.GetProperty("ReducedGuardFallbacks")!.GetValue(null)!;
        var reduced = guarded.ReducedRows(rows);
        long fallbacks = (long)guarded.Type.GetProperty("ReducedGuardFallbacks")!.GetValue(null)! - before;
        _output.WriteLine($"{fallbacks} of {build.Calibration.FitInputs.RowCount} calibration rows fell back");
        Assert.Equal(0, fallbacks);
        Assert.Equal(build.Net.ReducedRows(rows), reduced);

        var far = rows.Take(6 * 20).Select(v => v * 40).ToArray();
        before = (long)guarded.Type.GetProperty("ReducedGuardFallbacks")!.GetValue(null)!;
        Assert.Equal(guarded.Full.PredictRows(far), guarded.ReducedRows(far));
        Assert.Equal(20, (long)guarded.Type.GetProperty("ReducedGuardFallbacks")!.GetValue(null)! - before);
    }

    private static ReductionResult Search(ReductionCalibration calibration, MzReducerOptions options) =>
        MzReductionSearch.Run(calibration, Tolerance, options);

    /// <summary>The validation error of <paramref name="network"/>'s configuration (r, merge, J per stage) refitted with another K.</summary>
    private static double Refit(Build build, ReducedNetwork network, int memoryLength)
    {
        var units = network.Stages.Select(s => s.IsAffine ? ReductionConfiguration.AffineStage : s.HiddenUnits).ToArray();
        var configuration = new ReductionConfiguration(network.MaxRank, memoryLength, build.View.Depth / network.Depth, 0, units);
        var refitted = MzReducer.Build(build.Calibration, configuration, MzReducerOptions.StandardSearch(memoryLength));
        return OutputErrors.RelativeL2(build.View.Outputs(refitted.EvaluateRows(build.Calibration.ValidationInputs)), build.Calibration.ValidationOutputs);
    }

    /// <summary>The network as ONNX with 1,200 calibration rows through the generator, and the same search through the library.</summary>
    private sealed class Build
    {
        public Build()
        {
            var network = ReductionNetworks.WithQuietBlocks(ReductionNetworks.ResidualNetwork(6, 64, 12, 4, seed: 12, step: 0.25), FirstQuietBlock, LastQuietBlock, 0.05);
            var onnx = ReductionNetworks.ResidualOnnx(network);
            var rows = SyntheticNetworks.Inputs(1200, 6, seed: 112);
            var npz = new NpzWriter().Add("x", rows.ToRowMajorArray(), rows.RowCount, rows.ColumnCount).ToArray();
            var run = new GeneratorHarness()
                .AddSource($$"""
                    using Mz;
                    namespace R;
                    [MzNetwork("m.onnx", Calibration = "data/rows.npz:x")]
                    [MzReduce(Tolerance = {{Tolerance.ToString(System.Globalization.CultureInfo.InvariantCulture)}})]
                    public static partial class Quiet { }

                    [MzNetwork("m.onnx", Calibration = "data/rows.npz:x")]
                    [MzReduce(Tolerance = {{Tolerance.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, Guard = true)]
                    public static partial class QuietGuarded { }
                    """)
                .AddModel("m.onnx", onnx)
                .AddModel("data/rows.npz", npz, kind: "calibration", format: "npz")
                .Run();
            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "MZ0405" or "MZ0406" or "MZ0999");
            var assembly = run.EmitAndLoad();
            Net = new ReducedEntryPoints(assembly, "R.Quiet");
            Guarded = new ReducedEntryPoints(assembly, "R.QuietGuarded");
            Source = run.GeneratedSources.Single(s => s.HintName == "R.Quiet.Mz.Reduced.g.cs").SourceText.ToString();

            // The generator's view: the float32 weights of the ONNX file, and the same rows, split and search.
            View = LayerView.FromGraph(GraphPreparer.Prepare(OnnxModelReader.Read(onnx)));
            Calibration = new ReductionCalibration(View, rows, validationFraction: 0.2, seed: 1);
            Library = Search(Calibration, MzReducerOptions.StandardSearch(2));
            Assert.NotNull(Library.Chosen);
        }

        public ReducedEntryPoints Net { get; }
        public ReducedEntryPoints Guarded { get; }
        public string Source { get; }
        public LayerView View { get; }
        public ReductionCalibration Calibration { get; }
        public ReductionResult Library { get; }
    }
}
