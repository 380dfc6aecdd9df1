using Mz.Core.Interpretation;
using Xunit;

namespace Mz.Tests.Core;

/// <summary>The interpreter's own erf, softplus and float16/bfloat16 rounding against tabulated and hand-derived values.</summary>
public sealed class ScalarMathTests
{
    /// <summary>erf values from Abramowitz &amp; Stegun table 7.1 (and erf(−x) = −erf(x)).</summary>
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.1, 0.1124629160182849)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(1.5, 0.9661051464753108)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(3.0, 0.9999779095030014)]
    [InlineData(-2.0, -0.9953222650189527)]
    [InlineData(7.0, 1.0)]
    public void ErfMatchesTables(double x, double expected) => Assert.Equal(expected, ScalarMath.Erf(x), 1e-15);

    [Fact]
    public void ErfKeepsNaNAndSaturates()
    {
        Assert.True(double.IsNaN(ScalarMath.Erf(double.NaN)));
        Assert.Equal(1.0, ScalarMath.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, ScalarMath.Erf(double.NegativeInfinity));
    }

    /// <summary>log(1 + eˣ): x itself far above 0 (no overflow at 800), e^x far below, ln 2 at 0.</summary>
    [Fact]
    public void SoftplusIsOverflowSafe()
    {
        Assert.Equal(800.0, ScalarMath.Softplus(800));
        Assert.Equal(Math.Log(2), ScalarMath.Softplus(0), 15);
        Assert.True(Math.Abs(ScalarMath.Softplus(-50) / Math.Exp(-50) - 1) < 1e-14);
    }

    /// <summary>binary16: 1/3 → 0x3555 = 0.333251953125; 65504 is the largest finite; 65520 rounds to +∞; 2⁻²⁴ is the smallest subnormal.</summary>
    [Fact]
    public void HalfRounding()
    {
        Assert.Equal(0.333251953125, ScalarMath.RoundToHalf(1.0 / 3));
        Assert.Equal(65504.0, ScalarMath.RoundToHalf(65504));
        Assert.Equal(double.PositiveInfinity, ScalarMath.RoundToHalf(65520));
        Assert.Equal(Math.Pow(2, -24), ScalarMath.RoundToHalf(Math.Pow(2, -24) * 1.4));
        Assert.Equal(0.0, ScalarMath.RoundToHalf(Math.Pow(2, -26)));
        // Ties go to even: 1 + 2⁻¹¹ lies halfway between 1 and 1 + 2⁻¹⁰.
        Assert.Equal(1.0, ScalarMath.RoundToHalf(1 + Math.Pow(2, -11)));
        Assert.Equal(-2.0, ScalarMath.RoundToHalf(-2.0));
    }

    /// <summary>bfloat16 keeps 8 significant bits: 1 + 2⁻⁸ is a tie and goes to even (1); 1 + 3·2⁻⁹ rounds up to 1 + 2⁻⁷.</summary>
    [Fact]
    public void BFloat16Rounding()
    {
        Assert.Equal(1.0, ScalarMath.RoundToBFloat16(1 + Math.Pow(2, -8)));
        Assert.Equal(1 + Math.Pow(2, -7), ScalarMath.RoundToBFloat16(1 + 3 * Math.Pow(2, -9)));
        Assert.True(double.IsNaN(ScalarMath.RoundToBFloat16(double.NaN)));
    }
}
