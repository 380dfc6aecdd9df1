using System.Globalization;
using System.Linq;
using System.Text;

namespace Mz.Core.Analysis;

/// <summary>
/// Result of <see cref="MzAnalysis"/>: the per-layer table and a summary. A plain data class with settable
/// properties and arrays only, so that generated code can construct it from literals.
/// </summary>
public sealed class AnalysisReport
{
    public BasisKind BasisKind { get; set; }
    public int RequestedRank { get; set; }
    public int MaxLag { get; set; }
    public int CalibrationRows { get; set; }
    public int FitRows { get; set; }
    public int ValidationRows { get; set; }

    /// <summary>N_0 and r_0 (layer 0 has no row of its own in <see cref="Layers"/>).</summary>
    public int InputWidth { get; set; }
    public int InputRank { get; set; }

    public LayerReport[] Layers { get; set; } = System.Array.Empty<LayerReport>();

    /// <summary>Median of the finite per-layer decay rates κ̂_n, floor-limited bounds included (NaN when none could be fitted).</summary>
    public double MedianDecayRate { get; set; } = double.NaN;

    /// <summary>max_n K_n: the memory length that keeps every layer's lags above the floor.</summary>
    public int RecommendedMemory { get; set; }

    public double MedianNoiseRatio { get; set; } = double.NaN;

    /// <summary>Median κ_n^lin.</summary>
    public double MedianOrthogonalDynamicsFactor { get; set; } = double.NaN;

    /// <summary>
    /// Relative L² logit error, on the validation rows, of the noise-free full-memory linear Mori model — by the
    /// collapse theorem, the linear regression of the output on z_0 (MZ.md §3). What linear memory alone can reach.
    /// </summary>
    public double LinearMoriValidationError { get; set; } = double.NaN;

    public string[] Warnings { get; set; } = System.Array.Empty<string>();

    /// <summary>What [MzReduce] chose and how it validated (null without [MzReduce]); the same object as the generated Reduction property.</summary>
    public Reduction.ReductionSummary? Reduction { get; set; }

    /// <summary>A fixed-width text table (invariant culture) for logs and tools.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.Append(string.Format(c, "MZ analysis: {0} basis, rank ≤ {1}, K_max {2}, {3} calibration rows ({4} fit, {5} validation)\n",
            BasisKind, RequestedRank, MaxLag, CalibrationRows, FitRows, ValidationRows));
        text.Append(" n  kind      N   r  decay   K  kappa_lin  noise   kernel norms k=0..\n");
        foreach (var layer in Layers)
            text.Append(string.Format(c, "{0,2}  {1,-8} {2,3} {3,3} {9}{4,6:F3} {5,2}  {6,9:F4}  {7,6:F3}  {8}\n",
                layer.Index, layer.Kind, layer.Width, layer.Rank, layer.DecayRate, layer.RecommendedMemory,
                layer.OrthogonalDynamicsFactor, layer.NoiseRatio, string.Join(" ", layer.KernelNorms.Select(v => v.ToString("F3", c))), layer.DecayRateIsBound ? "≤" : " "));
        text.Append(string.Format(c, "median decay {0:F3}, recommended K {1}, median noise ratio {2:F3}, median kappa_lin {3:F4}, linear Mori validation error {4:F3}\n",
            MedianDecayRate, RecommendedMemory, MedianNoiseRatio, MedianOrthogonalDynamicsFactor, LinearMoriValidationError));
        foreach (var warning in Warnings) text.Append("warning: ").Append(warning).Append('\n');
        return text.ToString();
    }

    /// <summary>The table of <see cref="Format"/>, so that printing the report shows it (as printing Reduction does).</summary>
    public override string ToString() => Format();
}
