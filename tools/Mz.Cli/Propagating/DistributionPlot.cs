using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace Mz.Cli.Propagating;

/// <summary>
/// density-from-distribution.png: the state density when the input itself is random (a Gaussian around the
/// --input point, or a kernel density of sample rows), after selected layers, one panel each on common axes, so
/// the density can be seen moving and splitting as the layers separate the classes. A point input only spreads.
/// </summary>
public static class DistributionPlot
{
    public const string FileName = "density-from-distribution.png";

    /// <summary>The grids of this plot: coarser than the point-input operators, because the box is several times wider.</summary>
    public static MzOperatorSettings Settings => new() { Spacing = 0.04, UseGridConvolution = true, MaxParallelism = Environment.ProcessorCount };

    /// <summary>Layers 0, L/5, 2L/5, …, L: six panels.</summary>
    public static int[] PanelLayers(int depth) => Enumerable.Range(0, 6).Select(k => (int)Math.Round(k * depth / 5.0)).Distinct().ToArray();

    public static string Write(MzStochastic network, double sigma, InputDistribution distribution, string folder)
    {
        Directory.CreateDirectory(folder);
        int depth = network.Depth;
        var densities = network.PropagateDensity(distribution.Density, distribution.Lower, distribution.Upper, PanelLayers(depth), Settings);

        // Common axes: the union of where each panel's mass is, so movement between panels is visible.
        var rects = densities.Select(DensityHeatmap.SupportRect).ToList();
        var limits = new AxisLimits(rects.Min(r => r.Left), rects.Max(r => r.Right), rects.Min(r => r.Bottom), rects.Max(r => r.Top));

        var multiplot = new Multiplot();
        multiplot.AddPlots(densities.Count);
        int columns = Math.Min(3, densities.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows: (densities.Count + columns - 1) / columns, columns: columns);
        for (int p = 0; p < densities.Count; p++)
        {
            var density = densities[p];
            var plot = multiplot.GetPlot(p);
            DensityHeatmap.Add(plot, density, "density");
            plot.Axes.SetLimits(limits);
            plot.Title(density.Layer == 0
                ? distribution.Description
                : $"{DensityHeatmap.State(density.Layer)}: after layer {density.Layer} of {depth} (σ = {sigma}, 2×2-cell averages)", size: 13);
            plot.XLabel("x₁");
            plot.YLabel("x₂");
        }
        string path = Path.Combine(folder, FileName);
        multiplot.SavePng(path, 1500, 950);
        return path;
    }
}
