using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mz.Kernels;

/// <summary>
/// The dense kernel with 128-bit vectors (SSE, or Arm AdvSimd): one packed panel row is eight vectors, which are
/// already eight independent accumulator chains, so every row simply walks its panels one after another.
/// </summary>
[SkipLocalsInit]
internal static class DenseKernel128
{
    private const int P = DenseKernel.PanelWidth;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(in DenseLayer layer)
    {
        int panels = DenseKernel.PanelCount(layer.N);
        // Panel-outer for batches, as in the wider kernels: a panel stays in cache across rows.
        for (int panel = 0; panel < panels; panel++)
            for (int r = 0; r < layer.Rows; r++)
                Row(layer, r, panel);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row(in DenseLayer layer, int row, int panel)
    {
        if (DenseKernel.IsNarrowPanel(layer.N, panel))
        {
            NarrowPanel(layer, row, panel);
            return;
        }
        int k = layer.K;
        ref float x = ref Unsafe.Add(ref layer.X, row * k);
        ref float w = ref Unsafe.Add(ref layer.W, panel * k * P);
        Vector128<float> a0 = Bias(layer, panel, 0), a1 = Bias(layer, panel, 4), a2 = Bias(layer, panel, 8), a3 = Bias(layer, panel, 12);
        Vector128<float> a4 = Bias(layer, panel, 16), a5 = Bias(layer, panel, 20), a6 = Bias(layer, panel, 24), a7 = Bias(layer, panel, 28);
        for (int p = 0; p < k; p++)
        {
            var xp = Vector128.Create(Unsafe.Add(ref x, p));
            nuint offset = (nuint)(p * P);
            a0 = Fma(xp, Vector128.LoadUnsafe(ref w, offset), a0);
            a1 = Fma(xp, Vector128.LoadUnsafe(ref w, offset + 4), a1);
            a2 = Fma(xp, Vector128.LoadUnsafe(ref w, offset + 8), a2);
            a3 = Fma(xp, Vector128.LoadUnsafe(ref w, offset + 12), a3);
            a4 = Fma(xp, Vector128.LoadUnsafe(ref w, offset + 16), a4);
            a5 = Fma(xp, Vector128.LoadUnsafe(ref w, offset + 20), a5);
            a6 = Fma(xp, Vector128.LoadUnsafe(ref w, offset + 24), a6);
            a7 = Fma(xp, Vector128.LoadUnsafe(ref w, offset + 28), a7);
        }
        // Epilogue through the stack: eight vectors are too many to pass around, and this path is the fallback.
        System.Span<float> lanes = stackalloc float[P];
        ref float l = ref lanes[0];
        Finish(layer, a0).StoreUnsafe(ref l, 0);
        Finish(layer, a1).StoreUnsafe(ref l, 4);
        Finish(layer, a2).StoreUnsafe(ref l, 8);
        Finish(layer, a3).StoreUnsafe(ref l, 12);
        Finish(layer, a4).StoreUnsafe(ref l, 16);
        Finish(layer, a5).StoreUnsafe(ref l, 20);
        Finish(layer, a6).StoreUnsafe(ref l, 24);
        Finish(layer, a7).StoreUnsafe(ref l, 28);
        Store(layer, row, panel, lanes);
    }

    /// <summary>
    /// One row of a narrow last panel, eight columns at a time: two vectors times four partial sums over p mod 4,
    /// the order <see cref="DenseKernel"/> documents (sixteen accumulators would not fit the 16 SSE registers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowPanel(in DenseLayer layer, int row, int panel)
    {
        int k = layer.K;
        ref float x = ref Unsafe.Add(ref layer.X, row * k);
        System.Span<float> lanes = stackalloc float[P];
        ref float l = ref lanes[0];
        int valid = layer.N - panel * P;
        // -0 is the exact additive identity: a partial sum that receives no input leaves the others' bits alone.
        var negativeZero = Vector128.Create(-0f);
        for (int half = 0; half < valid; half += 8)
        {
            ref float w = ref Unsafe.Add(ref layer.W, panel * k * P + half);
            Vector128<float> a0 = Bias(layer, panel, half), a1 = Bias(layer, panel, half + 4);
            Vector128<float> b0 = negativeZero, b1 = negativeZero, c0 = negativeZero, c1 = negativeZero, d0 = negativeZero, d1 = negativeZero;
            int p = 0;
            for (; p + 4 <= k; p += 4)
            {
                var xp = Vector128.Create(Unsafe.Add(ref x, p));
                a0 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)(p * P)), a0);
                a1 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)(p * P + 4)), a1);
                xp = Vector128.Create(Unsafe.Add(ref x, p + 1));
                b0 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)((p + 1) * P)), b0);
                b1 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)((p + 1) * P + 4)), b1);
                xp = Vector128.Create(Unsafe.Add(ref x, p + 2));
                c0 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)((p + 2) * P)), c0);
                c1 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)((p + 2) * P + 4)), c1);
                xp = Vector128.Create(Unsafe.Add(ref x, p + 3));
                d0 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)((p + 3) * P)), d0);
                d1 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)((p + 3) * P + 4)), d1);
            }
            if (p < k)
            {
                var xp = Vector128.Create(Unsafe.Add(ref x, p));
                a0 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)(p * P)), a0);
                a1 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)(p * P + 4)), a1);
            }
            if (p + 1 < k)
            {
                var xp = Vector128.Create(Unsafe.Add(ref x, p + 1));
                b0 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)((p + 1) * P)), b0);
                b1 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)((p + 1) * P + 4)), b1);
            }
            if (p + 2 < k)
            {
                var xp = Vector128.Create(Unsafe.Add(ref x, p + 2));
                c0 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)((p + 2) * P)), c0);
                c1 = Fma(xp, Vector128.LoadUnsafe(ref w, (nuint)((p + 2) * P + 4)), c1);
            }
            Finish(layer, (a0 + b0) + (c0 + d0)).StoreUnsafe(ref l, (nuint)half);
            Finish(layer, (a1 + b1) + (c1 + d1)).StoreUnsafe(ref l, (nuint)(half + 4));
        }
        Store(layer, row, panel, lanes);
    }

    /// <summary>The valid columns of one finished panel row, plus the residual when there is one.</summary>
    private static void Store(in DenseLayer layer, int row, int panel, System.Span<float> lanes)
    {
        int column = panel * P;
        int width = System.Math.Min(P, layer.N - column);
        int offset0 = row * layer.N + column;
        ref float y = ref Unsafe.Add(ref layer.Y, offset0);
        ref float residual = ref Unsafe.Add(ref layer.Residual, offset0);
        for (int c = 0; c < width; c++)
            Unsafe.Add(ref y, c) = layer.HasResidual ? lanes[c] * layer.Scale + Unsafe.Add(ref residual, c) : lanes[c];
    }

    /// <summary>x·w + c in one rounding where FMA exists; otherwise two roundings (never a software emulation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Fma(Vector128<float> x, Vector128<float> w, Vector128<float> c)
    {
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported) return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(x, w, c);
        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) return System.Runtime.Intrinsics.Arm.AdvSimd.FusedMultiplyAdd(c, x, w);
        return x * w + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Bias(in DenseLayer layer, int panel, int offset) =>
        layer.HasBias ? Vector128.LoadUnsafe(ref layer.Bias, (nuint)(panel * P + offset)) : Vector128<float>.Zero;

    /// <summary>ReLU when asked: clear lanes at or below zero; NaN compares false and passes through, as in ONNX Runtime.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Finish(in DenseLayer layer, Vector128<float> v) =>
        layer.Relu ? Vector128.AndNot(v, Vector128.LessThanOrEqual(v, Vector128<float>.Zero)) : v;
}
