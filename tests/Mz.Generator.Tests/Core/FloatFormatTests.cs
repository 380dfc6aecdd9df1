extern alias gen;
using System.Globalization;
using Xunit;
using FloatFormat = gen::Mz.Generator.Emit.FloatFormat;

namespace Mz.Tests.Core;

/// <summary>Weight literals must re-parse to the identical bits: special values, subnormals and random patterns.</summary>
public sealed class FloatFormatTests
{
    [Theory]
    [InlineData(0x80000000u)] // -0
    [InlineData(0x00000001u)] // smallest subnormal
    [InlineData(0x007FFFFFu)] // largest subnormal
    [InlineData(0x3DCCCCCEu)] // 0.1f plus one ulp
    [InlineData(0x7F7FFFFFu)] // float.MaxValue
    [InlineData(0xFF800000u)] // -inf
    [InlineData(0xFFC00000u)] // float.NaN as .NET defines it
    public void SpecialValuesRoundTrip(uint bits)
    {
        float value = BitConverter.UInt32BitsToSingle(bits);
        Assert.True(FloatFormat.TryFormatSingle(value, out var literal));
        Assert.Equal(bits, BitConverter.SingleToUInt32Bits(ParseLiteral(literal)));
    }

    [Fact]
    public void OtherNaNPayloadsAreRefusedSoTheyTravelAsRawBits()
    {
        Assert.False(FloatFormat.TryFormatSingle(BitConverter.UInt32BitsToSingle(0x7FC00000u), out _));
        Assert.False(FloatFormat.TryFormatSingle(BitConverter.UInt32BitsToSingle(0x7F800001u), out _));
    }

    [Fact]
    public void RandomBitPatternsRoundTripOrAreRefused()
    {
        var random = new Random(1234);
        for (int i = 0; i < 100_000; i++)
        {
            uint bits = (uint)random.NextInt64(0, 1L << 32);
            float value = BitConverter.UInt32BitsToSingle(bits);
            if (FloatFormat.TryFormatSingle(value, out var literal))
                Assert.Equal(bits, BitConverter.SingleToUInt32Bits(ParseLiteral(literal)));
            else
                Assert.True(float.IsNaN(value), $"0x{bits:X8} was refused but is not a NaN payload");
        }
    }

    [Fact]
    public void DoublesRoundTrip()
    {
        var random = new Random(99);
        foreach (var value in new[] { -0.0, double.Epsilon, 0.1, 1e308, double.NegativeInfinity }.Concat(Enumerable.Range(0, 10000).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64()))))
        {
            if (double.IsNaN(value)) continue;
            Assert.True(FloatFormat.TryFormatDouble(value, out var literal));
            double parsed = literal switch
            {
                "double.PositiveInfinity" => double.PositiveInfinity,
                "double.NegativeInfinity" => double.NegativeInfinity,
                _ => double.Parse(literal, CultureInfo.InvariantCulture),
            };
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(parsed));
        }
    }

    private static float ParseLiteral(string literal) => literal switch
    {
        "float.NaN" => float.NaN,
        "float.PositiveInfinity" => float.PositiveInfinity,
        "float.NegativeInfinity" => float.NegativeInfinity,
        _ => float.Parse(literal.TrimEnd('f'), CultureInfo.InvariantCulture),
    };
}
