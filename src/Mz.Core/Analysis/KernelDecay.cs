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
    private KernelDecay(double[] norms, double[] floors, double rate, double amplitude, int recommendedMemory)
    {
        Norms = norms;
        Floors = floors;
        Rate = rate;
        Amplitude = amplitude;
        RecommendedMemory = recommendedMemory;
    }

    /// <summary>‖Ω̃_n^(k)‖₂ for k = 0..K_max.</summary>
    public double[] Norms { get; }

    public double[] Floors { get; }

    /// <summary>κ̂_n; NaN when fewer than two lags stand above the floor.</summary>
    public double Rate { get; }

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

        // The Markov term (k = 0) is of order one in any network; the decay that matters is that of the memory
        // lags, so they are fitted alone when at least two stand above the floor.
        var usable = Enumerable.Range(1, Math.Max(norms.Length - 1, 0)).Where(k => norms[k] > floors[k] && norms[k] > 0).ToList();
        if (usable.Count < 2 && norms.Length > 0 && norms[0] > 0) usable.Insert(0, 0);
        if (usable.Count < 2) return new KernelDecay(norms, floors, double.NaN, double.NaN, memory);
        var (slope, intercept) = LogLinearFit(usable, usable.Select(k => Math.Log(norms[k])).ToList());
        return new KernelDecay(norms, floors, Math.Exp(slope), Math.Exp(intercept), memory);
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
