using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Mz.Core.Ir;

namespace Mz.Kernels;

/// <summary>
/// One stage of an MZ-reduced network in one pass over each row:
/// y[i] = c[i] + Σ_j B[i, j] · h[j] + Σ_p L[i, p] · x[p], with the evaluated hidden units h[j] = σ(b[j] + Σ_p W[j, p] · x[p]).
/// </summary>
/// <remarks>
/// <para>
/// A reduced stage is small (a dozen coordinates in, a few dozen hidden units, a dozen out), so at batch 1 the cost of
/// three kernel calls — hidden units, activation pass, output map — is mostly their fixed overhead and the trips
/// through memory between them. Here the hidden units are computed a few vectors at a time, activated in registers,
/// stored once to <c>hidden</c>, and read back as broadcasts while the outputs accumulate.
/// </para>
/// <para>
/// Layout (<see cref="LaneRowLayout"/>): W, B and L are stored input-major with each row padded to whole groups of
/// <see cref="Lanes"/> values — W as [k, units], B as [units, n], L as [k, n] — and b and c are padded the same way, so
/// every load is a whole vector on every path. <c>hidden</c> is scratch for one row's padded hidden units.
/// </para>
/// <para>
/// Order of operations, the same on every path: a hidden unit is b[j], then one fused multiply-add per input in
/// increasing p. An output keeps four partial sums: s_0 starts at c[i] and s_1..s_3 at −0; hidden unit j adds into
/// s_(j mod 4) and then input p into s_(p mod 4), each in increasing order; the result is (s_0 + s_1) + (s_2 + s_3)
/// (four chains keep the FMA units busy where one would wait on its own latency). Lanes never mix, so where the
/// hardware has FMA the 512-, 256-, 128-bit and scalar paths give identical bits, and a row gives the same bits alone
/// or in a batch.
/// </para>
/// <para>
/// <see cref="Map{T}"/> is the output half alone, y = c + M x: the reduced network's input map and readout, in the
/// same layout and order.
/// </para>
/// </remarks>
[SkipLocalsInit]
public static class ReducedStageKernel
{
    /// <summary>Values per padded group of every matrix row, bias and offset.</summary>
    public const int Lanes = LaneRowLayout.Lanes;

    /// <summary><paramref name="n"/> rounded up to whole groups of <see cref="Lanes"/>.</summary>
    public static int PaddedLength(int n) => LaneRowLayout.PaddedLength(n);

