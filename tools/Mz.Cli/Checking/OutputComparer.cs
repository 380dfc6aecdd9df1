using System;
using System.Globalization;

namespace Mz.Cli.Checking;

/// <summary>
/// Compares generated outputs with a reference. NaN matches only NaN and ±∞ only the same infinity. With a
/// stated tolerance: |d| ≤ atol + rtol·|ref|. Without one, elementwise graphs need |d| ≤ 1e-6·max(1, |ref|) or at
/// most 4 ULP, graphs that accumulate (matrix products, reductions, normalisations) atol 1e-5 + rtol 1e-4.
/// </summary>
public static class OutputComparer
{
    public static readonly Tolerance AccumulationTolerance = new(1e-5, 1e-4);
    public const double ElementwiseRelative = 1e-6;
    public const long ElementwiseUlps = 4;

    /// <summary>Null when every element matches, else a description of the worst mismatch.</summary>
    public static string? Compare(string output, double[] actual, double[] expected, Tolerance? tolerance, bool elementwise, bool doublePrecision)
    {
        if (actual.Length != expected.Length)
            return $"output '{output}' has {actual.Length} values, the reference has {expected.Length}";
        int violations = 0, worst = -1;
        double maxError = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double a = actual[i], e = expected[i];
            if (Matches(a, e, tolerance, elementwise, doublePrecision)) continue;
            violations++;
            double error = double.IsNaN(a) || double.IsNaN(e) || a == e ? double.PositiveInfinity : Math.Abs(a - e);
            if (worst < 0 || error > maxError) { maxError = error; worst = i; }
        }
        if (violations == 0) return null;
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return $"output '{output}': {violations} of {actual.Length} values outside tolerance; worst at [{worst}]: got {F(actual[worst])}, expected {F(expected[worst])} (|diff| {F(maxError)}, {Ulps(actual[worst], expected[worst], doublePrecision)} ULP)";
    }

    public static bool Matches(double actual, double expected, Tolerance? tolerance, bool elementwise, bool doublePrecision)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual)) return double.IsNaN(expected) && double.IsNaN(actual);
        if (double.IsInfinity(expected) || double.IsInfinity(actual)) return actual == expected;
        double diff = Math.Abs(actual - expected);
        if (tolerance != null) return diff <= tolerance.Atol + tolerance.Rtol * Math.Abs(expected);
        if (!elementwise) return diff <= AccumulationTolerance.Atol + AccumulationTolerance.Rtol * Math.Abs(expected);
        return diff <= ElementwiseRelative * Math.Max(1, Math.Abs(expected)) || Ulps(actual, expected, doublePrecision) <= ElementwiseUlps;
    }

    /// <summary>Distance in units in the last place of float32 (or float64) values.</summary>
    public static long Ulps(double a, double b, bool doublePrecision)
    {
        if (double.IsNaN(a) || double.IsNaN(b)) return long.MaxValue;
        if (doublePrecision) return Distance(Ordered(BitConverter.DoubleToInt64Bits(a)), Ordered(BitConverter.DoubleToInt64Bits(b)));
        return Distance(Ordered(BitConverter.SingleToInt32Bits((float)a)), Ordered(BitConverter.SingleToInt32Bits((float)b)));
    }

    // Maps IEEE bit patterns onto a line where adjacent values differ by one, −0 and +0 coinciding.
    private static long Ordered(long bits) => bits < 0 ? long.MinValue - bits : bits;
    private static long Ordered(int bits) => bits < 0 ? int.MinValue - (long)bits : bits;

    private static long Distance(long x, long y)
    {
        try { return Math.Abs(checked(x - y)); }
        catch (OverflowException) { return long.MaxValue; }
    }
}
