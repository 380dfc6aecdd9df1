using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace Mz.Cli.Propagating;

/// <summary>PNG plots of a noisy propagation: the state density after selected layers (2-D states) and memory norms by lag.</summary>
public static class PropagationPlots
{
    public static IReadOnlyList<string> Write(MzStochastic network, double sigma, double[] input, string folder)
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
                // Values run with axis 0 fastest; crop to where the density is above 0.1 % of its peak.
                int nx = density.Counts[0], ny = density.Counts[1];
                double peak = density.Values.Max();
                int x0 = nx, x1 = -1, y0 = ny, y1 = -1;
                for (int j = 0; j < ny; j++)
                    for (int i = 0; i < nx; i++)
                        if (density.Values[i + nx * j] > 1e-3 * peak) { x0 = Math.Min(x0, i); x1 = Math.Max(x1, i); y0 = Math.Min(y0, j); y1 = Math.Max(y1, j); }
                int margin = 5;
                x0 = Math.Max(0, x0 - margin); y0 = Math.Max(0, y0 - margin);
                x1 = Math.Min(nx - 1, x1 + margin); y1 = Math.Min(ny - 1, y1 + margin);
                // The transfer operator is the adjoint of cubic-spline interpolation, whose negative lobes leave a
                // grid-scale checkerboard; averaging 2×2 cells shows the density itself (the title says so).
                var values = new double[y1 - y0 + 1, x1 - x0 + 1];
                for (int j = y0; j <= y1; j++)
                    for (int i = x0; i <= x1; i++)
                    {
                        int i2 = Math.Min(i + 1, nx - 1), j2 = Math.Min(j + 1, ny - 1);
                        double average = 0.25 * (density.Values[i + nx * j] + density.Values[i2 + nx * j] + density.Values[i + nx * j2] + density.Values[i2 + nx * j2]);
                        values[y1 - j, i - x0] = Math.Max(0, average);
                    }
                var plot = new Plot();
                var heatmap = plot.Add.Heatmap(values);
                heatmap.Extent = new CoordinateRect(density.Origin[0] + density.Spacing * x0, density.Origin[0] + density.Spacing * x1,
                    density.Origin[1] + density.Spacing * y0, density.Origin[1] + density.Spacing * y1);
                heatmap.Colormap = new ScottPlot.Colormaps.Turbo();
                plot.Add.ColorBar(heatmap);
                plot.Title($"Density of the state after layer {density.Layer} of {depth} (σ = {sigma}, 2×2-cell averages)");
                plot.XLabel("x₁");
                plot.YLabel("x₂");
                plot.SavePng(path, 700, 600);
                files.Add(path);
            }
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