    /// <summary>
    /// Pads an input-major matrix M[k, n] (row p holds the weights from input p to every output) to the kernel's
    /// layout; the generator does the same at build time, this copy serves tests and callers with their own weights.
    /// </summary>
    public static T[] Pack<T>(ReadOnlySpan<T> inputMajor, int k, int n) where T : unmanaged
    {
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "must not be negative");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "must not be negative");
        if (inputMajor.Length != (long)k * n) throw new ArgumentException($"expected {k}·{n} = {(long)k * n} weights, got {inputMajor.Length}", nameof(inputMajor));
        long length = k * Padded(n);
        if (length > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(n), n, $"{k} rows padded to {Padded(n)} values exceed the largest array");
        var packed = new T[length];
        for (int p = 0; p < k; p++)
            inputMajor.Slice(p * n, n).CopyTo(packed.AsSpan(LaneRowLayout.PackedIndex(n, p, 0)));
        return packed;
    }

    /// <summary>
    /// One reduced stage over all rows of <paramref name="x"/> (k values each) into <paramref name="y"/> (n values each).
    /// An empty hidden bias, linear term or offset means zero.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> hiddenWeights, ReadOnlySpan<T> hiddenBias, KernelActivation activation, int units,
        ReadOnlySpan<T> outputMap, ReadOnlySpan<T> linear, ReadOnlySpan<T> offset, Span<T> y, int k, int n, Span<T> hidden)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(x, hiddenWeights, hiddenBias, activation, units, outputMap, linear, offset, y, k, n, hidden, KernelPaths.Best);

    /// <summary>
    /// <see cref="Forward{T}"/> for a caller that guarantees <paramref name="y"/> and <paramref name="hidden"/> share no
    /// memory with each other or with any span the kernel reads — the generated code, whose scratch slices are disjoint
    /// and whose weights are static data, by construction. Every size and length is still checked, so a broken promise
    /// gives wrong numbers, never an access outside a span; what it skips are the thirteen overlap tests, a tenth of a
    /// small stage's time.
    /// </summary>
    public static void ForwardUnaliased<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> hiddenWeights, ReadOnlySpan<T> hiddenBias, KernelActivation activation, int units,
        ReadOnlySpan<T> outputMap, ReadOnlySpan<T> linear, ReadOnlySpan<T> offset, Span<T> y, int k, int n, Span<T> hidden)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(x, hiddenWeights, hiddenBias, activation, units, outputMap, linear, offset, y, k, n, hidden, KernelPaths.Best, checkAliasing: false);

    /// <summary>
    /// y = c + M x over all rows of <paramref name="x"/>, M input-major [k, n] with rows padded like the stage's output map:
    /// the input map and the readout of a reduced network, summed in the stage's order (four partial sums, c in the first).
    /// An empty offset means zero.
    /// </summary>
    public static void Map<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> matrix, ReadOnlySpan<T> offset, Span<T> y, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        RunMap(x, matrix, offset, y, k, n, KernelPaths.Best);

    /// <summary><see cref="Map{T}"/> without the overlap tests, under the promise of <see cref="ForwardUnaliased{T}"/>.</summary>
    public static void MapUnaliased<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> matrix, ReadOnlySpan<T> offset, Span<T> y, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        RunMap(x, matrix, offset, y, k, n, KernelPaths.Best, checkAliasing: false);

    /// <summary><see cref="Map{T}"/> on a chosen path.</summary>
    internal static void RunMap<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> matrix, ReadOnlySpan<T> offset, Span<T> y, int k, int n, KernelPath path, bool checkAliasing = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = CheckMap(x, matrix, offset, y, k, n);
        if (checkAliasing) CheckMapAliasing(x, matrix, offset, y);
        int outputStride = PaddedLength(n);
        if (typeof(T) != typeof(float))
        {
            for (int m = 0; m < rows; m++)
                for (int i = 0; i < n; i++)
                    y[m * n + i] = PortableSum(offset.IsEmpty ? T.Zero : offset[i], default, default, matrix, x.Slice(m * k, k), outputStride, i);
            return;
        }
        // The stage kernel with no hidden units: the output half alone, M in the linear term's place.
        var map = new StageCall
        {
            X = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x)),
            Linear = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(matrix)),
            Offset = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(offset)),
            Y = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(y)),
            HasLinear = true,
            HasOffset = !offset.IsEmpty,
            Rows = rows,
            K = k,
            N = n,
        };
        Dispatch(in map, path);
    }

    /// <summary>The kernel on a chosen path (tests compare the paths; public callers get the widest).</summary>
    internal static void Run<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> hiddenWeights, ReadOnlySpan<T> hiddenBias, KernelActivation activation, int units,
        ReadOnlySpan<T> outputMap, ReadOnlySpan<T> linear, ReadOnlySpan<T> offset, Span<T> y, int k, int n, Span<T> hidden, KernelPath path,
        bool checkAliasing = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = CheckStage(x, hiddenWeights, hiddenBias, activation, units, outputMap, linear, offset, y, k, n, hidden);
        if (checkAliasing) CheckStageAliasing(x, hiddenWeights, hiddenBias, outputMap, linear, offset, y, hidden);
        if (typeof(T) != typeof(float))
        {
            Portable(x, hiddenWeights, hiddenBias, activation, units, outputMap, linear, offset, y, k, n, hidden, rows);
            return;
        }
        var stage = new StageCall
        {
            X = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x)),
            HiddenWeights = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(hiddenWeights)),
            HiddenBias = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(hiddenBias)),
            OutputMap = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(outputMap)),
            Linear = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(linear)),
            Offset = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(offset)),
            Y = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(y)),
            Hidden = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(hidden)),
            HasBias = !hiddenBias.IsEmpty,
            HasLinear = !linear.IsEmpty,
            HasOffset = !offset.IsEmpty,
            Activation = activation,
            Rows = rows,
            K = k,
            Units = units,
            N = n,
        };
        Dispatch(in stage, path);
    }

    /// <summary>The float kernel of one width for a checked call.</summary>
    private static void Dispatch(in StageCall call, KernelPath path)
    {
        switch (path)
        {
            case KernelPath.Vector512: Rows<Vector512<float>, Lanes512>(in call); break;
            case KernelPath.Vector256: Rows<Vector256<float>, Lanes256>(in call); break;
            case KernelPath.Vector128: Rows<Vector128<float>, Lanes128>(in call); break;
            default: Rows<float, LanesScalar>(in call); break;
        }
    }

    /// <summary>The float kernel for one vector width (see the remarks for the order of operations); with no hidden units it is Map.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TVector, TLanes>(in StageCall stage)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        // Locals, not fields: stores through y or hidden could alias the call record as far as the JIT knows.
        int w = TLanes.Count, k = stage.K, units = stage.Units, n = stage.N;
        int unitStride = PaddedLength(units), wholeVectors = (units + w - 1) / w * w;
        bool hasBias = stage.HasBias, hasOffset = stage.HasOffset, hasLinear = stage.HasLinear;
        var activation = stage.Activation;
        ref float weights = ref stage.HiddenWeights;
        ref float bias = ref stage.HiddenBias;
        ref float hidden = ref stage.Hidden;
        ref float outputMap = ref stage.OutputMap;
        ref float linear = ref stage.Linear;
        ref float offset = ref stage.Offset;
        // The last group of outputs of a row whose n is not whole vectors goes through here (a vector store would run past y).
        Span<float> tail = stackalloc float[Lanes];
        ref float tailLanes = ref MemoryMarshal.GetReference(tail);
        var zero = TLanes.Broadcast(0f);
        for (int m = 0; m < stage.Rows; m++)
        {
            ref float x = ref Unsafe.Add(ref stage.X, m * k);
            ref float y = ref Unsafe.Add(ref stage.Y, m * n);

            // Hidden units, four vectors at a time (four independent chains), activated in registers.
            int j = 0;
            for (; j + 4 * w <= wholeVectors; j += 4 * w)
            {
                var a0 = hasBias ? TLanes.Load(ref bias, (nuint)j) : zero;
                var a1 = hasBias ? TLanes.Load(ref bias, (nuint)(j + w)) : zero;
                var a2 = hasBias ? TLanes.Load(ref bias, (nuint)(j + 2 * w)) : zero;
                var a3 = hasBias ? TLanes.Load(ref bias, (nuint)(j + 3 * w)) : zero;
                ref float row = ref Unsafe.Add(ref weights, j);
                for (int p = 0; p < k; p++)
                {
                    var xp = TLanes.Broadcast(Unsafe.Add(ref x, p));
                    a0 = TLanes.MultiplyAdd(TLanes.Load(ref row, 0), xp, a0);
                    a1 = TLanes.MultiplyAdd(TLanes.Load(ref row, (nuint)w), xp, a1);
                    a2 = TLanes.MultiplyAdd(TLanes.Load(ref row, (nuint)(2 * w)), xp, a2);
                    a3 = TLanes.MultiplyAdd(TLanes.Load(ref row, (nuint)(3 * w)), xp, a3);
                    row = ref Unsafe.Add(ref row, unitStride);
                }
                TLanes.Store(Activations.Activate<TVector, TLanes>(a0, activation), ref hidden, (nuint)j);
                TLanes.Store(Activations.Activate<TVector, TLanes>(a1, activation), ref hidden, (nuint)(j + w));
                TLanes.Store(Activations.Activate<TVector, TLanes>(a2, activation), ref hidden, (nuint)(j + 2 * w));
                TLanes.Store(Activations.Activate<TVector, TLanes>(a3, activation), ref hidden, (nuint)(j + 3 * w));
            }
            for (; j < units; j += w)
            {
                var a = hasBias ? TLanes.Load(ref bias, (nuint)j) : zero;
                ref float row = ref Unsafe.Add(ref weights, j);
                for (int p = 0; p < k; p++)
                {
                    a = TLanes.MultiplyAdd(TLanes.Load(ref row, 0), TLanes.Broadcast(Unsafe.Add(ref x, p)), a);
                    row = ref Unsafe.Add(ref row, unitStride);
                }
                TLanes.Store(Activations.Activate<TVector, TLanes>(a, activation), ref hidden, (nuint)j);
            }

            // Outputs: the hidden units through B, then the inputs through L.
            Outputs<TVector, TLanes>(ref outputMap, ref hidden, units, ref linear, ref x, hasLinear ? k : 0, ref offset, hasOffset, ref y, n, ref tailLanes);
        }
    }

    /// <summary>
    /// One row's outputs, one vector at a time: y = c + Σ_j B[j, ·] h[j] + Σ_p L[p, ·] x[p] with four partial sums
    /// (the remarks' order); the last group of a row whose n is not whole vectors goes through <paramref name="tail"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Outputs<TVector, TLanes>(ref float outputMap, ref float hidden, int units, ref float linear, ref float x, int k,
        ref float offset, bool hasOffset, ref float y, int n, ref float tail)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        int w = TLanes.Count, outputStride = PaddedLength(n);
        var negativeZero = TLanes.Broadcast(-0f);
        for (int c = 0; c < n; c += w)
        {
            var s0 = hasOffset ? TLanes.Load(ref offset, (nuint)c) : TLanes.Broadcast(0f);
            TVector s1 = negativeZero, s2 = negativeZero, s3 = negativeZero;
            if (units > 0) Accumulate<TVector, TLanes>(ref s0, ref s1, ref s2, ref s3, ref Unsafe.Add(ref outputMap, c), outputStride, ref hidden, units);
            if (k > 0) Accumulate<TVector, TLanes>(ref s0, ref s1, ref s2, ref s3, ref Unsafe.Add(ref linear, c), outputStride, ref x, k);
            var result = TLanes.Add(TLanes.Add(s0, s1), TLanes.Add(s2, s3));
            if (c + w <= n)
            {
                TLanes.Store(result, ref y, (nuint)c);
                continue;
            }
            TLanes.StoreFirst(result, ref Unsafe.Add(ref y, c), n - c, ref tail);
        }
    }

    /// <summary>s_(q mod 4) += M[q, ·] · v[q] for q = 0 .. count − 1 in increasing q, M's rows <paramref name="stride"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<TVector, TLanes>(ref TVector s0, ref TVector s1, ref TVector s2, ref TVector s3, ref float matrix, int stride, ref float values, int count)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        nuint one = (nuint)stride, two = 2 * one, three = 3 * one;
        int q = 0;
        for (; q + 4 <= count; q += 4)
        {
            s0 = TLanes.MultiplyAdd(TLanes.Load(ref matrix, 0), TLanes.Broadcast(values), s0);
            s1 = TLanes.MultiplyAdd(TLanes.Load(ref matrix, one), TLanes.Broadcast(Unsafe.Add(ref values, 1)), s1);
            s2 = TLanes.MultiplyAdd(TLanes.Load(ref matrix, two), TLanes.Broadcast(Unsafe.Add(ref values, 2)), s2);
            s3 = TLanes.MultiplyAdd(TLanes.Load(ref matrix, three), TLanes.Broadcast(Unsafe.Add(ref values, 3)), s3);
            matrix = ref Unsafe.Add(ref matrix, 4 * stride);
            values = ref Unsafe.Add(ref values, 4);
        }
        int left = count - q;
        if (left > 0) s0 = TLanes.MultiplyAdd(TLanes.Load(ref matrix, 0), TLanes.Broadcast(values), s0);
        if (left > 1) s1 = TLanes.MultiplyAdd(TLanes.Load(ref matrix, one), TLanes.Broadcast(Unsafe.Add(ref values, 1)), s1);
        if (left > 2) s2 = TLanes.MultiplyAdd(TLanes.Load(ref matrix, two), TLanes.Broadcast(Unsafe.Add(ref values, 2)), s2);
    }

    /// <summary>Any element type (the double path), one value at a time in the order of the remarks.</summary>
    private static void Portable<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> hiddenWeights, ReadOnlySpan<T> hiddenBias, KernelActivation activation, int units,
        ReadOnlySpan<T> outputMap, ReadOnlySpan<T> linear, ReadOnlySpan<T> offset, Span<T> y, int k, int n, Span<T> hidden, int rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int unitStride = PaddedLength(units), outputStride = PaddedLength(n);
        var activated = hidden.Slice(0, units);
        for (int m = 0; m < rows; m++)
        {
            var input = x.Slice(m * k, k);
            for (int j = 0; j < units; j++)
            {
                T a = hiddenBias.IsEmpty ? T.Zero : hiddenBias[j];
                for (int p = 0; p < k; p++) a = T.FusedMultiplyAdd(hiddenWeights[p * unitStride + j], input[p], a);
                activated[j] = a;
            }
            VectorKernels.Activate<T>(activated, activated, activation);
            for (int i = 0; i < n; i++)
                y[m * n + i] = PortableSum(offset.IsEmpty ? T.Zero : offset[i], outputMap, activated, linear, input, outputStride, i);
        }
    }

    /// <summary>Output <paramref name="i"/> in the remarks' order: four partial sums over the hidden terms, then the linear terms.</summary>
    private static T PortableSum<T>(T start, ReadOnlySpan<T> outputMap, ReadOnlySpan<T> hidden, ReadOnlySpan<T> linear, ReadOnlySpan<T> x, int stride, int i)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> partial = stackalloc T[4];
        partial[0] = start;
        partial[1] = partial[2] = partial[3] = T.NegativeZero;
        for (int j = 0; j < hidden.Length; j++) partial[j % 4] = T.FusedMultiplyAdd(outputMap[j * stride + i], hidden[j], partial[j % 4]);
        if (!linear.IsEmpty)
            for (int p = 0; p < x.Length; p++) partial[p % 4] = T.FusedMultiplyAdd(linear[p * stride + i], x[p], partial[p % 4]);
        return (partial[0] + partial[1]) + (partial[2] + partial[3]);
    }

    /// <summary>
    /// Checks every size and length once, up front, because the float paths index through unchecked references:
    /// products in 64 bits, so no size can wrap a check.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CheckStage<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> hiddenWeights, ReadOnlySpan<T> hiddenBias, KernelActivation activation, int units,
        ReadOnlySpan<T> outputMap, ReadOnlySpan<T> linear, ReadOnlySpan<T> offset, Span<T> y, int k, int n, Span<T> hidden)
    {
        Positive(k, nameof(k));
        Positive(units, nameof(units));
        Positive(n, nameof(n));
        if ((uint)activation > (uint)KernelActivation.Sigmoid) ThrowUnknownActivation(activation);
        int rows = WholeRows(x.Length, k);
        long unitStride = Padded(units), outputStride = Padded(n);
        Need(hiddenWeights.Length, k * unitStride, "the hidden weights [k, padded units]", nameof(hiddenWeights));
        if (!hiddenBias.IsEmpty) Need(hiddenBias.Length, unitStride, "a padded hidden bias", nameof(hiddenBias));
        Need(outputMap.Length, units * outputStride, "the output map [units, padded n]", nameof(outputMap));
        if (!linear.IsEmpty) Need(linear.Length, k * outputStride, "the linear term [k, padded n]", nameof(linear));
        if (!offset.IsEmpty) Need(offset.Length, outputStride, "a padded offset", nameof(offset));
        Need(y.Length, (long)rows * n, "y (rows × n)", nameof(y));
        Need(hidden.Length, unitStride, "the hidden scratch (one row of padded units)", nameof(hidden));
        return rows;
    }

    /// <summary>No written span may overlap a span the kernel reads (it would read its own partial results).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckStageAliasing<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> hiddenWeights, ReadOnlySpan<T> hiddenBias,
        ReadOnlySpan<T> outputMap, ReadOnlySpan<T> linear, ReadOnlySpan<T> offset, Span<T> y, Span<T> hidden)
    {
        ReadOnlySpan<T> output = y, scratch = hidden;
        Separate(output, x, nameof(y), nameof(x));
        Separate(output, hiddenWeights, nameof(y), nameof(hiddenWeights));
        Separate(output, hiddenBias, nameof(y), nameof(hiddenBias));
        Separate(output, outputMap, nameof(y), nameof(outputMap));
        Separate(output, linear, nameof(y), nameof(linear));
        Separate(output, offset, nameof(y), nameof(offset));
        Separate(scratch, x, nameof(hidden), nameof(x));
        Separate(scratch, hiddenWeights, nameof(hidden), nameof(hiddenWeights));
        Separate(scratch, hiddenBias, nameof(hidden), nameof(hiddenBias));
        Separate(scratch, outputMap, nameof(hidden), nameof(outputMap));
        Separate(scratch, linear, nameof(hidden), nameof(linear));
        Separate(scratch, offset, nameof(hidden), nameof(offset));
        Separate(scratch, output, nameof(hidden), nameof(y));
    }

    /// <summary>The checks of <see cref="Map{T}"/>, as <see cref="CheckStage{T}"/>'s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CheckMap<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> matrix, ReadOnlySpan<T> offset, Span<T> y, int k, int n)
    {
        Positive(k, nameof(k));
        Positive(n, nameof(n));
        int rows = WholeRows(x.Length, k);
        long outputStride = Padded(n);
        Need(matrix.Length, k * outputStride, "the matrix [k, padded n]", nameof(matrix));
        if (!offset.IsEmpty) Need(offset.Length, outputStride, "a padded offset", nameof(offset));
        Need(y.Length, (long)rows * n, "y (rows × n)", nameof(y));
        return rows;
    }

    /// <summary>The overlap tests of <see cref="Map{T}"/>, as <see cref="CheckStageAliasing{T}"/>'s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckMapAliasing<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> matrix, ReadOnlySpan<T> offset, Span<T> y)
    {
        ReadOnlySpan<T> output = y;
        Separate(output, x, nameof(y), nameof(x));
        Separate(output, matrix, nameof(y), nameof(matrix));
        Separate(output, offset, nameof(y), nameof(offset));
    }

    private static long Padded(int n) => ((long)n + Lanes - 1) / Lanes * Lanes;

    // The checks run on every call (several per row of a reduced network), so each is an inlined comparison and only
    // the throw, with its message, lives out of line.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Positive(int value, string parameter)
    {
        if (value <= 0) ThrowNotPositive(value, parameter);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WholeRows(int x, int k)
    {
        int rows = x / k;
        if (rows * k != x) ThrowNotWholeRows(x, k);
        return rows;
    }

    /// <summary>Throws unless <paramref name="actual"/> ≥ <paramref name="expected"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Need(int actual, long expected, string what, string parameter)
    {
        if (actual < expected) ThrowTooShort(actual, expected, what, parameter);
    }

    /// <summary>A span the kernel writes must not share memory with one it reads (it would read its own partial results).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Separate<T>(ReadOnlySpan<T> written, ReadOnlySpan<T> read, string writtenName, string readName)
    {
        if (written.Overlaps(read)) ThrowOverlap(writtenName, readName);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowUnknownActivation(KernelActivation activation) =>
        throw new ArgumentOutOfRangeException("activation", activation, "not a KernelActivation value");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotPositive(int value, string parameter) =>
        throw new ArgumentOutOfRangeException(parameter, value, "must be positive");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotWholeRows(int x, int k) =>
        throw new ArgumentException($"x holds {x} values, not a whole number of rows of {k}", "x");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooShort(int actual, long expected, string what, string parameter) =>
        throw new ArgumentException($"{what} needs {expected} values, got {actual}", parameter);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOverlap(string written, string read) =>
        throw new ArgumentException($"'{written}' overlaps '{read}': the kernel reads '{read}' while it writes '{written}'; pass separate buffers", written);
}

/// <summary>One reduced-stage call as the width-specific kernel sees it: references checked by the caller.</summary>
internal ref struct StageCall
{
    public ref float X;
    public ref float HiddenWeights;
    public ref float HiddenBias;
    public ref float OutputMap;
    public ref float Linear;
    public ref float Offset;
    public ref float Y;
    public ref float Hidden;
    public bool HasBias;
    public bool HasLinear;
    public bool HasOffset;
    public KernelActivation Activation;
    public int Rows;
    public int K;
    public int Units;
    public int N;
}
