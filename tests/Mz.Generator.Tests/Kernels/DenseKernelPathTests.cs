extern alias gen;
using System.Runtime.Intrinsics;
using Mz.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Kernels;

/// <summary>
/// Every dense-kernel path (Vector512, Vector256, Vector128, scalar) against a float64 reference on awkward sizes,
/// so each tail of each path runs. CI runs this class again with AVX-512, AVX2 and all intrinsics disabled.
/// </summary>
/// <remarks>
/// The error bound is the classic one for a float32 dot product of length k, stated in units of
/// u = 2^-24 (half an ulp at 1): |y − y_ref| ≤ (k + 2)·u·S + 4·u·|y_ref|, with S = |b| + Σ|x_p·w_p| the sum of
/// magnitudes (cancellation makes a bound relative to |y_ref| alone meaningless). The (k + 2) covers one rounding
/// per multiply-add plus the bias and the epilogue; the 4·u·|y_ref| term covers tanh and sigmoid, whose
/// TensorPrimitives implementations stay within 4 ulp of the float64 result, and the residual add.
/// </remarks>
public sealed class DenseKernelPathTests
{
    private static readonly int[] Sizes = { 1, 2, 3, 5, 7, 9, 15, 17, 31, 33, 50, 63, 65 };
    private static readonly int[] RowCounts = { 1, 9 };
    private const double U = 1.0 / (1 << 24);

    private readonly ITestOutputHelper _output;

