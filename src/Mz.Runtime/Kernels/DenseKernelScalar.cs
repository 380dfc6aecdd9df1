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
                for (int p = 0; p < k; p++)
                    sum += Unsafe.Add(ref x, p) * Unsafe.Add(ref w, p * P);
                // "sum <= 0 ? 0 : sum" keeps NaN: every comparison with NaN is false.
                if (layer.Relu && sum <= 0f) sum = 0f;
                int offset = r * n + j;
                Unsafe.Add(ref layer.Y, offset) = layer.HasResidual ? sum * layer.Scale + Unsafe.Add(ref layer.Residual, offset) : sum;
            }
        }
    }
}
