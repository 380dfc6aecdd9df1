using System.Runtime.CompilerServices;

namespace Mz.Kernels;

/// <summary>
/// The dense kernel without vectors: the reference for the vector paths and the fallback for hardware without
/// SIMD. Each output is accumulated in the same order as the vector paths, with a separate multiply and add.
/// </summary>
internal static class DenseKernelScalar
{
    private const int P = DenseKernel.PanelWidth;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(in DenseLayer layer)
    {
        int k = layer.K, n = layer.N;
        for (int r = 0; r < layer.Rows; r++)
        {
            ref float x = ref Unsafe.Add(ref layer.X, r * k);
            for (int j = 0; j < n; j++)
            {
                int panel = j / P, c = j % P;
                ref float w = ref Unsafe.Add(ref layer.W, panel * k * P + c);
                float sum = layer.HasBias ? Unsafe.Add(ref layer.Bias, j) : 0f;
                if (DenseKernel.IsNarrowPanel(n, panel)) sum = NarrowSum(ref x, ref w, k, sum);
                else
                    for (int p = 0; p < k; p++)
                        sum += Unsafe.Add(ref x, p) * Unsafe.Add(ref w, p * P);
                // "sum <= 0 ? 0 : sum" keeps NaN: every comparison with NaN is false.
                if (layer.Relu && sum <= 0f) sum = 0f;
                int offset = r * n + j;
                Unsafe.Add(ref layer.Y, offset) = layer.HasResidual ? sum * layer.Scale + Unsafe.Add(ref layer.Residual, offset) : sum;
            }
        }
    }

    /// <summary>A column of a narrow last panel: four partial sums over p mod 4, as <see cref="DenseKernel"/> documents.</summary>
    private static float NarrowSum(ref float x, ref float w, int k, float bias)
    {
        // -0 is the exact additive identity: a partial sum that receives no input leaves the others' bits alone.
        float s0 = bias, s1 = -0f, s2 = -0f, s3 = -0f;
        int p = 0;
        for (; p + 4 <= k; p += 4)
        {
            s0 += Unsafe.Add(ref x, p) * Unsafe.Add(ref w, p * P);
            s1 += Unsafe.Add(ref x, p + 1) * Unsafe.Add(ref w, (p + 1) * P);
            s2 += Unsafe.Add(ref x, p + 2) * Unsafe.Add(ref w, (p + 2) * P);
            s3 += Unsafe.Add(ref x, p + 3) * Unsafe.Add(ref w, (p + 3) * P);
        }
        if (p < k) s0 += Unsafe.Add(ref x, p) * Unsafe.Add(ref w, p * P);
        if (p + 1 < k) s1 += Unsafe.Add(ref x, p + 1) * Unsafe.Add(ref w, (p + 1) * P);
        if (p + 2 < k) s2 += Unsafe.Add(ref x, p + 2) * Unsafe.Add(ref w, (p + 2) * P);
        return (s0 + s1) + (s2 + s3);
    }
}
