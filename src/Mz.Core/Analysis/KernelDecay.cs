using System;
using System.Collections.Generic;
using System.Linq;

namespace Mz.Core.Analysis;

/// <summary>
/// Measured decay of the whitened kernel norms of one layer map (MZ.md §5.7 item 3): the fit ‖Ω̃_n^(k)‖ ≈ γ κ̂^k,
/// the sampling-noise floor (√r_{n+1} + √r_{n−k})/√S, the tail estimate γ κ̂^{K+1}/(1 − κ̂), and K_n, the number of
/// lags before the first lag whose norm falls below max(tolerance, floor).
/// </summary>
public sealed class KernelDecay
{
    private KernelDecay(double[] norms, double[] floors, double rate, double amplitude, int recommendedMemory, bool rateIsBound)
    {
        RateIsBound = rateIsBound;
        Norms = norms;
        Floors = floors;
        Rate = rate;
        Amplitude = amplitude;
        RecommendedMemory = recommendedMemory;
    }

    /// <summary>‖Ω̃_n^(k)‖₂ for k = 0..K_max.</summary>
    public double[] Norms { get; }

    public double[] Floors { get; }

    /// <summary>κ̂_n, fitted on lag 0 and the memory lags above the floor; NaN with fewer than two lags.</summary>
    public double Rate { get; }

    /// <summary>No memory lag stands above the floor: <see cref="Rate"/> is the upper bound floor_1 / ‖Ω̃^(0)‖.</summary>
    public bool RateIsBound { get; }

    /// <summary>γ_n.</summary>
    public double Amplitude { get; }

    /// <summary>K_n.</summary>
    public int RecommendedMemory { get; }

    /// <summary>γ κ̂^{K+1} / (1 − κ̂): the estimated norm of all lags beyond K (infinite without decay).</summary>
    public double TailEstimate(int memory) =>
        double.IsNaN(Rate) ? double.NaN : Rate >= 1 ? double.PositiveInfinity : Amplitude * Math.Pow(Rate, memory + 1) / (1 - Rate);

    /// <summary>Spectral-norm sampling floor of a whitened (rows × cols) kernel estimated from S samples.</summary>
    public static double NoiseFloor(int rows, int cols, int samples) => (Math.Sqrt(rows) + Math.Sqrt(cols)) / Math.Sqrt(samples);

    /// <param name="norms">Whitened norms for k = 0..K_max.</param>
    /// <param name="floors">Noise floor per lag (zeros for exact covariances).</param>
    /// <param name="tolerance">Norms below this are negligible even when above the floor.</param>
    public static KernelDecay Fit(double[] norms, double[] floors, double tolerance)
    {
        if (norms.Length != floors.Length) throw new ArgumentException("one floor per lag is needed");
        int memory = norms.Length - 1;
        for (int k = 1; k < norms.Length; k++)
            if (norms[k] < Math.Max(tolerance, floors[k])) { memory = k - 1; break; }
        if (norms.Length == 0) memory = 0;

        // Lags below the floor are sampling noise (MZ.md §7.1 item 5): fit the Markov term and the memory lags that
        // stand above it. When none does, the data only say that the decay is at least as fast as floor/‖Ω̃^(0)‖.
        if (norms.Length < 2 || !(norms[0] > 0)) return new KernelDecay(norms, floors, double.NaN, double.NaN, memory, false);
        var usable = new List<int> { 0 };
        usable.AddRange(Enumerable.Range(1, norms.Length - 1).Where(k => norms[k] > floors[k] && norms[k] > 0));
        if (usable.Count < 2) return new KernelDecay(norms, floors, Math.Min(1, floors[1] / norms[0]), norms[0], memory, true);
        var (slope, intercept) = LogLinearFit(usable, usable.Select(k => Math.Log(norms[k])).ToList());
        return new KernelDecay(norms, floors, Math.Exp(slope), Math.Exp(intercept), memory, false);
    }

    private static (double Slope, double Intercept) LogLinearFit(IList<int> lags, IList<double> logs)
    {
        double meanX = lags.Average(), meanY = logs.Average();
        double sxx = 0, sxy = 0;
        for (int i = 0; i < lags.Count; i++)
        {
            sxx += (lags[i] - meanX) * (lags[i] - meanX);
            sxy += (lags[i] - meanX) * (logs[i] - meanY);
        }
        double slope = sxy / sxx;
        return (slope, meanY - slope * meanX);
    }
}
