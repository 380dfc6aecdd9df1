namespace Mz.Core.Analysis;

/// <summary>
/// One row of the analysis table: layer map n (layer n → n+1). A plain data class, so that generated code can rebuild
/// it from literals. NaN marks a value that does not apply or could not be measured.
/// </summary>
public sealed class LayerReport
{
    public int Index { get; set; }
    public LayerMapKind Kind { get; set; }
    public Activation Activation { get; set; }

    /// <summary>N_n.</summary>
    public int InputWidth { get; set; }

    /// <summary>N_{n+1}.</summary>
    public int Width { get; set; }

    /// <summary>r_n.</summary>
    public int InputRank { get; set; }

    /// <summary>r_{n+1}.</summary>
    public int Rank { get; set; }

    /// <summary>Energy fraction of the layer-(n+1) spectrum kept by its basis.</summary>
    public double CapturedEnergy { get; set; } = double.NaN;

    /// <summary>cond(G_{n+1}).</summary>
    public double GramCondition { get; set; } = double.NaN;

    /// <summary>‖Ω̃_n^(k)‖₂ for k = 0..min(n, K_max).</summary>
    public double[] KernelNorms { get; set; } = System.Array.Empty<double>();

    /// <summary>Sampling floor per lag.</summary>
    public double[] NoiseFloors { get; set; } = System.Array.Empty<double>();

    /// <summary>κ̂_n of the fit ‖Ω̃_n^(k)‖ ≈ γ κ̂^k.</summary>
    public double DecayRate { get; set; } = double.NaN;

    /// <summary>Every memory lag fell below the sampling floor: <see cref="DecayRate"/> is an upper bound (floor / Markov norm).</summary>
    public bool DecayRateIsBound { get; set; }

    /// <summary>K_n.</summary>
    public int RecommendedMemory { get; set; }

    /// <summary>κ_n^lin.</summary>
    public double OrthogonalDynamicsFactor { get; set; } = double.NaN;

    /// <summary>‖η_{n+1}‖ / ‖z_{n+1}‖.</summary>
    public double NoiseRatio { get; set; } = double.NaN;

    /// <summary>Residual layers: RMS ‖x_{n+1} − x_n‖ / RMS ‖x_n‖.</summary>
    public double BranchRatio { get; set; } = double.NaN;

    /// <summary>β_n (0 for a deterministic layer).</summary>
    public double NoiseLevel { get; set; }

    /// <summary>Theorem A's bound on ρ_n for a noisy layer; NaN when deterministic.</summary>
    public double MaximalCorrelationBound { get; set; } = double.NaN;

    public bool MaximalCorrelationBoundVacuous { get; set; }
}
