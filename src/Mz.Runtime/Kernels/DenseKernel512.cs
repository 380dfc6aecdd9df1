using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mz.Kernels;

/// <summary>
/// The dense kernel with 512-bit vectors: one packed panel row is two vectors. Batches of 8 or more rows use an
/// 8×32 register tile (16 accumulators, one broadcast of x and two weight loads per step); single rows process
/// up to four panels side by side so eight independent accumulator chains hide the multiply-add latency. A narrow
/// last panel (an output layer of at most 16 columns) keeps four partial sums per row, in 4-row tiles in batches.
/// </summary>
[SkipLocalsInit]
internal static class DenseKernel512
{
    private const int P = DenseKernel.PanelWidth;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(in DenseLayer layer)
    {
        int panels = DenseKernel.PanelCount(layer.N);
        if (layer.Rows < 8)
        {
            for (int r = 0; r < layer.Rows; r++) Row(layer, r, 0, panels);
            return;
        }
        // Panel-outer order: one panel (k·128 bytes) stays in L2 while every 8-row tile of x streams past it.
        for (int panel = 0; panel < panels; panel++)
        {
            int r = 0;
            if (DenseKernel.IsNarrowPanel(layer.N, panel))
            {
                // Four partial sums per row leave room for a 4-row tile, not an 8-row one.
                for (; r + 4 <= layer.Rows; r += 4) NarrowTile4(layer, r, panel);
                for (; r < layer.Rows; r++) Row(layer, r, panel, panel + 1);
                continue;
            }
            for (; r + 8 <= layer.Rows; r += 8) Tile8(layer, r, panel);
            for (; r < layer.Rows; r++) Row(layer, r, panel, panel + 1);
        }
    }

