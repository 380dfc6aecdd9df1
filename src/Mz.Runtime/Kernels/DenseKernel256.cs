using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mz.Kernels;

/// <summary>
/// The dense kernel with 256-bit vectors: one packed panel row is four vectors. Batches use a 2×32 tile
/// (8 accumulators, within the 16 registers of AVX2); single rows process two panels side by side.
/// </summary>
[SkipLocalsInit]
internal static class DenseKernel256
{
    private const int P = DenseKernel.PanelWidth;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(in DenseLayer layer)
    {
        int panels = DenseKernel.PanelCount(layer.N);
        if (layer.Rows < 2)
        {
            Row(layer, 0, 0, panels);
            return;
        }
        for (int panel = 0; panel < panels; panel++)
        {
            if (DenseKernel.IsNarrowPanel(layer.N, panel))
            {
                // A narrow panel runs row by row in every batch (its partial sums fill the registers).
                for (int row = 0; row < layer.Rows; row++) Row(layer, row, panel, panel + 1);
                continue;
            }
            int r = 0;
            for (; r + 2 <= layer.Rows; r += 2) Tile2(layer, r, panel);
            for (; r < layer.Rows; r++) Row(layer, r, panel, panel + 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row(in DenseLayer layer, int row, int first, int end)
    {
        int k = layer.K;
        ref float x = ref Unsafe.Add(ref layer.X, row * k);
        // Raw accumulators go through this buffer to the epilogue (see the 512-bit kernel for why).
        System.Span<float> buffer = stackalloc float[2 * P];
        ref float t = ref MemoryMarshal.GetReference(buffer);
        int panel = first;
        // A narrow last panel always goes through its own code below, as it does in a batch, so its bits match.
        int wideEnd = end > first && DenseKernel.IsNarrowPanel(layer.N, end - 1) ? end - 1 : end;
        for (; panel + 2 <= wideEnd; panel += 2)
        {
            ref float w0 = ref Unsafe.Add(ref layer.W, panel * k * P);
            ref float w1 = ref Unsafe.Add(ref w0, k * P);
            Vector256<float> a0 = Bias(layer, panel, 0), a1 = Bias(layer, panel, 8), a2 = Bias(layer, panel, 16), a3 = Bias(layer, panel, 24);
            Vector256<float> b0 = Bias(layer, panel + 1, 0), b1 = Bias(layer, panel + 1, 8), b2 = Bias(layer, panel + 1, 16), b3 = Bias(layer, panel + 1, 24);
            for (int p = 0; p < k; p++)
            {
                var xp = Vector256.Create(Unsafe.Add(ref x, p));
                nuint offset = (nuint)(p * P);
                a0 = Fma(xp, Vector256.LoadUnsafe(ref w0, offset), a0);
                a1 = Fma(xp, Vector256.LoadUnsafe(ref w0, offset + 8), a1);
                a2 = Fma(xp, Vector256.LoadUnsafe(ref w0, offset + 16), a2);
                a3 = Fma(xp, Vector256.LoadUnsafe(ref w0, offset + 24), a3);
                b0 = Fma(xp, Vector256.LoadUnsafe(ref w1, offset), b0);
                b1 = Fma(xp, Vector256.LoadUnsafe(ref w1, offset + 8), b1);
                b2 = Fma(xp, Vector256.LoadUnsafe(ref w1, offset + 16), b2);
                b3 = Fma(xp, Vector256.LoadUnsafe(ref w1, offset + 24), b3);
            }
            StoreRaw(ref t, 0, a0, a1, a2, a3);
            StoreRaw(ref t, P, b0, b1, b2, b3);
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
            Vector256<float> a0 = Bias(layer, panel, 0), a1 = Bias(layer, panel, 8), a2 = Bias(layer, panel, 16), a3 = Bias(layer, panel, 24);
            for (int p = 0; p < k; p++)
            {
                var xp = Vector256.Create(Unsafe.Add(ref x, p));
                nuint offset = (nuint)(p * P);
                a0 = Fma(xp, Vector256.LoadUnsafe(ref w0, offset), a0);
                a1 = Fma(xp, Vector256.LoadUnsafe(ref w0, offset + 8), a1);
                a2 = Fma(xp, Vector256.LoadUnsafe(ref w0, offset + 16), a2);
                a3 = Fma(xp, Vector256.LoadUnsafe(ref w0, offset + 24), a3);
            }
            StoreRaw(ref t, 0, a0, a1, a2, a3);
            Epilogue(layer, row, 1, panel, 1, ref t);
        }
    }

    /// <summary>
    /// One row of a narrow last panel: two vectors (the 16 lower columns) times four partial sums over p mod 4, the
    /// order <see cref="DenseKernel"/> documents.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowPanel(in DenseLayer layer, int row, int panel, ref float t)
    {
        int k = layer.K;
        ref float x = ref Unsafe.Add(ref layer.X, row * k);
        ref float w = ref Unsafe.Add(ref layer.W, panel * k * P);
        // -0 is the exact additive identity: a partial sum that receives no input leaves the others' bits alone.
        var negativeZero = Vector256.Create(-0f);
        Vector256<float> a0 = Bias(layer, panel, 0), a1 = Bias(layer, panel, 8);
        Vector256<float> b0 = negativeZero, b1 = negativeZero, c0 = negativeZero, c1 = negativeZero, d0 = negativeZero, d1 = negativeZero;
        int p = 0;
        for (; p + 4 <= k; p += 4)
        {
            var xp = Vector256.Create(Unsafe.Add(ref x, p));
            a0 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)(p * P)), a0);
            a1 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)(p * P + 8)), a1);
            xp = Vector256.Create(Unsafe.Add(ref x, p + 1));
            b0 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)((p + 1) * P)), b0);
            b1 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)((p + 1) * P + 8)), b1);
            xp = Vector256.Create(Unsafe.Add(ref x, p + 2));
            c0 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)((p + 2) * P)), c0);
            c1 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)((p + 2) * P + 8)), c1);
            xp = Vector256.Create(Unsafe.Add(ref x, p + 3));
            d0 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)((p + 3) * P)), d0);
            d1 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)((p + 3) * P + 8)), d1);
        }
        if (p < k)
        {
            var xp = Vector256.Create(Unsafe.Add(ref x, p));
            a0 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)(p * P)), a0);
            a1 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)(p * P + 8)), a1);
        }
        if (p + 1 < k)
        {
            var xp = Vector256.Create(Unsafe.Add(ref x, p + 1));
            b0 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)((p + 1) * P)), b0);
            b1 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)((p + 1) * P + 8)), b1);
        }
        if (p + 2 < k)
        {
            var xp = Vector256.Create(Unsafe.Add(ref x, p + 2));
            c0 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)((p + 2) * P)), c0);
            c1 = Fma(xp, Vector256.LoadUnsafe(ref w, (nuint)((p + 2) * P + 8)), c1);
        }
        StoreRaw(ref t, 0, (a0 + b0) + (c0 + d0), (a1 + b1) + (c1 + d1), Vector256<float>.Zero, Vector256<float>.Zero);
        Epilogue(layer, row, 1, panel, 1, ref t);
    }

    /// <summary>Rows [row, row + 2) of one panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2(in DenseLayer layer, int row, int panel)
    {
        int k = layer.K;
        ref float x0 = ref Unsafe.Add(ref layer.X, row * k);
        ref float x1 = ref Unsafe.Add(ref x0, k);
        ref float w = ref Unsafe.Add(ref layer.W, panel * k * P);
        System.Span<float> buffer = stackalloc float[2 * P];
        ref float t = ref MemoryMarshal.GetReference(buffer);
        Vector256<float> a0 = Bias(layer, panel, 0), a1 = Bias(layer, panel, 8), a2 = Bias(layer, panel, 16), a3 = Bias(layer, panel, 24);
        Vector256<float> b0 = a0, b1 = a1, b2 = a2, b3 = a3;
        for (int p = 0; p < k; p++)
        {
            nuint offset = (nuint)(p * P);
            var w0 = Vector256.LoadUnsafe(ref w, offset);
            var w1 = Vector256.LoadUnsafe(ref w, offset + 8);
            var w2 = Vector256.LoadUnsafe(ref w, offset + 16);
            var w3 = Vector256.LoadUnsafe(ref w, offset + 24);
            var xp = Vector256.Create(Unsafe.Add(ref x0, p));
            a0 = Fma(xp, w0, a0);
            a1 = Fma(xp, w1, a1);
            a2 = Fma(xp, w2, a2);
            a3 = Fma(xp, w3, a3);
            xp = Vector256.Create(Unsafe.Add(ref x1, p));
            b0 = Fma(xp, w0, b0);
            b1 = Fma(xp, w1, b1);
            b2 = Fma(xp, w2, b2);
            b3 = Fma(xp, w3, b3);
        }
        StoreRaw(ref t, 0, a0, a1, a2, a3);
        StoreRaw(ref t, P, b0, b1, b2, b3);
        Epilogue(layer, row, 2, panel, 1, ref t);
    }

    /// <summary>x·w + c in one rounding where FMA exists; otherwise two roundings (never a software emulation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fma(Vector256<float> x, Vector256<float> w, Vector256<float> c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(x, w, c) : x * w + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Bias(in DenseLayer layer, int panel, int offset) =>
        layer.HasBias ? Vector256.LoadUnsafe(ref layer.Bias, (nuint)(panel * P + offset)) : Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Relu(Vector256<float> v) =>
        // Clear lanes <= 0; NaN compares false and passes through, as in ONNX Runtime.
        Vector256.AndNot(v, Vector256.LessThanOrEqual(v, Vector256<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRaw(ref float tile, int offset, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3)
    {
        v0.StoreUnsafe(ref tile, (nuint)offset);
        v1.StoreUnsafe(ref tile, (nuint)(offset + 8));
        v2.StoreUnsafe(ref tile, (nuint)(offset + 16));
        v3.StoreUnsafe(ref tile, (nuint)(offset + 24));
    }

    /// <summary>The epilogue over raw accumulators (rows × panels, 32 values each): ReLU, residual, full or partial store.</summary>
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
                int column = (panel + j) * P;
                int offset = (row + i) * n + column;
                ref float y = ref Unsafe.Add(ref layer.Y, offset);
                ref float residual = ref Unsafe.Add(ref layer.Residual, offset);
                int valid = n - column;
                bool partial = valid < P;
                for (int v = 0; v < P; v += 8)
                {
                    var value = Vector256.LoadUnsafe(ref lanes, (nuint)v);
                    if (relu) value = Relu(value);
                    if (partial) value.StoreUnsafe(ref lanes, (nuint)v);
                    else
                    {
                        if (hasResidual) value = value * Vector256.Create(scale) + Vector256.LoadUnsafe(ref residual, (nuint)v);
                        value.StoreUnsafe(ref y, (nuint)v);
                    }
                }
                if (!partial) continue;
                // The last panel: only the valid columns (a vector store would run past the end of y).
                if (!hasResidual)
                {
                    for (int c = 0; c < valid; c++) Unsafe.Add(ref y, c) = Unsafe.Add(ref lanes, c);
                    continue;
                }
                for (int c = 0; c < valid; c++)
                    Unsafe.Add(ref y, c) = Unsafe.Add(ref lanes, c) * scale + Unsafe.Add(ref residual, c);
            }
    }
}
