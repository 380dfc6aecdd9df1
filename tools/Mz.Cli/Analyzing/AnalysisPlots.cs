using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace Mz.Cli.Analyzing;

/// <summary>PNG plots of an analysis: memory-kernel norm against lag per layer, and the state spectrum per layer.</summary>
public static class AnalysisPlots
{
    public static IReadOnlyList<string> Write(NetworkAnalysis analysis, string folder)
    {
        Directory.CreateDirectory(folder);
        var files = new List<string> { KernelNorms(analysis, Path.Combine(folder, "kernel-norms.png")), Spectra(analysis, Path.Combine(folder, "spectra.png")) };
        return files;
    }

    /// <summary>log10 of the whitened kernel norm ‖Ω_n^(k)‖ against the lag k, one line per layer map, coloured by depth.</summary>
    private static string KernelNorms(NetworkAnalysis analysis, string path)
    {
        var plot = new Plot();
        var layers = analysis.Report.Layers;
        var colormap = new ScottPlot.Colormaps.Viridis();
        foreach (var layer in layers)
        {
            var norms = layer.KernelNorms;
            var lags = Enumerable.Range(0, norms.Length).Select(k => (double)k).ToArray();
            var values = norms.Select(v => Math.Log10(Math.Max(v, 1e-16))).ToArray();
            var line = plot.Add.Scatter(lags, values);
            line.Color = colormap.GetColor(layers.Length <= 1 ? 0 : (double)layer.Index / (layers.Length - 1));
            line.LineWidth = 1.5f;
            line.MarkerSize = 4;
        }
        // The median sampling floor, so lags under it read as noise rather than memory.
        var floors = layers.Where(l => l.NoiseFloors.Length > 0).SelectMany(l => l.NoiseFloors).Where(v => v > 0).OrderBy(v => v).ToArray();
        if (floors.Length > 0)
        {
            var floor = plot.Add.HorizontalLine(Math.Log10(floors[floors.Length / 2]));
            floor.LinePattern = LinePattern.Dashed;
            floor.LegendText = "median sampling floor";
        }
        plot.Title($"Memory kernels: median decay {analysis.Report.MedianDecayRate:G3} per lag, recommended K = {analysis.Report.RecommendedMemory}");
        plot.XLabel("lag k");
        plot.YLabel("log10 whitened kernel norm");
        plot.ShowLegend();
        plot.SavePng(path, 900, 600);
        return path;
    }

    /// <summary>Normalised singular values (log10) of each layer's centred states, coloured by depth.</summary>
    private static string Spectra(NetworkAnalysis analysis, string path)
    {
        var plot = new Plot();
        var colormap = new ScottPlot.Colormaps.Viridis();
        int count = analysis.Spectra.Count;
        for (int n = 0; n < count; n++)
        {
            var spectrum = analysis.Spectra[n];
            if (spectrum.Length == 0 || spectrum[0] <= 0) continue;
            var index = Enumerable.Range(1, spectrum.Length).Select(i => (double)i).ToArray();
            var values = spectrum.Select(s => Math.Log10(Math.Max(s / spectrum[0], 1e-16))).ToArray();
            var line = plot.Add.Scatter(index, values);
            line.Color = colormap.GetColor(count <= 1 ? 0 : (double)n / (count - 1));
            line.MarkerSize = 0;
        }
        plot.Title("State spectra per layer (first layer dark, last bright)");
        plot.XLabel("index");
        plot.YLabel("log10 singular value / largest");
        plot.SavePng(path, 900, 600);
        return path;
    }
}