    /// <summary>One row over panels [first, end): four panels at a time, then two, then one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row(in DenseLayer layer, int row, int first, int end)
    {
        int k = layer.K;
        ref float x = ref Unsafe.Add(ref layer.X, row * k);
        // Accumulators go to this buffer raw and the epilogue reads them back: an epilogue inlined here would keep
        // the register allocator from holding the accumulators in registers through the loop.
        System.Span<float> buffer = stackalloc float[4 * P];
        ref float t = ref MemoryMarshal.GetReference(buffer);
        int panel = first;
        // A narrow last panel always goes through its own code below, as it does in a batch, so its bits match.
        int wideEnd = end > first && DenseKernel.IsNarrowPanel(layer.N, end - 1) ? end - 1 : end;
        for (; panel + 4 <= wideEnd; panel += 4)
        {
            ref float w0 = ref Unsafe.Add(ref layer.W, panel * k * P);
            ref float w1 = ref Unsafe.Add(ref w0, k * P);
            ref float w2 = ref Unsafe.Add(ref w1, k * P);
            ref float w3 = ref Unsafe.Add(ref w2, k * P);
            Vector512<float> a0 = Bias(layer, panel, 0), a1 = Bias(layer, panel, 16);
            Vector512<float> b0 = Bias(layer, panel + 1, 0), b1 = Bias(layer, panel + 1, 16);
            Vector512<float> c0 = Bias(layer, panel + 2, 0), c1 = Bias(layer, panel + 2, 16);
            Vector512<float> d0 = Bias(layer, panel + 3, 0), d1 = Bias(layer, panel + 3, 16);
            for (int p = 0; p < k; p++)
            {
                var xp = Vector512.Create(Unsafe.Add(ref x, p));
                nuint offset = (nuint)(p * P);
                a0 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w0, offset), a0);
                a1 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w0, offset + 16), a1);
                b0 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w1, offset), b0);
                b1 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w1, offset + 16), b1);
                c0 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w2, offset), c0);
                c1 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w2, offset + 16), c1);
                d0 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w3, offset), d0);
                d1 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w3, offset + 16), d1);
            }
            a0.StoreUnsafe(ref t, 0);
            a1.StoreUnsafe(ref t, 16);
            b0.StoreUnsafe(ref t, 32);
            b1.StoreUnsafe(ref t, 48);
            c0.StoreUnsafe(ref t, 64);
            c1.StoreUnsafe(ref t, 80);
            d0.StoreUnsafe(ref t, 96);
            d1.StoreUnsafe(ref t, 112);
            Epilogue(layer, row, 1, panel, 4, ref t);
        }
        for (; panel + 2 <= wideEnd; panel += 2)
        {
            ref float w0 = ref Unsafe.Add(ref layer.W, panel * k * P);
            ref float w1 = ref Unsafe.Add(ref w0, k * P);
            Vector512<float> a0 = Bias(layer, panel, 0), a1 = Bias(layer, panel, 16);
            Vector512<float> b0 = Bias(layer, panel + 1, 0), b1 = Bias(layer, panel + 1, 16);
            for (int p = 0; p < k; p++)
            {
                var xp = Vector512.Create(Unsafe.Add(ref x, p));
                nuint offset = (nuint)(p * P);
                a0 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w0, offset), a0);
                a1 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w0, offset + 16), a1);
                b0 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w1, offset), b0);
                b1 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w1, offset + 16), b1);
            }
            a0.StoreUnsafe(ref t, 0);
            a1.StoreUnsafe(ref t, 16);
            b0.StoreUnsafe(ref t, 32);
            b1.StoreUnsafe(ref t, 48);
            Epilogue(layer, row, 1, panel, 2, ref t);
        }
        for (; panel < end; panel++)
        {
            if (DenseKernel.IsNarrowPanel(layer.N, panel))
            {
                NarrowPanel(layer, row, panel, ref t);
                continue;
            }
            ref float w0 = ref Unsafe.Add(ref layer.W, panel * k * P);
            Vector512<float> a0 = Bias(layer, panel, 0), a1 = Bias(layer, panel, 16);
            for (int p = 0; p < k; p++)
            {
                var xp = Vector512.Create(Unsafe.Add(ref x, p));
                nuint offset = (nuint)(p * P);
                a0 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w0, offset), a0);
                a1 = Avx512F.FusedMultiplyAdd(xp, Vector512.LoadUnsafe(ref w0, offset + 16), a1);
            }
            a0.StoreUnsafe(ref t, 0);
            a1.StoreUnsafe(ref t, 16);
            Epilogue(layer, row, 1, panel, 1, ref t);
        }
    }

    /// <summary>Rows [row, row + 8) of one panel: the 8×32 register tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8(in DenseLayer layer, int row, int panel)
    {
        int k = layer.K;
        ref float x0 = ref Unsafe.Add(ref layer.X, row * k);
        ref float x1 = ref Unsafe.Add(ref x0, k);
        ref float x2 = ref Unsafe.Add(ref x1, k);
        ref float x3 = ref Unsafe.Add(ref x2, k);
        ref float x4 = ref Unsafe.Add(ref x3, k);
        ref float x5 = ref Unsafe.Add(ref x4, k);
        ref float x6 = ref Unsafe.Add(ref x5, k);
        ref float x7 = ref Unsafe.Add(ref x6, k);
        ref float w = ref Unsafe.Add(ref layer.W, panel * k * P);
        System.Span<float> buffer = stackalloc float[8 * P];
        ref float t = ref MemoryMarshal.GetReference(buffer);
        Vector512<float> bias0 = Bias(layer, panel, 0), bias1 = Bias(layer, panel, 16);
        Vector512<float> c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1;
        Vector512<float> c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1, c60 = bias0, c61 = bias1, c70 = bias0, c71 = bias1;
        for (int p = 0; p < k; p++)
        {
            nuint offset = (nuint)(p * P);
            var w0 = Vector512.LoadUnsafe(ref w, offset);
            var w1 = Vector512.LoadUnsafe(ref w, offset + 16);
            var xp = Vector512.Create(Unsafe.Add(ref x0, p));
            c00 = Avx512F.FusedMultiplyAdd(xp, w0, c00);
            c01 = Avx512F.FusedMultiplyAdd(xp, w1, c01);
            xp = Vector512.Create(Unsafe.Add(ref x1, p));
            c10 = Avx512F.FusedMultiplyAdd(xp, w0, c10);
            c11 = Avx512F.FusedMultiplyAdd(xp, w1, c11);
            xp = Vector512.Create(Unsafe.Add(ref x2, p));
            c20 = Avx512F.FusedMultiplyAdd(xp, w0, c20);
            c21 = Avx512F.FusedMultiplyAdd(xp, w1, c21);
            xp = Vector512.Create(Unsafe.Add(ref x3, p));
            c30 = Avx512F.FusedMultiplyAdd(xp, w0, c30);
            c31 = Avx512F.FusedMultiplyAdd(xp, w1, c31);
            xp = Vector512.Create(Unsafe.Add(ref x4, p));
            c40 = Avx512F.FusedMultiplyAdd(xp, w0, c40);
            c41 = Avx512F.FusedMultiplyAdd(xp, w1, c41);
            xp = Vector512.Create(Unsafe.Add(ref x5, p));
            c50 = Avx512F.FusedMultiplyAdd(xp, w0, c50);
            c51 = Avx512F.FusedMultiplyAdd(xp, w1, c51);
            xp = Vector512.Create(Unsafe.Add(ref x6, p));
            c60 = Avx512F.FusedMultiplyAdd(xp, w0, c60);
            c61 = Avx512F.FusedMultiplyAdd(xp, w1, c61);
            xp = Vector512.Create(Unsafe.Add(ref x7, p));
            c70 = Avx512F.FusedMultiplyAdd(xp, w0, c70);
            c71 = Avx512F.FusedMultiplyAdd(xp, w1, c71);
        }
        c00.StoreUnsafe(ref t, 0);
        c01.StoreUnsafe(ref t, 16);
        c10.StoreUnsafe(ref t, 32);
        c11.StoreUnsafe(ref t, 48);
        c20.StoreUnsafe(ref t, 64);
        c21.StoreUnsafe(ref t, 80);
        c30.StoreUnsafe(ref t, 96);
        c31.StoreUnsafe(ref t, 112);
        c40.StoreUnsafe(ref t, 128);
        c41.StoreUnsafe(ref t, 144);
        c50.StoreUnsafe(ref t, 160);
        c51.StoreUnsafe(ref t, 176);
        c60.StoreUnsafe(ref t, 192);
        c61.StoreUnsafe(ref t, 208);
        c70.StoreUnsafe(ref t, 224);
        c71.StoreUnsafe(ref t, 240);
        Epilogue(layer, row, 8, panel, 1, ref t);
    }

    /// <summary>
    /// One row of a narrow last panel (see <see cref="DenseKernel.IsNarrowPanel"/>): only the lower vector of each panel
    /// row is read, and four partial sums over p mod 4 run side by side, so one output waits for k/4 dependent
    /// multiply-adds instead of k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowPanel(in DenseLayer layer, int row, int panel, ref float t)
    {
        int k = layer.K;
        ref float x = ref Unsafe.Add(ref layer.X, row * k);
        ref float w = ref Unsafe.Add(ref layer.W, panel * k * P);
        // -0 is the exact additive identity: a partial sum that receives no input leaves the others' bits alone.
        var negativeZero = Vector512.Create(-0f);
        Vector512<float> s0 = Bias(layer, panel, 0), s1 = negativeZero, s2 = negativeZero, s3 = negativeZero;
        int p = 0;
        for (; p + 4 <= k; p += 4)
        {
            s0 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x, p)), Vector512.LoadUnsafe(ref w, (nuint)(p * P)), s0);
            s1 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x, p + 1)), Vector512.LoadUnsafe(ref w, (nuint)((p + 1) * P)), s1);
            s2 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x, p + 2)), Vector512.LoadUnsafe(ref w, (nuint)((p + 2) * P)), s2);
            s3 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x, p + 3)), Vector512.LoadUnsafe(ref w, (nuint)((p + 3) * P)), s3);
        }
        if (p < k) s0 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x, p)), Vector512.LoadUnsafe(ref w, (nuint)(p * P)), s0);
        if (p + 1 < k) s1 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x, p + 1)), Vector512.LoadUnsafe(ref w, (nuint)((p + 1) * P)), s1);
        if (p + 2 < k) s2 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x, p + 2)), Vector512.LoadUnsafe(ref w, (nuint)((p + 2) * P)), s2);
        ((s0 + s1) + (s2 + s3)).StoreUnsafe(ref t, 0);
        Vector512<float>.Zero.StoreUnsafe(ref t, 16);
        Epilogue(layer, row, 1, panel, 1, ref t);
    }

    /// <summary>
    /// Rows [row, row + 4) of a narrow last panel: the same four partial sums per row as <see cref="NarrowPanel"/>
    /// (so the same bits), sixteen accumulators, one weight load shared by four rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowTile4(in DenseLayer layer, int row, int panel)
    {
        int k = layer.K;
        ref float x0 = ref Unsafe.Add(ref layer.X, row * k);
        ref float x1 = ref Unsafe.Add(ref x0, k);
        ref float x2 = ref Unsafe.Add(ref x1, k);
        ref float x3 = ref Unsafe.Add(ref x2, k);
        ref float w = ref Unsafe.Add(ref layer.W, panel * k * P);
        System.Span<float> buffer = stackalloc float[4 * P];
        ref float t = ref MemoryMarshal.GetReference(buffer);
        var bias = Bias(layer, panel, 0);
        var negativeZero = Vector512.Create(-0f);
        // Row i's partial sums are ai, bi, ci, di (inputs p ≡ 0, 1, 2, 3 mod 4).
        Vector512<float> a0 = bias, a1 = bias, a2 = bias, a3 = bias;
        Vector512<float> b0 = negativeZero, b1 = negativeZero, b2 = negativeZero, b3 = negativeZero;
        Vector512<float> c0 = negativeZero, c1 = negativeZero, c2 = negativeZero, c3 = negativeZero;
        Vector512<float> d0 = negativeZero, d1 = negativeZero, d2 = negativeZero, d3 = negativeZero;
        int p = 0;
        for (; p + 4 <= k; p += 4)
        {
            var wp = Vector512.LoadUnsafe(ref w, (nuint)(p * P));
            a0 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, p)), wp, a0);
            a1 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x1, p)), wp, a1);
            a2 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x2, p)), wp, a2);
            a3 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x3, p)), wp, a3);
            wp = Vector512.LoadUnsafe(ref w, (nuint)((p + 1) * P));
            b0 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, p + 1)), wp, b0);
            b1 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x1, p + 1)), wp, b1);
            b2 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x2, p + 1)), wp, b2);
            b3 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x3, p + 1)), wp, b3);
            wp = Vector512.LoadUnsafe(ref w, (nuint)((p + 2) * P));
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, p + 2)), wp, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x1, p + 2)), wp, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x2, p + 2)), wp, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x3, p + 2)), wp, c3);
            wp = Vector512.LoadUnsafe(ref w, (nuint)((p + 3) * P));
            d0 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, p + 3)), wp, d0);
            d1 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x1, p + 3)), wp, d1);
            d2 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x2, p + 3)), wp, d2);
            d3 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x3, p + 3)), wp, d3);
        }
        if (p < k)
        {
            var wp = Vector512.LoadUnsafe(ref w, (nuint)(p * P));
            a0 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, p)), wp, a0);
            a1 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x1, p)), wp, a1);
            a2 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x2, p)), wp, a2);
            a3 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x3, p)), wp, a3);
        }
        if (p + 1 < k)
        {
            var wp = Vector512.LoadUnsafe(ref w, (nuint)((p + 1) * P));
            b0 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, p + 1)), wp, b0);
            b1 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x1, p + 1)), wp, b1);
            b2 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x2, p + 1)), wp, b2);
            b3 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x3, p + 1)), wp, b3);
        }
        if (p + 2 < k)
        {
            var wp = Vector512.LoadUnsafe(ref w, (nuint)((p + 2) * P));
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x0, p + 2)), wp, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x1, p + 2)), wp, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x2, p + 2)), wp, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x3, p + 2)), wp, c3);
        }
        var zero = Vector512<float>.Zero;
        ((a0 + b0) + (c0 + d0)).StoreUnsafe(ref t, 0);
        zero.StoreUnsafe(ref t, 16);
        ((a1 + b1) + (c1 + d1)).StoreUnsafe(ref t, 32);
        zero.StoreUnsafe(ref t, 48);
        ((a2 + b2) + (c2 + d2)).StoreUnsafe(ref t, 64);
        zero.StoreUnsafe(ref t, 80);
        ((a3 + b3) + (c3 + d3)).StoreUnsafe(ref t, 96);
        zero.StoreUnsafe(ref t, 112);
        Epilogue(layer, row, 4, panel, 1, ref t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Bias(in DenseLayer layer, int panel, int offset) =>
        layer.HasBias ? Vector512.LoadUnsafe(ref layer.Bias, (nuint)(panel * P + offset)) : Vector512<float>.Zero;

    /// <summary>
    /// The epilogue for <paramref name="rows"/> rows × <paramref name="panels"/> panels of raw accumulators in
    /// <paramref name="tile"/> (row-major, 32 values per panel): ReLU, residual add, then a full store or, on the
    /// last panel, only the valid columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Epilogue(in DenseLayer layer, int row, int rows, int panel, int panels, ref float tile)
    {
        // Locals, not fields: stores through y could alias the layer as far as the JIT knows, so it would reload them.
        int n = layer.N;
        bool relu = layer.Relu, hasResidual = layer.HasResidual;
        float scale = layer.Scale;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < panels; j++)
            {
                ref float lanes = ref Unsafe.Add(ref tile, (i * panels + j) * P);
                var low = Vector512.LoadUnsafe(ref lanes);
                var high = Vector512.LoadUnsafe(ref lanes, 16);
                if (relu)
                {
                    // Clear lanes that are <= 0; NaN compares false and passes through, as in ONNX Runtime.
                    // (A bare max instruction would return its second operand for NaN, so operand order would matter.)
                    low = Vector512.AndNot(low, Vector512.LessThanOrEqual(low, Vector512<float>.Zero));
                    high = Vector512.AndNot(high, Vector512.LessThanOrEqual(high, Vector512<float>.Zero));
                }
                int column = (panel + j) * P;
                int offset = (row + i) * n + column;
                ref float y = ref Unsafe.Add(ref layer.Y, offset);
                ref float residual = ref Unsafe.Add(ref layer.Residual, offset);
                int valid = n - column;
                if (valid < P)
                {
                    // The last panel: only the valid columns (a vector store would run past the end of y).
                    low.StoreUnsafe(ref lanes);
                    high.StoreUnsafe(ref lanes, 16);
                    if (!hasResidual)
                    {
                        for (int c = 0; c < valid; c++) Unsafe.Add(ref y, c) = Unsafe.Add(ref lanes, c);
                        continue;
                    }
                    for (int c = 0; c < valid; c++)
                        Unsafe.Add(ref y, c) = Unsafe.Add(ref lanes, c) * scale + Unsafe.Add(ref residual, c);
                    continue;
                }
                if (hasResidual)
                {
                    var scaleVector = Vector512.Create(scale);
                    low = low * scaleVector + Vector512.LoadUnsafe(ref residual);
                    high = high * scaleVector + Vector512.LoadUnsafe(ref residual, 16);
                }
                low.StoreUnsafe(ref y);
                high.StoreUnsafe(ref y, 16);
            }
    }
}
