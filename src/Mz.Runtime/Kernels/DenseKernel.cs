using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Mz.Kernels;

/// <summary>
/// y[m, n] = activation(x[m, k] · W[k, n] + b[n]) with W stored input-major ([k, n], prepacked at build time).
/// Each row accumulates k scaled weight rows into y with vectorised multiply-adds.
/// </summary>
public static class DenseKernel
{
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, Span<T> y, int k, int n, MzActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = x.Length / k;
        for (int r = 0; r < rows; r++)
        {
            var input = x.Slice(r * k, k);
            var output = y.Slice(r * n, n);
            // Start from the bias (or zero), then add x[p]·W[p, :] for every input p.
            if (bias.IsEmpty) output.Clear();
            else bias.CopyTo(output);
            for (int p = 0; p < k; p++)
                TensorPrimitives.MultiplyAdd(weights.Slice(p * n, n), input[p], output, output);
            if (activation != MzActivation.None) VectorKernels.Activate<T>(output, output, activation);
        }
    }
}
