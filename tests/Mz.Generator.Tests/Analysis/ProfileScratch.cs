using System.Diagnostics;
using Mz.Core.Analysis;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Analysis;

sealed class Cpu
{
    private TimeSpan _start = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    public double Seconds => (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _start).TotalSeconds;
    public void Restart() { _start = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime; }
}

public sealed class ProfileScratch
{
    private readonly ITestOutputHelper _o;
    public ProfileScratch(ITestOutputHelper o) { _o = o; }

    [Fact]
    public void Profile()
    {
        MathNet.Numerics.Control.UseSingleThread();
        var w = new Cpu();
        var graph = LayerViewTests.Prepare("digits-resmlp-deep");
        var x = TrainedModelAnalysisTests.TrainingRows("digits-resmlp-deep");
        var view = LayerView.FromGraph(graph);
        _o.WriteLine($"gc2 {GC.CollectionCount(2)} gc0 {GC.CollectionCount(0)}");
        _o.WriteLine($"load {w.Seconds:F2}"); w.Restart();
        var states = CalibrationRunner.InterpretStates(graph, view, x, out var logits);
        _o.WriteLine($"interpret {w.Seconds:F2}"); w.Restart();
        var fwd = view.Forward(x);
        _o.WriteLine($"forward {w.Seconds:F2}"); w.Restart();
        var split = CalibrationSplit.Create(x.RowCount, 0.2, 1);
        var fit = CalibrationRunner.Select(view, states, logits, split.FitRows, false);
        _o.WriteLine($"select {w.Seconds:F2}"); w.Restart();
        var g = CalibrationRunner.AdjointGramians(view, fit.States);
        _o.WriteLine($"adjoints {w.Seconds:F2}"); w.Restart();
        var bases = Enumerable.Range(0, view.Depth + 1).Select(n => BasisBuilder.Build(fit.States[n], g[n], new BasisOptions())).ToArray();
        _o.WriteLine($"bases {w.Seconds:F2}"); w.Restart();
        var d = MzDecomposition.Build(fit.States, bases, 1e-12);
        _o.WriteLine($"decomposition {w.Seconds:F2}"); w.Restart();
        double s = 0;
        for (int n = 0; n < view.Depth; n++) for (int k = 0; k <= Math.Min(n, 4); k++) s += d.Kernels.WhitenedNorm(n, k);
        _o.WriteLine($"norms {w.Seconds:F2}"); w.Restart();
        for (int n = 0; n < view.Depth; n++) s += d.NoiseRatio(n);
        _o.WriteLine($"noise {w.Seconds:F2}"); w.Restart();
        for (int n = 0; n < view.Depth; n++) s += OrthogonalDynamicsFactor.FromSamples(fit.States[n], fit.States[n + 1], bases[n], bases[n + 1]);
        _o.WriteLine($"kappa {w.Seconds:F2}"); w.Restart();
        _o.WriteLine($"gc2 {GC.CollectionCount(2)} gc0 {GC.CollectionCount(0)}");
    }
}

public sealed class KernelScratch
{
    private readonly ITestOutputHelper _o;
    public KernelScratch(ITestOutputHelper o) { _o = o; }

    [Fact]
    public void Kernels()
    {
        var r = new DeterministicRandom(1);
        var a = new double[64 * 11500];
        for (int i = 0; i < a.Length; i++) a[i] = r.NextNormal();
        var w = new double[64 * 64];
        for (int i = 0; i < w.Length; i++) w[i] = r.NextNormal();
        var c = new double[64 * 11500];
        var cpu = new Cpu();
        for (int rep = 0; rep < 10; rep++) DenseKernels.Multiply(w, 64, 64, a, 11500, c);
        _o.WriteLine($"multiply GMAC/s {10 * 64.0 * 64 * 11500 / cpu.Seconds / 1e9:F2}");
        cpu.Restart();
        for (int rep = 0; rep < 10; rep++) DenseKernels.DotRows(a, 64, a, 64, 11500, true);
        _o.WriteLine($"gram GMAC/s {10 * 64.0 * 65 / 2 * 11500 / cpu.Seconds / 1e9:F2}");
    }
}
