extern alias gen;
using Mz.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Kernels;

/// <summary>
/// The narrow (row-major dot-product) kernel of reduced networks on every path (Vector512, Vector256, Vector128,
/// scalar) against a float64 reference on awkward sizes, so every vector width's step and the scalar tail run. CI
/// runs this class again with AVX-512, AVX2 and all intrinsics disabled.
/// </summary>
/// <remarks>
/// Bound, in units of u = 2^-24: |y − y_ref| ≤ (k + 2)·u·S with S = |start| + Σ|x_p·w_p| (start = bias, or the
/// accumulated value): one rounding per multiply and per add of a dot product of length k, plus the final add.
/// </remarks>
public sealed class NarrowDenseKernelPathTests
{
    private static readonly int[] Sizes = { 1, 2, 3, 5, 7, 9, 15, 17, 31, 33, 50, 63, 65 };
    private const double U = 1.0 / (1 << 24);

    private readonly ITestOutputHelper _output;

    public NarrowDenseKernelPathTests(ITestOutputHelper output) { _output = output; }

    public static TheoryData<string> Paths => new() { "Vector512", "Vector256", "Vector128", "Scalar" };

    [Theory]
    [MemberData(nameof(Paths))]
    public void EveryPathMatchesFloat64ReferenceOnEverySize(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        if (!KernelPaths.IsSupported(path))
        {
            _output.WriteLine($"{path} is not accelerated in this process; nothing to check.");
            return;
        }
        var random = new Random(20261204);
        int cases = 0;
        double worst = 0;
        foreach (int k in Sizes)
            foreach (int n in Sizes)
                foreach (int rows in new[] { 1, 9 })
                {
                    bool accumulate = cases % 3 == 2, withBias = cases % 2 == 0;
                    worst = Math.Max(worst, CheckCase(random, path, rows, k, n, accumulate, withBias));
                    cases++;
                }
        _output.WriteLine($"{path}: {cases} shapes within the bound; worst error / bound = {worst:F3}");
    }

    private static double CheckCase(Random random, KernelPath path, int rows, int k, int n, bool accumulate, bool withBias)
    {
        var x = Floats(random, rows * k);
        var w = Floats(random, n * k);
        var bias = withBias && !accumulate ? Floats(random, n) : Array.Empty<float>();
        var start = Floats(random, rows * n);
        var y = accumulate ? (float[])start.Clone() : new float[rows * n];
        NarrowDenseKernel.Run<float>(x, w, bias, y, k, n, accumulate, path);

        double worst = 0;
        for (int m = 0; m < rows; m++)
            for (int j = 0; j < n; j++)
            {
                double first = accumulate ? start[m * n + j] : bias.Length > 0 ? bias[j] : 0;
                double exact = first, magnitude = Math.Abs(first);
                for (int p = 0; p < k; p++)
                {
                    double term = (double)x[m * k + p] * w[j * k + p];
                    exact += term;
                    magnitude += Math.Abs(term);
                }
                double bound = (k + 2) * U * magnitude + 1e-30;
                double error = Math.Abs(y[m * n + j] - exact);
                Assert.True(error <= bound, $"{path} rows={rows} k={k} n={n} accumulate={accumulate} output ({m},{j}): {y[m * n + j]} vs {exact}, error {error:E3} over bound {bound:E3}");
                worst = Math.Max(worst, error / bound);
            }

        // A row alone gives the same bits as inside the batch.
        if (rows > 1 && !accumulate)
        {
            var alone = new float[n];
            NarrowDenseKernel.Run<float>(x.AsSpan(4 * k, k), w, bias, alone, k, n, false, path);
            Assert.Equal(y.AsSpan(4 * n, n).ToArray(), alone);
        }
        return worst;
    }

    /// <summary>The two-product form sums exactly as Forward followed by Accumulate does, on every path and size.</summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void TwoProductsInOnePassEqualForwardThenAccumulate(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        if (!KernelPaths.IsSupported(path)) return;
        var random = new Random(11);
        foreach (int k in Sizes)
            foreach (int k2 in new[] { 1, 10, 17 })
                foreach (int n in new[] { 1, 5, 10, 12, 33 })
                {
                    const int rows = 3;
                    var x = Floats(random, rows * k);
                    var x2 = Floats(random, rows * k2);
                    var w = Floats(random, n * k);
                    var w2 = Floats(random, n * k2);
                    var b = Floats(random, n);
                    var twoCalls = new float[rows * n];
                    NarrowDenseKernel.Run<float>(x, w, b, twoCalls, k, n, false, path);
                    NarrowDenseKernel.Run<float>(x2, w2, default, twoCalls, k2, n, true, path);
                    var onePass = new float[rows * n];
                    NarrowDenseKernel.Run<float>(x, w, b, onePass, k, n, false, path, x2, w2, k2);
                    Assert.Equal(twoCalls, onePass);
                }
    }

    [Fact]
    public void DoubleKernelMatchesTheDotProductDefinition()
    {
        var random = new Random(7);
        var x = Enumerable.Range(0, 3 * 5).Select(_ => random.NextDouble() - 0.5).ToArray();
        var w = Enumerable.Range(0, 4 * 5).Select(_ => random.NextDouble() - 0.5).ToArray();
        var b = new[] { 0.5, -1.0, 2.0, 0.0 };
        var y = new double[12];
        NarrowDenseKernel.Forward<double>(x, w, b, y, 5, 4);
        NarrowDenseKernel.Accumulate<double>(x, w, y, 5, 4);
        for (int m = 0; m < 3; m++)
            for (int j = 0; j < 4; j++)
            {
                double dot = 0;
                for (int p = 0; p < 5; p++) dot += x[m * 5 + p] * w[j * 5 + p];
                Assert.Equal(b[j] + 2 * dot, y[m * 4 + j], 12);
            }
    }

    [Fact]
    public void ShapeErrorsNameTheExpectedSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => NarrowDenseKernel.Forward<float>(new float[10], new float[11], default, new float[5], 5, 3));
        Assert.Contains("15", e.Message);
        Assert.Contains("11", e.Message);
        e = Assert.Throws<ArgumentException>(() => NarrowDenseKernel.Forward<float>(new float[7], new float[15], default, new float[6], 5, 3));
        Assert.Contains("whole number of rows", e.Message);
    }

    private static float[] Floats(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
