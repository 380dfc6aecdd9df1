using Mz.Tests.Infrastructure;

namespace Mz.Tests.Conformance;

/// <summary>One-node models over a fixed [1, n] input, the building block of the semantic trap tests.</summary>
internal static class TinyGraphs
{
    public static byte[] Unary(string op, int length, long opset = 13, params (string, object)[] attributes) =>
        new OnnxModelBuilder(opset)
            .Input("x", new long?[] { 1, length })
            .Output("y", new long?[] { 1, length })
            .Node(op, new[] { "x" }, new[] { "y" }, attributes)
            .Build();

    /// <summary>[NaN, −1, 0, 1, +∞] repeated to 37 values: two 16-wide vectors plus a tail, so every SIMD path sees NaN.</summary>
    public static double[] SpecialValues(int length = 37)
    {
        var pattern = new[] { double.NaN, -1, 0, 1, double.PositiveInfinity };
        return Enumerable.Range(0, length).Select(i => pattern[i % pattern.Length]).ToArray();
    }
}
