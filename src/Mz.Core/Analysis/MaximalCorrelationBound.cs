using System;
using MathNet.Numerics;

namespace Mz.Core.Analysis;

/// <summary>
/// Theorem A's bound on the maximal correlation of a noisy layer with additive Gaussian noise N(0, β² I) and a range
/// of diameter D (MZ.md (F4)): ρ ≤ √(2·ncdf(D/(2β)) − 1). Rigorous, but vacuous for wide layers: flagged when ≥ 0.999.
/// </summary>
public static class MaximalCorrelationBound
{
    public const double VacuityThreshold = 0.999;

    public static double Gaussian(double rangeDiameter, double noiseLevel)
    {
        if (!(noiseLevel > 0) || double.IsInfinity(rangeDiameter)) return 1;
        double value = 2 * NormalCdf(rangeDiameter / (2 * noiseLevel)) - 1;
        return Math.Sqrt(Math.Max(0, Math.Min(1, value)));
    }

    public static bool IsVacuous(double bound) => bound >= VacuityThreshold;

    public static double NormalCdf(double x) => 0.5 * SpecialFunctions.Erfc(-x / Math.Sqrt(2));

    /// <summary>
    /// Diameter of the range of a layer map: a bounded activation gives Δ·|range|·√N (plus the input diameter for a
    /// residual layer, which only calibration data can supply); unbounded activations give infinity.
    /// </summary>
    public static double RangeDiameter(LayerMap layer, double inputDiameter)
    {
        double branch = ActivationMath.RangeLength(layer.Activation) * Math.Sqrt(layer.OutputWidth);
        return layer.Kind == LayerMapKind.Residual ? inputDiameter + Math.Abs(layer.Step) * branch : branch;
    }
}
