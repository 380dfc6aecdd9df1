using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Mz.Kernels;

/// <summary>Elementwise and row-wise kernels over spans, vectorised through TensorPrimitives.</summary>
public static class VectorKernels
{
    /// <summary>y = activation(x) elementwise; x and y may be the same span.</summary>
    public static void Activate<T>(ReadOnlySpan<T> x, Span<T> y, KernelActivation activation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (activation)
        {
            case KernelActivation.Relu:
                // TensorPrimitives.Max follows IEEE 754:2019 maximum: NaN in, NaN out (as ONNX Runtime does).
                TensorPrimitives.Max(x, T.Zero, y);
                break;
            // Float tanh and sigmoid use Mz's own vector code (TensorPrimitives' float tanh is inaccurate near zero).
            case KernelActivation.Tanh when typeof(T) == typeof(float):
                Activations.Tanh(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y), KernelPaths.Best);
                break;
            case KernelActivation.Sigmoid when typeof(T) == typeof(float):
                Activations.Sigmoid(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y), KernelPaths.Best);
                break;
            case KernelActivation.Tanh:
                TensorPrimitives.Tanh(x, y);
                break;
            case KernelActivation.Sigmoid:
                TensorPrimitives.Sigmoid(x, y);
                break;
            default:
                x.CopyTo(y); // copying onto itself (in place) is harmless
                break;
        }
    }

    /// <summary>y = a + b elementwise.</summary>
    public static void Add<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        TensorPrimitives.Add(a, b, y);

    /// <summary>y = a + scale·b.</summary>
    public static void AddScaled<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, T scale, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        TensorPrimitives.MultiplyAdd(b, scale, a, y);

    /// <summary>y = scale·x elementwise.</summary>
    public static void Scale<T>(ReadOnlySpan<T> x, T scale, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        TensorPrimitives.Multiply(x, scale, y);

    /// <summary>Softmax or LogSoftmax over consecutive groups, shifted by the group maximum so large logits cannot overflow.</summary>
    public static void Softmax<T>(ReadOnlySpan<T> x, Span<T> y, int group, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int start = 0; start < x.Length; start += group)
        {
            var input = x.Slice(start, group);
            var output = y.Slice(start, group);
            T max = TensorPrimitives.Max(input);
            if (T.IsNaN(max)) { output.Fill(T.NaN); continue; }
            TensorPrimitives.Subtract(input, max, output);
            if (log)
            {
                // log-sum-exp of the shifted values; never log(softmax), which underflows to -inf.
                T sum = T.Zero;
                foreach (var v in output) sum += T.Exp(v);
                TensorPrimitives.Subtract(output, T.Log(sum), output);
            }
            else
            {
                TensorPrimitives.Exp(output, output);
                T sum = TensorPrimitives.Sum(output);
                TensorPrimitives.Multiply(output, T.One / sum, output);
            }
        }
    }
}

