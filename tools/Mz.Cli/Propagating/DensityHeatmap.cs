using System;
using System.Linq;
using ScottPlot;

namespace Mz.Cli.Propagating;

/// <summary>Heatmaps of 2-D state densities: cropped to where the mass is, smoothed over 2×2 cells.</summary>
public static class DensityHeatmap
{
    /// <summary>"X₁₂" for layer 12.</summary>
    public static string State(int layer) => "X" + new string(layer.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c => (char)('₀' + (c - '0'))).ToArray());

    /// <summary>Grid-index bounds of the cells above 0.1 % of the peak, plus a margin of five cells.</summary>
    public static (int X0, int X1, int Y0, int Y1) Support(MzDensityGrid density)
    {
        int nx = density.Counts[0], ny = density.Counts[1];
        double peak = density.Values.Max();
        int x0 = nx, x1 = -1, y0 = ny, y1 = -1;
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
                if (density.Values[i + nx * j] > 1e-3 * peak) { x0 = Math.Min(x0, i); x1 = Math.Max(x1, i); y0 = Math.Min(y0, j); y1 = Math.Max(y1, j); }
        const int margin = 5;
        if (x1 < 0) return (0, nx - 1, 0, ny - 1);
        return (Math.Max(0, x0 - margin), Math.Min(nx - 1, x1 + margin), Math.Max(0, y0 - margin), Math.Min(ny - 1, y1 + margin));
    }

    /// <summary>The supported region in state coordinates.</summary>
    public static CoordinateRect SupportRect(MzDensityGrid density)
    {
        var (x0, x1, y0, y1) = Support(density);
        return new CoordinateRect(density.Origin[0] + density.Spacing * x0, density.Origin[0] + density.Spacing * x1,
            density.Origin[1] + density.Spacing * y0, density.Origin[1] + density.Spacing * y1);
    }

    /// <summary>Adds the cropped density as a Turbo heatmap with a colour bar labelled <paramref name="scaleLabel"/>.</summary>
    public static void Add(Plot plot, MzDensityGrid density, string scaleLabel)
    {
        var (x0, x1, y0, y1) = Support(density);
        int nx = density.Counts[0], ny = density.Counts[1];
        // The transfer operator is the adjoint of cubic-spline interpolation, whose negative lobes leave a
        // grid-scale checkerboard; averaging 2×2 cells shows the density itself (titles say so).
        var values = new double[y1 - y0 + 1, x1 - x0 + 1];
        for (int j = y0; j <= y1; j++)
            for (int i = x0; i <= x1; i++)
            {
                int i2 = Math.Min(i + 1, nx - 1), j2 = Math.Min(j + 1, ny - 1);
                double average = 0.25 * (density.Values[i + nx * j] + density.Values[i2 + nx * j] + density.Values[i + nx * j2] + density.Values[i2 + nx * j2]);
                values[y1 - j, i - x0] = Math.Max(0, average);
            }
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Extent = new CoordinateRect(density.Origin[0] + density.Spacing * x0, density.Origin[0] + density.Spacing * x1,
            density.Origin[1] + density.Spacing * y0, density.Origin[1] + density.Spacing * y1);
        var colormap = new ScottPlot.Colormaps.Turbo();
        heatmap.Colormap = colormap;
        // Outside the cropped region the density is (below 0.1 % of the peak, so) zero: paint it the colour of zero.
        plot.DataBackground.Color = colormap.GetColor(0);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = scaleLabel;
    }
}
