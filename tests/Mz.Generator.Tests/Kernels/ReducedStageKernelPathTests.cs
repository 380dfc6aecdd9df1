extern alias gen;
using System.Runtime.Intrinsics.X86;
using Mz.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace Mz.Tests.Kernels;

/// <summary>
/// The fused reduced-stage kernel (hidden units, activation, output map and linear term in one pass) on every path
/// against a float64 reference on awkward sizes, so whole groups, single vectors and partial output groups all run.
/// CI runs this class again with AVX-512, AVX2 and all intrinsics disabled.
/// </summary>
/// <remarks>
/// Bound, in units of u = 2^-24. A hidden unit's pre-activation carries at most (k + 1)·u·H_j with H_j = |b_j| + Σ_p |W_jp x_p|,
/// every activation has slope at most 1 and adds at most 3 ulp (4·u·|h_j|), so |h_j − h_ref_j| ≤ e_j = (k + 1)·u·H_j + 4·u·|h_j|.
/// An output then errs by at most Σ_j |B_ij|·e_j plus the rounding of its own sum, (units + k + 3)·u·S with
/// S = |c_i| + Σ_j |B_ij h_j| + Σ_p |L_ip x_p|.
/// </remarks>
public sealed class ReducedStageKernelPathTests
{
    private const double U = 1.0 / (1 << 24);
    private static readonly KernelActivation[] AllActivations = { KernelActivation.Tanh, KernelActivation.None, KernelActivation.Relu, KernelActivation.Sigmoid };

    private readonly ITestOutputHelper _output;

    public ReducedStageKernelPathTests(ITestOutputHelper output) { _output = output; }