    public DenseKernelPathTests(ITestOutputHelper output) { _output = output; }

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
        var random = new Random(20261203);
        var activations = new[] { KernelActivation.None, KernelActivation.Relu, KernelActivation.Tanh, KernelActivation.Sigmoid };
        int checkedCases = 0;
        foreach (int k in Sizes)
            foreach (int n in Sizes)
                foreach (int rows in RowCounts)
                {
                    var activation = activations[checkedCases % activations.Length];
                    bool withBias = checkedCases % 3 != 0;
                    bool withResidual = checkedCases % 5 == 1;
                    CheckCase(random, path, rows, k, n, activation, withBias, withResidual);
                    checkedCases++;
                }
        _output.WriteLine($"{path}: {checkedCases} shapes within the bound.");
    }

    private static void CheckCase(Random random, KernelPath path, int rows, int k, int n, KernelActivation activation, bool withBias, bool withResidual)
    {
        var x = RandomFloats(random, rows * k);
        var w = RandomFloats(random, k * n);
        var b = withBias ? RandomFloats(random, n) : Array.Empty<float>();
        var residual = withResidual ? RandomFloats(random, rows * n) : Array.Empty<float>();
        float scale = withResidual ? 0.25f : 1f;
        var y = new float[rows * n];
        DenseKernel.ForwardSingle(x, DenseKernel.Pack<float>(w, k, n), withBias ? DenseKernel.PadBias<float>(b) : default, y, k, n, activation, residual, scale, path);

        for (int r = 0; r < rows; r++)
            for (int j = 0; j < n; j++)
            {
                double sum = withBias ? b[j] : 0, magnitude = withBias ? Math.Abs(b[j]) : 0;
                for (int p = 0; p < k; p++)
                {
                    double term = (double)x[r * k + p] * w[p * n + j];
                    sum += term;
                    magnitude += Math.Abs(term);
                }
                double expected = activation switch
                {
                    KernelActivation.Relu => Math.Max(sum, 0),
                    KernelActivation.Tanh => Math.Tanh(sum),
                    KernelActivation.Sigmoid => 1 / (1 + Math.Exp(-sum)),
                    _ => sum,
                };
                if (withResidual) expected = residual[r * n + j] + scale * expected;
                double bound = (k + 2) * U * magnitude + 4 * U * (Math.Abs(expected) + (withResidual ? Math.Abs(residual[r * n + j]) : 0)) + 1e-30;
                double actual = y[r * n + j];
                Assert.True(Math.Abs(actual - expected) <= bound,
                    $"{path} rows={rows} k={k} n={n} {activation} bias={withBias} residual={withResidual} at [{r}, {j}]: {actual} vs {expected} (bound {bound})");
            }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ARowGivesIdenticalBitsAloneAndInsideABatch(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        if (!KernelPaths.IsSupported(path)) return;
        var random = new Random(7);
        // 65, 10, 7, 40 and 48 end in a narrow panel (at most 16 valid columns), 49 just not.
        foreach (var (k, n) in new[] { (17, 65), (64, 10), (33, 128), (5, 7), (9, 40), (70, 48), (3, 49) })
        {
            const int rows = 19; // two 8-row tiles and a 3-row tail
            var x = RandomFloats(random, rows * k);
            var w = DenseKernel.Pack<float>(RandomFloats(random, k * n), k, n);
            var b = DenseKernel.PadBias<float>(RandomFloats(random, n));
            var batch = new float[rows * n];
            DenseKernel.ForwardSingle(x, w, b, batch, k, n, KernelActivation.Relu, default, 1f, path);
            for (int r = 0; r < rows; r++)
            {
                var single = new float[n];
                DenseKernel.ForwardSingle(x.AsSpan(r * k, k), w, b, single, k, n, KernelActivation.Relu, default, 1f, path);
                Assert.Equal(single, batch.AsSpan(r * n, n).ToArray());
            }
        }
    }

    /// <summary>
    /// The documented order of a narrow last panel, reproduced with scalar arithmetic: four partial sums over p mod 4
    /// (the first starting from the bias, the others from −0), combined as (s0 + s1) + (s2 + s3). The vector paths use
    /// one fused multiply-add per input (where the hardware has FMA), the scalar path a multiply and an add.
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void NarrowPanelsUseTheDocumentedFourPartialSums(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        if (!KernelPaths.IsSupported(path)) return;
        bool fused = path != KernelPath.Scalar && System.Runtime.Intrinsics.X86.Fma.IsSupported;
        if (path != KernelPath.Scalar && !fused) return; // a vector path without FMA rounds twice, like the scalar one
        var random = new Random(5);
        foreach (var (k, n) in new[] { (1, 1), (2, 3), (3, 10), (4, 16), (7, 10), (64, 10), (129, 1), (33, 40) })
        {
            const int rows = 9;
            var x = RandomFloats(random, rows * k);
            var w = RandomFloats(random, k * n);
            var b = RandomFloats(random, n);
            var y = new float[rows * n];
            DenseKernel.ForwardSingle(x, DenseKernel.Pack<float>(w, k, n), DenseKernel.PadBias<float>(b), y, k, n, KernelActivation.None, default, 1f, path);
            int first = (n - 1) / DenseKernel.PanelWidth * DenseKernel.PanelWidth; // the narrow panel's first column
            for (int r = 0; r < rows; r++)
                for (int j = first; j < n; j++)
                {
                    var partial = new[] { b[j], -0f, -0f, -0f };
                    for (int p = 0; p < k; p++)
                        partial[p % 4] = fused ? MathF.FusedMultiplyAdd(x[r * k + p], w[p * n + j], partial[p % 4]) : partial[p % 4] + x[r * k + p] * w[p * n + j];
                    float expected = (partial[0] + partial[1]) + (partial[2] + partial[3]);
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[r * n + j]),
                        $"{path} k={k} n={n} at [{r}, {j}]: {y[r * n + j]} vs {expected}");
                }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ReluPropagatesNaNAndInfinities(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        if (!KernelPaths.IsSupported(path)) return;
        foreach (int rows in new[] { 1, 8 })
        {
            // Identity weights (k = n = 40, so the second panel is partial): y = relu(x) exactly.
            const int size = 40;
            var identity = new float[size * size];
            for (int i = 0; i < size; i++) identity[i * size + i] = 1f;
            var x = new float[rows * size];
            for (int i = 0; i < x.Length; i++) x[i] = (i % 5) switch { 0 => float.NaN, 1 => -3f, 2 => float.PositiveInfinity, 3 => 2f, _ => float.NegativeInfinity };
            var y = new float[rows * size];
            DenseKernel.ForwardSingle(x, DenseKernel.Pack<float>(identity, size, size), default, y, size, size, KernelActivation.Relu, default, 1f, path);
            for (int i = 0; i < y.Length; i++)
            {
                // The identity product also adds 0·NaN and 0·∞ from other inputs, which are NaN: every lane in a row with
                // a NaN or an infinity turns NaN, except where ReLU is the only source. So compare per row against float64.
                double sum = 0;
                int r = i / size, j = i % size;
                for (int p = 0; p < size; p++) sum += (double)x[r * size + p] * identity[p * size + j];
                double expected = double.IsNaN(sum) ? double.NaN : Math.Max(sum, 0);
                Assert.True(double.IsNaN(expected) ? float.IsNaN(y[i]) : y[i] == expected, $"{path}: y[{i}] = {y[i]}, expected {expected}");
            }
        }
    }

    [Fact]
    public void ReluOfNaNIsNaNOnEveryPath()
    {
        // One input, one output, weight 1: y = relu(x) with no other terms.
        foreach (var path in Enum.GetValues<KernelPath>().Where(KernelPaths.IsSupported))
            foreach (float value in new[] { float.NaN, -0f, -1f, 1f, float.NegativeInfinity })
            {
                var y = new float[1];
                DenseKernel.ForwardSingle(new[] { value }, DenseKernel.Pack<float>(new[] { 1f }, 1, 1), default, y, 1, 1, KernelActivation.Relu, default, 1f, path);
                if (float.IsNaN(value)) Assert.True(float.IsNaN(y[0]), $"{path}: relu(NaN) = {y[0]}");
                else Assert.Equal(Math.Max(value, 0f), y[0]);
            }
    }

    [Fact]
    public void DoubleKernelMatchesReference()
    {
        var random = new Random(3);
        foreach (int k in Sizes)
            foreach (int n in new[] { 1, 17, 33, 65 })
            {
                var x = Enumerable.Range(0, 3 * k).Select(_ => random.NextDouble() * 2 - 1).ToArray();
                var w = Enumerable.Range(0, k * n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
                var y = new double[3 * n];
                DenseKernel.Forward<double>(x, DenseKernel.Pack<double>(w, k, n), default, y, k, n, KernelActivation.Relu);
                for (int r = 0; r < 3; r++)
                    for (int j = 0; j < n; j++)
                    {
                        double sum = 0;
                        for (int p = 0; p < k; p++) sum += x[r * k + p] * w[p * n + j];
                        Assert.Equal(Math.Max(sum, 0), y[r * n + j], 1e-12);
                    }
            }
    }

    [Fact]
    public void GeneratorPacksPanelsOfTheWidthTheKernelReads() =>
        Assert.Equal(DenseKernel.PanelWidth, gen::Mz.Generator.Planning.DensePacking.PanelWidth);

    /// <summary>
    /// Reports the path this process takes. CI sets MZ_EXPECT_KERNEL_PATH together with DOTNET_EnableAVX512=0,
    /// DOTNET_EnableAVX2=0 or DOTNET_EnableHWIntrinsic=0, proving each switch really changes the path.
    /// </summary>
    [Fact]
    public void KernelPathFollowsTheRuntimeSwitches()
    {
        _output.WriteLine($"Vector512={Vector512.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Vector128={Vector128.IsHardwareAccelerated} best={KernelPaths.Best}");
        string? expected = Environment.GetEnvironmentVariable("MZ_EXPECT_KERNEL_PATH");
        if (!string.IsNullOrEmpty(expected)) Assert.Equal(Enum.Parse<KernelPath>(expected), KernelPaths.Best);
        if (KernelPaths.Best == KernelPath.Vector512) Assert.True(Vector512.IsHardwareAccelerated);
    }

    private static float[] RandomFloats(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}

/// <summary>Mz's float tanh and sigmoid against float64, in ulps of the float result, on every path.</summary>
public sealed class ActivationAccuracyTests
{
    /// <summary>The documented bound (see Mz.Kernels.Activations).</summary>
    private const double MaxUlp = 3;

    private readonly ITestOutputHelper _output;

    public ActivationAccuracyTests(ITestOutputHelper output) { _output = output; }

    [Theory]
    [MemberData(nameof(DenseKernelPathTests.Paths), MemberType = typeof(DenseKernelPathTests))]
    public void TanhAndSigmoidStayWithinTheUlpBound(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        if (!KernelPaths.IsSupported(path)) return;
        var random = new Random(11);
        // Magnitudes from 10^-6 to 10^2.3, both signs, plus odd lengths so tails run; and the special values.
        var x = Enumerable.Range(0, 200_003).Select(_ => (float)((random.Next(2) * 2 - 1) * Math.Pow(10, random.NextDouble() * 8.3 - 6))).ToList();
        x.AddRange(new[] { 0f, -0f, 0.55f, -0.55f, 0.5499999f, 10f, 100f, -100f, -87.5f, -103f, -200f, float.MaxValue, float.MinValue, float.Epsilon, float.PositiveInfinity, float.NegativeInfinity, float.NaN });
        var input = x.ToArray();
        var y = new float[input.Length];

        Mz.Kernels.Activations.Tanh(input, y, path);
        double worstTanh = Worst(input, y, Math.Tanh);
        Mz.Kernels.Activations.Sigmoid(input, y, path);
        double worstSigmoid = Worst(input, y, v => 1 / (1 + Math.Exp(-v)));
        _output.WriteLine($"{path}: tanh {worstTanh} ulp, sigmoid {worstSigmoid} ulp");
        Assert.True(worstTanh <= MaxUlp, $"tanh: {worstTanh} ulp");
        Assert.True(worstSigmoid <= MaxUlp, $"sigmoid: {worstSigmoid} ulp");
    }

    private static double Worst(float[] x, float[] y, Func<double, double> exact)
    {
        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = exact(x[i]);
            if (double.IsNaN(e)) { Assert.True(float.IsNaN(y[i]), $"f({x[i]}) = {y[i]}, expected NaN"); continue; }
            float rounded = (float)e;
            double ulp = Math.Max(MathF.BitIncrement(MathF.Abs(rounded)) - MathF.Abs(rounded), float.Epsilon);
            worst = Math.Max(worst, Math.Abs(y[i] - e) / ulp);
        }
        return worst;
    }
}
