using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace Mz.Cli.Propagating;

/// <summary>PNG plots of a noisy propagation: the state density after selected layers from the point input and from an input distribution (2-D states), and memory norms by lag.</summary>
public static class PropagationPlots
{
    public static IReadOnlyList<string> Write(MzStochastic network, double sigma, double[] input, string folder, InputDistribution? distribution = null)
    {
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        int depth = network.Depth;
        var layers = new SortedSet<int> { 1, Math.Max(1, depth / 4), Math.Max(1, depth / 2), Math.Max(1, 3 * depth / 4), depth };
        if (network.StateWidths.Skip(1).All(w => w == 2))
        {
            foreach (var density in network.PropagateDensity(input, layers))
            {
                string path = Path.Combine(folder, $"density-layer{density.Layer:D2}.png");
                var plot = new Plot();
                DensityHeatmap.Add(plot, density, "density");
                plot.Title($"Density of the state after layer {density.Layer} of {depth} (σ = {sigma}, 2×2-cell averages)");
                plot.XLabel("x₁");
                plot.YLabel("x₂");
                plot.SavePng(path, 700, 600);
                files.Add(path);
            }
            // A point input only spreads; a distribution of inputs shows the layers moving and splitting the mass.
            files.Add(DistributionPlot.Write(network, sigma, distribution ?? InputDistribution.GaussianAround(input), folder));
        }

        // Memory norms of the backward MZ split at a few layers: index 0 streaming, k ≥ 1 memory of lag k.
        var memoryPlot = new Plot();
        var colormap = new ScottPlot.Colormaps.Viridis();
        var splitLayers = new[] { Math.Max(1, depth / 4), Math.Max(1, depth / 2), Math.Max(1, 3 * depth / 4) }.Distinct().ToArray();
        for (int s = 0; s < splitLayers.Length; s++)
        {
            var split = network.MemorySplit(splitLayers[s], input, Math.Max(sigma, 1e-3));
            var norms = split.MemoryNorms;
            var lags = Enumerable.Range(0, norms.Length).Select(k => (double)k).ToArray();
            var line = memoryPlot.Add.Scatter(lags, norms.Select(v => Math.Log10(Math.Max(v, 1e-16))).ToArray());
            line.Color = colormap.GetColor(splitLayers.Length <= 1 ? 0 : (double)s / (splitLayers.Length - 1));
            line.LegendText = $"layer {splitLayers[s]}";
        }
        memoryPlot.Title("Backward MZ split: memory norm by lag (lag 0 = streaming term)");
        memoryPlot.XLabel("lag");
        memoryPlot.YLabel("log10 L²(μ) norm");
        memoryPlot.ShowLegend();
        string memoryPath = Path.Combine(folder, "memory-norms.png");
        memoryPlot.SavePng(memoryPath, 900, 600);
        files.Add(memoryPath);
        return files;
    }
}
