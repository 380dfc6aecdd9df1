using System;

namespace Mz.Core.Stochastic;

/// <summary>
/// Standard normal density and distribution function (ncdf, npdf in MZ.md). .NET has no erf, so the CDF is
/// built from two series that need no fitted coefficients: an all-positive power series for erf near the
/// origin (no cancellation) and the Laplace continued fraction for erfc in the tails (full relative accuracy
/// where 1 − erf would lose it).
/// </summary>
public static class NormalDistribution
{
    private const double InvSqrtTwoPi = 0.3989422804014327;
    private const double InvSqrtPi = 0.5641895835477563;
    private const double Sqrt2 = 1.4142135623730951;

    // Past this |x| the continued fraction converges in a few dozen terms; below it the series is cheap.
    private const double SeriesLimit = 2.5;

    public static double Pdf(double z) => InvSqrtTwoPi * Math.Exp(-0.5 * z * z);

    /// <summary>P(Z ≤ z) for Z ~ N(0, 1).</summary>
    public static double Cdf(double z)
    {
        if (double.IsNaN(z)) return double.NaN;
        double x = z / Sqrt2;
        // In the tails e^{−x²} is taken as e^{−z²/2}: squaring the rounded z/√2 would cost ~x²·ε relative accuracy.
        if (x < -SeriesLimit) return 0.5 * Math.Exp(-0.5 * z * z) * ScaledErfc(-x);
        if (x > SeriesLimit) return 1 - 0.5 * Math.Exp(-0.5 * z * z) * ScaledErfc(x);
        return 0.5 * (1 + Erf(x));
    }

    /// <summary>erf(x) = 2/√π · x e^{−x²} Σ (2x²)^k / (1·3·⋯·(2k+1)); every term is positive.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (Math.Abs(x) > SeriesLimit) return Math.Sign(x) * (1 - Math.Exp(-x * x) * ScaledErfc(Math.Abs(x)));
        double x2 = x * x, term = 1, sum = 1;
        for (int k = 1; k < 200; k++)
        {
            term *= 2 * x2 / (2 * k + 1);
            sum += term;
            if (term < 1e-17 * sum) break;
        }
        return 2 * InvSqrtPi * x * Math.Exp(-x2) * sum;
    }

    /// <summary>
    /// e^{x²}·erfc(x) for x &gt; 0 by the continued fraction 1/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ⋯)))),
    /// evaluated with the modified Lentz method.
    /// </summary>
    private static double ScaledErfc(double x)
    {
        if (double.IsPositiveInfinity(x)) return 0;
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 500; k++)
        {
            double a = k * 0.5;
            d = x + a * d;
            d = Math.Abs(d) < tiny ? 1 / tiny : 1 / d;
            c = x + a / c;
            if (Math.Abs(c) < tiny) c = tiny;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return InvSqrtPi / f;
    }
}