    [Theory]
    [MemberData(nameof(DenseKernelPathTests.Paths), MemberType = typeof(DenseKernelPathTests))]
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
        foreach (int k in new[] { 1, 3, 10, 17 })
            foreach (int units in new[] { 1, 5, 16, 17, 64, 70 })
                foreach (int n in new[] { 1, 4, 10, 16, 17, 33 })
                {
                    var stage = Stage.Create(random, k, units, n, rows: cases % 2 == 0 ? 1 : 5, AllActivations[cases % 4], withLinear: cases % 3 != 2, withOffset: cases % 5 != 4);
                    worst = Math.Max(worst, stage.CheckAgainstReference(path));
                    cases++;
                }
        _output.WriteLine($"{path}: {cases} shapes within the bound; worst error / bound = {worst:F3}");
    }

    /// <summary>Lanes never mix and every path sums in one order, so with hardware FMA all paths give the scalar path's bits.</summary>
    [Fact]
    public void EveryPathGivesTheScalarBitsWhereTheHardwareHasFma()
    {
        if (!Fma.IsSupported)
        {
            _output.WriteLine("no hardware FMA in this process: the vector paths round multiply and add separately; nothing to check.");
            return;
        }
        var random = new Random(5);
        int compared = 0;
        foreach (int units in new[] { 3, 16, 64, 70 })
            foreach (int n in new[] { 2, 10, 17 })
            {
                var stage = Stage.Create(random, 10, units, n, rows: 3, AllActivations[compared % 4], withLinear: true, withOffset: true);
                var scalar = stage.Run(KernelPath.Scalar);
                foreach (var path in new[] { KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512 })
                {
                    if (!KernelPaths.IsSupported(path)) continue;
                    Assert.Equal(scalar, stage.Run(path));
                    compared++;
                }
            }
        _output.WriteLine($"{compared} path/shape pairs bit-identical to the scalar path");
    }

    [Theory]
    [MemberData(nameof(DenseKernelPathTests.Paths), MemberType = typeof(DenseKernelPathTests))]
    public void ARowGivesTheSameBitsAloneAsInABatch(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        if (!KernelPaths.IsSupported(path)) return;
        var stage = Stage.Create(new Random(9), 10, 64, 10, rows: 7, KernelActivation.Tanh, withLinear: true, withOffset: true);
        var batch = stage.Run(path);
        var alone = stage.RowAlone(4).Run(path);
        Assert.Equal(batch.AsSpan(4 * 10, 10).ToArray(), alone);
    }

    /// <summary>Map (y = c + M x, the input map and readout) against float64 on every path, and with FMA bit-identical to the scalar path.</summary>
    [Theory]
    [MemberData(nameof(DenseKernelPathTests.Paths), MemberType = typeof(DenseKernelPathTests))]
    public void MapMatchesFloat64ReferenceAndTheScalarBits(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        if (!KernelPaths.IsSupported(path)) return;
        var random = new Random(17);
        double worst = 0;
        foreach (int k in new[] { 1, 3, 10, 64, 65 })
            foreach (int n in new[] { 1, 4, 10, 16, 17, 33 })
                foreach (bool withOffset in new[] { true, false })
                {
                    const int rows = 3;
                    var x = Enumerable.Range(0, rows * k).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                    var m = Enumerable.Range(0, k * n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                    var c = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                    var packed = ReducedStageKernel.Pack<float>(m, k, n);
                    var offset = withOffset ? c.Concat(new float[ReducedStageKernel.PaddedLength(n) - n]).ToArray() : Array.Empty<float>();
                    var y = new float[rows * n];
                    ReducedStageKernel.RunMap<float>(x, packed, offset, y, k, n, path);
                    for (int r = 0; r < rows; r++)
                        for (int i = 0; i < n; i++)
                        {
                            double exact = withOffset ? c[i] : 0, size = Math.Abs(exact);
                            for (int p = 0; p < k; p++)
                            {
                                double term = (double)m[p * n + i] * x[r * k + p];
                                exact += term;
                                size += Math.Abs(term);
                            }
                            double bound = (k + 3) * U * size + 1e-30, error = Math.Abs(y[r * n + i] - exact);
                            Assert.True(error <= bound, $"{path} k={k} n={n} output ({r},{i}): {y[r * n + i]} vs {exact}, error {error:E3} over bound {bound:E3}");
                            worst = Math.Max(worst, error / bound);
                        }
                    if (Fma.IsSupported)
                    {
                        var scalar = new float[rows * n];
                        ReducedStageKernel.RunMap<float>(x, packed, offset, scalar, k, n, KernelPath.Scalar);
                        Assert.Equal(scalar, y);
                    }
                }
        _output.WriteLine($"{path}: worst error / bound = {worst:F3}");
    }

    [Fact]
    public void DoubleKernelMatchesTheDefinition()
    {
        var random = new Random(3);
        const int k = 4, units = 6, n = 3, rows = 2;
        var x = Doubles(random, rows * k);
        var w = Doubles(random, k * units);
        var b = Doubles(random, units);
        var bm = Doubles(random, units * n);
        var l = Doubles(random, k * n);
        var c = Doubles(random, n);
        var y = new double[rows * n];
        ReducedStageKernel.Forward<double>(x, ReducedStageKernel.Pack<double>(w, k, units), Pad(b), KernelActivation.Tanh, units,
            ReducedStageKernel.Pack<double>(bm, units, n), ReducedStageKernel.Pack<double>(l, k, n), Pad(c), y, k, n, new double[ReducedStageKernel.PaddedLength(units)]);
        for (int m = 0; m < rows; m++)
            for (int i = 0; i < n; i++)
            {
                double expected = c[i];
                for (int j = 0; j < units; j++)
                {
                    double pre = b[j];
                    for (int p = 0; p < k; p++) pre += w[p * units + j] * x[m * k + p];
                    expected += bm[j * n + i] * Math.Tanh(pre);
                }
                for (int p = 0; p < k; p++) expected += l[p * n + i] * x[m * k + p];
                Assert.Equal(expected, y[m * n + i], 12);
            }
    }

    [Fact]
    public void ShapeErrorsNameTheExpectedSizes()
    {
        // k = 10, 64 units, n = 10: hidden weights need 10·64, the output map 64·16, the scratch 64.
        var e = Assert.Throws<ArgumentException>(() => ReducedStageKernel.Forward<float>(new float[10], new float[639], default, KernelActivation.Tanh, 64,
            new float[64 * 16], default, default, new float[10], 10, 10, new float[64]));
        Assert.Equal("hiddenWeights", e.ParamName);
        Assert.Contains("640", e.Message);
        Assert.Contains("639", e.Message);
        e = Assert.Throws<ArgumentException>(() => ReducedStageKernel.Forward<float>(new float[10], new float[640], default, KernelActivation.Tanh, 64,
            new float[64 * 16], default, default, new float[10], 10, 10, new float[63]));
        Assert.Equal("hidden", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ReducedStageKernel.Forward<float>(new float[15], new float[640], default, KernelActivation.Tanh, 64,
            new float[64 * 16], default, default, new float[10], 10, 10, new float[64]));
        Assert.Contains("whole number of rows", e.Message);
        e = Assert.Throws<ArgumentException>(() => ReducedStageKernel.Forward<float>(new float[20], new float[640], default, KernelActivation.Tanh, 64,
            new float[64 * 16], default, default, new float[10], 10, 10, new float[64]));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("20", e.Message);
    }

    /// <summary>Sizes whose products wrap in 32 bits, aliased buffers and undefined values throw, naming the argument; nothing is written.</summary>
    [Fact]
    public void HostileArgumentsThrowNamingTheArgument()
    {
        // rows·n = 65536² wraps to 0 in 32 bits; so does k·padded(units) = 65537·65536 modulo 2^32 = 65536.
        var e = Assert.Throws<ArgumentException>(() => ReducedStageKernel.Forward<float>(new float[65536], new float[16], default, KernelActivation.None, 1,
            new float[65536], default, default, new float[16], 1, 65536, new float[16]));
        Assert.Equal("y", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ReducedStageKernel.Map<float>(new float[65536], new float[65536], default, new float[16], 1, 65536));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("4294967296", e.Message);
        e = Assert.Throws<ArgumentException>(() => ReducedStageKernel.Forward<float>(new float[65537], new float[65536], default, KernelActivation.None, 65536,
            new float[65536 * 16], default, default, new float[1], 65537, 1, new float[65536]));
        Assert.Equal("hiddenWeights", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ReducedStageKernel.Forward<float>(new float[1], new float[16], default, KernelActivation.None, int.MaxValue - 3,
            new float[16], default, default, new float[1], 1, 1, new float[16]));
        Assert.Equal("hiddenWeights", e.ParamName);
        // The same wrap in the dense kernel.
        e = Assert.Throws<ArgumentException>(() => DenseKernel.Forward<float>(new float[65536], new float[DenseKernel.PackedLength(1, 65536)], default, new float[16], 1, 65536, KernelActivation.None));
        Assert.Equal("y", e.ParamName);

        // Each non-positive size is named as itself.
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => ReducedStageKernel.Forward<float>(new float[10], new float[640], default, KernelActivation.Tanh, 0,
            new float[64 * 16], default, default, new float[10], 10, 10, new float[64]));
        Assert.Equal("units", range.ParamName);
        range = Assert.Throws<ArgumentOutOfRangeException>(() => ReducedStageKernel.Map<float>(new float[10], new float[160], default, new float[10], 10, -1));
        Assert.Equal("n", range.ParamName);
        range = Assert.Throws<ArgumentOutOfRangeException>(() => ReducedStageKernel.Forward<float>(new float[10], new float[640], default, (KernelActivation)42, 64,
            new float[64 * 16], default, default, new float[10], 10, 10, new float[64]));
        Assert.Equal("activation", range.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => ReducedStageKernel.PaddedLength(-5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReducedStageKernel.PaddedLength(int.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReducedStageKernel.Pack<float>(new float[1], -1, -1));
        Assert.Throws<ArgumentException>(() => ReducedStageKernel.Pack<float>(new float[0], 65536, 65536));

        // A written span that shares memory with a read one would read its own partial results.
        var buffer = new float[400];
        var stage = Stage.Create(new Random(2), 20, 10, 20, rows: 1, KernelActivation.Tanh, withLinear: true, withOffset: true);
        var w = ReducedStageKernel.Pack<float>(stage.W, 20, 10);
        var map = ReducedStageKernel.Pack<float>(stage.OutputMap, 10, 20);
        var bias = new float[16];
        e = Assert.Throws<ArgumentException>(() => ReducedStageKernel.Forward<float>(buffer.AsSpan(0, 20), w, bias, KernelActivation.Tanh, 10,
            map, default, default, buffer.AsSpan(0, 20), 20, 20, new float[16]));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("overlaps 'x'", e.Message);
        e = Assert.Throws<ArgumentException>(() => ReducedStageKernel.Forward<float>(buffer.AsSpan(0, 20), w, bias, KernelActivation.Tanh, 10,
            map, default, default, new float[20], 20, 20, buffer.AsSpan(10, 16)));
        Assert.Equal("hidden", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ReducedStageKernel.Map<float>(buffer.AsSpan(0, 20), ReducedStageKernel.Pack<float>(stage.OutputMap.AsSpan(0, 20 * 10).ToArray(), 20, 10),
            default, buffer.AsSpan(15, 10), 20, 10));
        Assert.Equal("y", e.ParamName);
        Assert.All(buffer, v => Assert.Equal(0f, v));
    }

    /// <summary>
    /// A row whose outputs do not fill the last vector is finished by a partial store (masked where the hardware has it):
    /// nothing past y may change, on every path, for stages and maps; and the unaliased entry points the generated code
    /// calls give the checked ones' bits and still check every length.
    /// </summary>
    [Theory]
    [MemberData(nameof(DenseKernelPathTests.Paths), MemberType = typeof(DenseKernelPathTests))]
    public void PartialLastGroupWritesNothingPastTheOutputs(string pathName)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        if (!KernelPaths.IsSupported(path))
        {
            _output.WriteLine($"{path} is not accelerated in this process; nothing to check.");
            return;
        }
        var random = new Random(77);
        foreach (int n in new[] { 1, 5, 10, 17, 31 })
        {
            var stage = Stage.Create(random, 7, 20, n, rows: 3, KernelActivation.Tanh, withLinear: true, withOffset: true);
            var expected = stage.Run(path);
            var buffer = Enumerable.Repeat(float.NaN, stage.Rows * n + 40).ToArray();
            var w = ReducedStageKernel.Pack<float>(stage.W, 7, 20);
            var map = ReducedStageKernel.Pack<float>(stage.OutputMap, 20, n);
            var linear = ReducedStageKernel.Pack<float>(stage.Linear, 7, n);
            ReducedStageKernel.Run<float>(stage.X, w, Stage.PadFloats(stage.B), KernelActivation.Tanh, 20, map, linear, Stage.PadFloats(stage.Offset),
                buffer.AsSpan(0, stage.Rows * n), 7, n, new float[ReducedStageKernel.PaddedLength(20)], path);
            Assert.Equal(expected, buffer.Take(stage.Rows * n).ToArray());
            Assert.All(buffer.Skip(stage.Rows * n), v => Assert.True(float.IsNaN(v), $"n = {n}: a value past y was written"));

            Array.Fill(buffer, float.NaN);
            ReducedStageKernel.RunMap<float>(stage.X, linear, Stage.PadFloats(stage.Offset), buffer.AsSpan(0, stage.Rows * n), 7, n, path);
            Assert.All(buffer.Skip(stage.Rows * n), v => Assert.True(float.IsNaN(v), $"n = {n}: Map wrote past y"));
            var mapped = buffer.Take(stage.Rows * n).ToArray();

            // The generated code's entry points: the same bits, the same length checks.
            if (path != KernelPaths.Best) continue;
            var unaliased = new float[stage.Rows * n];
            ReducedStageKernel.ForwardUnaliased<float>(stage.X, w, Stage.PadFloats(stage.B), KernelActivation.Tanh, 20, map, linear, Stage.PadFloats(stage.Offset),
                unaliased, 7, n, new float[ReducedStageKernel.PaddedLength(20)]);
            Assert.Equal(expected, unaliased);
            ReducedStageKernel.MapUnaliased<float>(stage.X, linear, Stage.PadFloats(stage.Offset), unaliased, 7, n);
            Assert.Equal(mapped, unaliased);
            var e = Assert.Throws<ArgumentException>(() => ReducedStageKernel.ForwardUnaliased<float>(stage.X, w, Stage.PadFloats(stage.B), KernelActivation.Tanh, 20,
                map, linear, Stage.PadFloats(stage.Offset), new float[stage.Rows * n - 1], 7, n, new float[ReducedStageKernel.PaddedLength(20)]));
            Assert.Equal("y", e.ParamName);
            e = Assert.Throws<ArgumentException>(() => ReducedStageKernel.MapUnaliased<float>(stage.X, linear.AsSpan(1), default, unaliased, 7, n));
            Assert.Equal("matrix", e.ParamName);
        }
    }

    private static double[] Doubles(Random random, int count) => Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();

    private static double[] Pad(double[] values)
    {
        var padded = new double[ReducedStageKernel.PaddedLength(values.Length)];
        values.CopyTo(padded, 0);
        return padded;
    }

    /// <summary>A random stage with its input-major matrices and their packed copies.</summary>
    private sealed record Stage(int K, int Units, int N, int Rows, KernelActivation Activation, float[] X, float[] W, float[] B, float[] OutputMap, float[] Linear, float[] Offset)
    {
        public static Stage Create(Random random, int k, int units, int n, int rows, KernelActivation activation, bool withLinear, bool withOffset) =>
            new(k, units, n, rows, activation, Floats(random, rows * k, 2), Floats(random, k * units, 1), Floats(random, units, 0.5f), Floats(random, units * n, 1),
                withLinear ? Floats(random, k * n, 1) : Array.Empty<float>(), withOffset ? Floats(random, n, 1) : Array.Empty<float>());

        public Stage RowAlone(int row) => this with { Rows = 1, X = X.AsSpan(row * K, K).ToArray() };

        public float[] Run(KernelPath path)
        {
            var y = new float[Rows * N];
            ReducedStageKernel.Run<float>(X, ReducedStageKernel.Pack<float>(W, K, Units), PadFloats(B), Activation, Units, ReducedStageKernel.Pack<float>(OutputMap, Units, N),
                Linear.Length == 0 ? default : ReducedStageKernel.Pack<float>(Linear, K, N), Offset.Length == 0 ? default : PadFloats(Offset), y, K, N,
                new float[ReducedStageKernel.PaddedLength(Units)], path);
            return y;
        }

        public double CheckAgainstReference(KernelPath path)
        {
            var y = Run(path);
            double worst = 0;
            var h = new double[Units];
            var e = new double[Units];
            for (int m = 0; m < Rows; m++)
            {
                for (int j = 0; j < Units; j++)
                {
                    double pre = B[j], size = Math.Abs(B[j]);
                    for (int p = 0; p < K; p++)
                    {
                        double term = (double)W[p * Units + j] * X[m * K + p];
                        pre += term;
                        size += Math.Abs(term);
                    }
                    h[j] = Activate(pre);
                    e[j] = (K + 1) * U * size + 4 * U * Math.Abs(h[j]);
                }
                for (int i = 0; i < N; i++)
                {
                    double start = Offset.Length == 0 ? 0 : Offset[i];
                    double exact = start, size = Math.Abs(start), propagated = 0;
                    for (int j = 0; j < Units; j++)
                    {
                        double term = OutputMap[j * N + i] * h[j];
                        exact += term;
                        size += Math.Abs(term);
                        propagated += Math.Abs(OutputMap[j * N + i]) * e[j];
                    }
                    if (Linear.Length != 0)
                        for (int p = 0; p < K; p++)
                        {
                            double term = (double)Linear[p * N + i] * X[m * K + p];
                            exact += term;
                            size += Math.Abs(term);
                        }
                    double bound = propagated + (Units + K + 3) * U * size + 1e-30;
                    double error = Math.Abs(y[m * N + i] - exact);
                    Assert.True(error <= bound,
                        $"{path} k={K} units={Units} n={N} rows={Rows} {Activation} output ({m},{i}): {y[m * N + i]} vs {exact}, error {error:E3} over bound {bound:E3}");
                    worst = Math.Max(worst, error / bound);
                }
            }
            return worst;
        }

        private double Activate(double v) => Activation switch
        {
            KernelActivation.Tanh => Math.Tanh(v),
            KernelActivation.Sigmoid => 1 / (1 + Math.Exp(-v)),
            KernelActivation.Relu => Math.Max(v, 0),
            _ => v,
        };

        internal static float[] PadFloats(float[] values)
        {
            var padded = new float[ReducedStageKernel.PaddedLength(values.Length)];
            values.CopyTo(padded, 0);
            return padded;
        }

        private static float[] Floats(Random random, int count, float scale)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
            return values;
        }
    }
}
