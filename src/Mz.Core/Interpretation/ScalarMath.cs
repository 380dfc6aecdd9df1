using System;

namespace Mz.Core.Interpretation;

/// <summary>
/// Float64 scalar functions the reference interpreter needs but netstandard2.0 lacks (erf, log1p, float16
/// rounding), written to stay accurate far below float32 resolution.
/// </summary>
public static class ScalarMath
{
    private static readonly double TwoOverSqrtPi = 2.0 / Math.Sqrt(Math.PI);

    /// <summary>
    /// erf(x) = 2/√π · e^(−x²) · Σ (2x²)ⁿ·x / (2n+1)!!. Every term is positive, so there is no cancellation;
    /// beyond |x| = 6 erf is ±1 to double precision.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double magnitude = Math.Abs(x);
        if (magnitude >= 6) return Math.Sign(x);
        double twoXSquared = 2 * magnitude * magnitude;
        double term = magnitude, sum = magnitude;
        for (int n = 1; n < 500 && term > 1e-18 * sum; n++)
        {
            term *= twoXSquared / (2 * n + 1);
            sum += term;
        }
        double result = TwoOverSqrtPi * Math.Exp(-magnitude * magnitude) * sum;
        return x < 0 ? -Math.Min(result, 1) : Math.Min(result, 1);
    }

    /// <summary>log(1 + x), accurate for tiny x (the naive form loses every digit below 1e-16).</summary>
    public static double Log1P(double x)
    {
        double u = 1 + x;
        if (u == 1) return x;
        // Corrects the rounding of 1 + x (Goldberg's trick).
        return Math.Log(u) * x / (u - 1);
    }

    /// <summary>log(1 + eˣ) without overflow: max(x, 0) + log1p(e^−|x|).</summary>
    public static double Softplus(double x) => double.IsNaN(x) ? x : Math.Max(x, 0) + Log1P(Math.Exp(-Math.Abs(x)));

    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>Rounds to the nearest float32 (ties to even), as a Cast to FLOAT does.</summary>
    public static double RoundToSingle(double x) => (float)x;

    /// <summary>Rounds to the nearest IEEE binary16 value (ties to even), overflowing to ±∞.</summary>
    public static double RoundToHalf(double x)
    {
        if (double.IsNaN(x) || double.IsInfinity(x) || x == 0) return x;
        double magnitude = Math.Abs(x);
        // Spacing of binary16 values around |x|: 2^(e−10) for normal numbers, 2^−24 below 2^−14.
        int exponent = (int)Math.Floor(Math.Log(magnitude, 2));
        if (Math.Pow(2, exponent) > magnitude) exponent--;
        else if (Math.Pow(2, exponent + 1) <= magnitude) exponent++;
        double quantum = Math.Pow(2, Math.Max(exponent, -14) - 10);
        double rounded = RoundHalfToEven(magnitude / quantum) * quantum;
        if (rounded > 65504) rounded = double.PositiveInfinity;
        return x < 0 ? -rounded : rounded;
    }

    /// <summary>Rounds to the nearest bfloat16 value (ties to even): the top 16 bits of the float32.</summary>
    public static double RoundToBFloat16(double x)
    {
        float single = (float)x;
        if (float.IsNaN(single)) return x;
        uint bits = BitConverter.ToUInt32(BitConverter.GetBytes(single), 0);
        uint lower = bits & 0xFFFF;
        uint upper = bits & 0xFFFF0000;
        if (lower > 0x8000 || lower == 0x8000 && (upper & 0x10000) != 0) upper += 0x10000;
        return BitConverter.ToSingle(BitConverter.GetBytes(upper), 0);
    }

    private static double RoundHalfToEven(double value) => Math.Round(value, MidpointRounding.ToEven);
}
