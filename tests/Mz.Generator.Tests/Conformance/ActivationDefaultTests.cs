using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Conformance;

/// <summary>
/// A missing attribute means the ONNX default (ONNX-NOTES §6-§8). Expected values are written out by hand
/// from the definitions, with the spec's exact float32 constants.
/// </summary>
public sealed class ActivationDefaultTests
{
    private static readonly double[] X = { -2, -1, -0.5, 0, 0.5, 1, 3 };

    [Fact]
    public void LeakyReluDefaultAlphaIsOneHundredth() =>
        GraphCheck.BothMatch(TinyGraphs.Unary("LeakyRelu", X.Length), X, new[] { -0.02, -0.01, -0.005, 0, 0.5, 1, 3 }, 1e-7);

    [Fact]
    public void EluDefaultAlphaIsOne() =>
        GraphCheck.BothMatch(TinyGraphs.Unary("Elu", X.Length), X,
            new[] { Math.Exp(-2) - 1, Math.Exp(-1) - 1, Math.Exp(-0.5) - 1, 0, 0.5, 1, 3 }, 1e-6);

    [Fact]
    public void SeluUsesTheExactSpecConstants()
    {
        const double alpha = 1.67326319217681884765625, gamma = 1.05070102214813232421875;
        var expected = X.Select(x => gamma * (x > 0 ? x : alpha * (Math.Exp(x) - 1))).ToArray();
        // Truncated constants (1.6732, 1.0507) are ~4e-5 off on the negative side; 1e-6 tells them apart.
        GraphCheck.BothMatch(TinyGraphs.Unary("Selu", X.Length), X, expected, 1e-6);
        Assert.True(Math.Abs(1.0507 * 1.6732 * (Math.Exp(-2) - 1) - expected[0]) > 1e-5);
    }

    [Fact]
    public void HardSigmoidDefaultsAreOneFifthAndOneHalf() =>
        GraphCheck.BothMatch(TinyGraphs.Unary("HardSigmoid", X.Length), X, new[] { 0.1, 0.3, 0.4, 0.5, 0.6, 0.7, 1 }, 1e-7);

    [Fact]
    public void HardSwishUsesOneSixthAndOneHalf() =>
        GraphCheck.BothMatch(TinyGraphs.Unary("HardSwish", X.Length, 14), X,
            new[] { -2 * (1 / 6.0), -1 * (2 / 6.0), -0.5 * (2.5 / 6), 0, 0.5 * (3.5 / 6), 1 * (4 / 6.0), 3 }, 1e-6);

    [Fact]
    public void CeluDefaultAlphaIsOne() =>
        GraphCheck.BothMatch(TinyGraphs.Unary("Celu", X.Length, 12), X,
            new[] { Math.Exp(-2) - 1, Math.Exp(-1) - 1, Math.Exp(-0.5) - 1, 0, 0.5, 1, 3 }, 1e-6);

    [Fact]
    public void ThresholdedReluDefaultAlphaIsOne() =>
        GraphCheck.BothMatch(TinyGraphs.Unary("ThresholdedRelu", X.Length, 10), X, new[] { 0, 0, 0, 0, 0, 0, 3.0 }, 1e-7);

    /// <summary>Exact and tanh GELU differ by 1.5e-4 at −1: never substitute one for the other.</summary>
    [Fact]
    public void GeluExactAndTanhFormsStayDistinct()
    {
        var x = new[] { -1.0, 0, 1 };
        // 0.5·x·(1 + erf(x/√2)) and 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) at ±1, evaluated independently.
        GraphCheck.BothMatch(TinyGraphs.Unary("Gelu", 3, 20), x, new[] { -0.15865525393145707, 0, 0.8413447460685429 }, 1e-6);
        GraphCheck.BothMatch(TinyGraphs.Unary("Gelu", 3, 20, ("approximate", "tanh")), x, new[] { -0.15880800939172324, 0, 0.8411919906082768 }, 1e-6);
    }

    [Fact]
    public void ErfMatchesTabulatedValues() =>
        GraphCheck.BothMatch(TinyGraphs.Unary("Erf", 5), new[] { 0, 0.5, 1, 2.5, -3.2 },
            new[] { 0, 0.5204998778130465, 0.8427007929497149, 0.999593047982555, -0.9999939742388483 }, 1e-7);

    /// <summary>Softplus is log(1 + eˣ); taken literally it overflows to +∞ near 88.7 in float32.</summary>
    [Fact]
    public void SoftplusDoesNotOverflowAtLargeInputs() =>
        GraphCheck.BothMatch(TinyGraphs.Unary("Softplus", 4), new[] { 0.0, 88, 100, -100 }, new[] { Math.Log(2), 88, 100, Math.Exp(-100) }, 1e-7);

    [Fact]
    public void MishDoesNotOverflowAtLargeInputs() =>
        GraphCheck.BothMatch(TinyGraphs.Unary("Mish", 2, 18), new[] { 100.0, 0 }, new[] { 100.0, 0 }, 1e-7);

    /// <summary>Opset ≤ 6 PRelu applies a multi-element slope per channel (axis 1); from opset 7 it broadcasts like numpy.</summary>
    [Fact]
    public void PReluSlopeIsPerChannelAtOpset6AndBroadcastFrom7()
    {
        static byte[] Model(long opset, long[] slopeShape) => new OnnxModelBuilder(opset)
            .Input("x", new long?[] { 1, 2, 2 })
            .Output("y", new long?[] { 1, 2, 2 })
            .Initializer("slope", slopeShape, new[] { 0.5f, 0.25f })
            .Node("PRelu", new[] { "x", "slope" }, new[] { "y" })
            .Build();
        var x = new[] { -1.0, -2, -4, 8 };
        // Opset 6, slope [2] over channels: channel 0 ([-1, -2]) ·0.5, channel 1 ([-4, 8]) ·0.25.
        GraphCheck.BothMatch(Model(6, new long[] { 2 }), x, new[] { -0.5, -1, -1, 8 }, 1e-7);
        // Opset 7, slope [2] aligns with the last axis: columns ·0.5 and ·0.25.
        GraphCheck.BothMatch(Model(7, new long[] { 2 }), x, new[] { -0.5, -0.5, -2, 8 }, 1e-7);
    }
}
