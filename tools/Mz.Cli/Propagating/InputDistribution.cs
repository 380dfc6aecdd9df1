using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Mz.Core.Data;

namespace Mz.Cli.Propagating;

/// <summary>
/// A density of network inputs to propagate through the layers: a Gaussian around the --input point, or a
/// Gaussian kernel density of sample rows (e.g. the training inputs), with the box it is cut to.
/// </summary>
public sealed class InputDistribution
{
    /// <summary>Standard deviation of the default Gaussian around the --input point.</summary>
    public const double GaussianSpread = 0.5;

    /// <summary>Kernel width of the sample density: below the moons' own spread (0.15), above a grid cell (0.04).</summary>
    public const double KernelWidth = 0.08;

    private InputDistribution(Func<double[], double> density, double[] lower, double[] upper, string description)
    {
        Density = density;
        Lower = lower;
        Upper = upper;
        Description = description;
    }

    public Func<double[], double> Density { get; }
    public double[] Lower { get; }
    public double[] Upper { get; }

    /// <summary>For plot titles, e.g. "X₀ ~ N((0.5, 0.25), 0.5² I)".</summary>
    public string Description { get; }

    /// <summary>N(center, <see cref="GaussianSpread"/>² I), cut to center ± 3 spreads.</summary>
    public static InputDistribution GaussianAround(double[] center)
    {
        double s = GaussianSpread;
        var c = CultureInfo.InvariantCulture;
        return new InputDistribution(x =>
            {
                double r2 = 0;
                for (int a = 0; a < x.Length; a++) r2 += (x[a] - center[a]) * (x[a] - center[a]);
                return Math.Exp(-0.5 * r2 / (s * s));
            },
            center.Select(v => v - 3 * s).ToArray(), center.Select(v => v + 3 * s).ToArray(),
            string.Format(c, "X₀ ~ N(({0}), {1}² I)", string.Join(", ", center.Select(v => v.ToString("G4", c))), s));
    }

    /// <summary>Σ_i N(x; row_i, <see cref="KernelWidth"/>² I) over the rows of "file.npz:key" (or an .npy), cut to their range ± 3 kernel widths.</summary>
    /// <exception cref="InvalidDataException">The array cannot be read or its rows do not have <paramref name="width"/> values.</exception>
    public static InputDistribution FromSample(string reference, int width)
    {
        var (file, key) = ArrayReference.Split(reference);
        string? pathProblem = InputPaths.ArrayProblem(reference, file, "--input-sample");
        if (pathProblem != null) throw new InvalidDataException(pathProblem);
        NpyArray rows;
        try { rows = NpzReader.ReadArray(File.ReadAllBytes(file), file, key); }
        catch (DataFormatException e) { throw new InvalidDataException($"cannot use --input-sample '{reference}': {e.Message}", e); }
        if (rows.Shape.Length != 2 || rows.Shape[1] != width)
            throw new InvalidDataException($"--input-sample array '{rows.Name}' has shape [{string.Join(", ", rows.Shape)}]; the model needs [rows, {width}]");
        if (rows.Rows == 0 || rows.Data.Any(v => double.IsNaN(v) || double.IsInfinity(v)))
            throw new InvalidDataException($"--input-sample array '{rows.Name}' is empty or contains NaN or infinity");
        int count = (int)rows.Rows;
        var data = rows.Data;
        double h = KernelWidth;
        var lower = Enumerable.Range(0, width).Select(a => Enumerable.Range(0, count).Min(i => data[i * width + a]) - 3 * h).ToArray();
        var upper = Enumerable.Range(0, width).Select(a => Enumerable.Range(0, count).Max(i => data[i * width + a]) + 3 * h).ToArray();
        return new InputDistribution(x =>
            {
                double sum = 0;
                for (int i = 0; i < count; i++)
                {
                    double r2 = 0;
                    for (int a = 0; a < width; a++)
                    {
                        double d = x[a] - data[i * width + a];
                        r2 += d * d;
                    }
                    // Kernels further than 6 widths contribute below 1e-8 of their peak.
                    if (r2 < 36 * h * h) sum += Math.Exp(-0.5 * r2 / (h * h));
                }
                return sum;
            },
            lower, upper,
            string.Format(CultureInfo.InvariantCulture, "X₀: kernel density (width {0}) of {1} rows of {2}", h, count, Path.GetFileName(file) + (key != null ? ":" + key : "")));
    }
}
