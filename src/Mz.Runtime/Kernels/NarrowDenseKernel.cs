using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mz.Kernels;

/// <summary>
/// y[m, j] = b[j] + Σ_p W[j, p] · x[m, p] with W stored row-major as [n, k]: vectorised dot products along the inputs.
/// </summary>
/// <remarks>
/// <para>
/// The panel kernel (<see cref="DenseKernel"/>) pads every layer to 32 output columns, which wastes most of its work
/// on the narrow layers of a reduced network (a dozen coordinates, ten logits). Here the vector runs along the inputs
/// instead, so an output costs k multiply-adds whatever n is. Four weight rows are walked together so each load of x
/// serves four outputs; the widest vector steps first and narrower ones (then scalars) finish the row.
/// <see cref="Accumulate{T}"/> adds into y, which lets a reduced layer sum its terms (output map, linear term, memory
/// kernels) without a concatenated input.
/// </para>
/// <para>
/// Each output of a row is summed in the same order alone or in a batch, so a row's results do not depend on the batch
/// size; different vector widths sum in different orders (the kernel tests bound the difference).
/// </para>
/// </remarks>
public static class NarrowDenseKernel
{
    /// <summary>y = x · Wᵀ + b over all rows of <paramref name="x"/>; an empty bias means zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, Span<T> y, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(x, weights, bias, y, k, n, accumulate: false, KernelPaths.Best);

    /// <summary>y += x · Wᵀ over all rows of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, Span<T> y, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(x, weights, default, y, k, n, accumulate: true, KernelPaths.Best);

    /// <summary>
    /// y = x · Wᵀ + x2 · W2ᵀ + b in one pass (W2 row-major [n, k2]): the same sums in the same order as Forward then
    /// Accumulate, so bit-identical to them, with one walk over y instead of two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, int k, ReadOnlySpan<T> x2, ReadOnlySpan<T> weights2, int k2, ReadOnlySpan<T> bias, Span<T> y, int n)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(x, weights, bias, y, k, n, accumulate: false, KernelPaths.Best, x2, weights2, k2);

    /// <summary>The kernel on a chosen path (tests compare the paths; public callers get the widest).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Run<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, Span<T> y, int k, int n, bool accumulate, KernelPath path,
        ReadOnlySpan<T> x2 = default, ReadOnlySpan<T> weights2 = default, int k2 = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = CheckShapes(x.Length, weights.Length, bias.Length, y.Length, k, n);
        if (k2 != 0 && CheckShapes(x2.Length, weights2.Length, 0, y.Length, k2, n) != rows)
            throw new ArgumentException($"x2 holds {x2.Length / k2} rows of {k2}, x holds {rows}", nameof(x2));
        if (typeof(T) == typeof(float))
        {
            ForwardSingle(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(weights), k, MemoryMarshal.Cast<T, float>(x2), MemoryMarshal.Cast<T, float>(weights2), k2,
                MemoryMarshal.Cast<T, float>(bias), MemoryMarshal.Cast<T, float>(y), rows, n, accumulate, path);
            return;
        }
        for (int m = 0; m < rows; m++)
        {
            var input = x.Slice(m * k, k);
            var output = y.Slice(m * n, n);
            for (int j = 0; j < n; j++)
            {
                T sum = (accumulate ? output[j] : bias.IsEmpty ? T.Zero : bias[j]) + TensorPrimitives.Dot(weights.Slice(j * k, k), input);
                if (k2 != 0) sum += TensorPrimitives.Dot(weights2.Slice(j * k2, k2), x2.Slice(m * k2, k2));
                output[j] = sum;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardSingle(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, int k, ReadOnlySpan<float> x2, ReadOnlySpan<float> weights2, int k2,
        ReadOnlySpan<float> bias, Span<float> y, int rows, int n, bool accumulate, KernelPath path)
    {
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float w2 = ref MemoryMarshal.GetReference(weights2);
        for (int m = 0; m < rows; m++)
        {
            ref float input = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), m * k);
            ref float input2 = ref Unsafe.Add(ref MemoryMarshal.GetReference(x2), m * k2);
            var output = y.Slice(m * n, n);
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                Dot4(ref Unsafe.Add(ref w, j * k), ref input, k, path, out float s0, out float s1, out float s2, out float s3);
                s0 = Start(output, bias, j, accumulate) + s0;
                s1 = Start(output, bias, j + 1, accumulate) + s1;
                s2 = Start(output, bias, j + 2, accumulate) + s2;
                s3 = Start(output, bias, j + 3, accumulate) + s3;
                if (k2 != 0)
                {
                    Dot4(ref Unsafe.Add(ref w2, j * k2), ref input2, k2, path, out float t0, out float t1, out float t2, out float t3);
                    s0 += t0;
                    s1 += t1;
                    s2 += t2;
                    s3 += t3;
                }
                output[j] = s0;
                output[j + 1] = s1;
                output[j + 2] = s2;
                output[j + 3] = s3;
            }
            for (; j < n; j++)
            {
                float sum = Start(output, bias, j, accumulate) + Dot1(ref Unsafe.Add(ref w, j * k), ref input, k, path);
                if (k2 != 0) sum += Dot1(ref Unsafe.Add(ref w2, j * k2), ref input2, k2, path);
                output[j] = sum;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Start(Span<float> output, ReadOnlySpan<float> bias, int j, bool accumulate) =>
        accumulate ? output[j] : bias.IsEmpty ? 0f : bias[j];

    /// <summary>Dot products of four consecutive weight rows with x: widest vectors first, then narrower, then scalars.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4(ref float w0, ref float x, int k, KernelPath path, out float s0, out float s1, out float s2, out float s3)
    {
        ref float w1 = ref Unsafe.Add(ref w0, k);
        ref float w2 = ref Unsafe.Add(ref w0, 2 * k);
        ref float w3 = ref Unsafe.Add(ref w0, 3 * k);
        int p = 0;
        s0 = s1 = s2 = s3 = 0f;
        if (path == KernelPath.Vector512 && k >= 16)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; p + 16 <= k; p += 16)
            {
                var xv = Vector512.LoadUnsafe(ref x, (nuint)p);
                a0 += Vector512.LoadUnsafe(ref w0, (nuint)p) * xv;
                a1 += Vector512.LoadUnsafe(ref w1, (nuint)p) * xv;
                a2 += Vector512.LoadUnsafe(ref w2, (nuint)p) * xv;
                a3 += Vector512.LoadUnsafe(ref w3, (nuint)p) * xv;
            }
            s0 += Vector512.Sum(a0); s1 += Vector512.Sum(a1); s2 += Vector512.Sum(a2); s3 += Vector512.Sum(a3);
        }
        if (path >= KernelPath.Vector256 && p + 8 <= k)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; p + 8 <= k; p += 8)
            {
                var xv = Vector256.LoadUnsafe(ref x, (nuint)p);
                a0 += Vector256.LoadUnsafe(ref w0, (nuint)p) * xv;
                a1 += Vector256.LoadUnsafe(ref w1, (nuint)p) * xv;
                a2 += Vector256.LoadUnsafe(ref w2, (nuint)p) * xv;
                a3 += Vector256.LoadUnsafe(ref w3, (nuint)p) * xv;
            }
            s0 += Vector256.Sum(a0); s1 += Vector256.Sum(a1); s2 += Vector256.Sum(a2); s3 += Vector256.Sum(a3);
        }
        if (path >= KernelPath.Vector128 && p + 4 <= k)
        {
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; p + 4 <= k; p += 4)
            {
                var xv = Vector128.LoadUnsafe(ref x, (nuint)p);
                a0 += Vector128.LoadUnsafe(ref w0, (nuint)p) * xv;
                a1 += Vector128.LoadUnsafe(ref w1, (nuint)p) * xv;
                a2 += Vector128.LoadUnsafe(ref w2, (nuint)p) * xv;
                a3 += Vector128.LoadUnsafe(ref w3, (nuint)p) * xv;
            }
            s0 += Vector128.Sum(a0); s1 += Vector128.Sum(a1); s2 += Vector128.Sum(a2); s3 += Vector128.Sum(a3);
        }
        for (; p < k; p++)
        {
            float xp = Unsafe.Add(ref x, p);
            s0 += Unsafe.Add(ref w0, p) * xp;
            s1 += Unsafe.Add(ref w1, p) * xp;
            s2 += Unsafe.Add(ref w2, p) * xp;
            s3 += Unsafe.Add(ref w3, p) * xp;
        }
    }

    /// <summary>One weight row's dot product with x, in the same order of widths as <see cref="Dot4"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot1(ref float w, ref float x, int k, KernelPath path)
    {
        int p = 0;
        float s = 0f;
        if (path == KernelPath.Vector512 && k >= 16)
        {
            Vector512<float> a = default;
            for (; p + 16 <= k; p += 16) a += Vector512.LoadUnsafe(ref w, (nuint)p) * Vector512.LoadUnsafe(ref x, (nuint)p);
            s += Vector512.Sum(a);
        }
        if (path >= KernelPath.Vector256 && p + 8 <= k)
        {
            Vector256<float> a = default;
            for (; p + 8 <= k; p += 8) a += Vector256.LoadUnsafe(ref w, (nuint)p) * Vector256.LoadUnsafe(ref x, (nuint)p);
            s += Vector256.Sum(a);
        }
        if (path >= KernelPath.Vector128 && p + 4 <= k)
        {
            Vector128<float> a = default;
            for (; p + 4 <= k; p += 4) a += Vector128.LoadUnsafe(ref w, (nuint)p) * Vector128.LoadUnsafe(ref x, (nuint)p);
            s += Vector128.Sum(a);
        }
        for (; p < k; p++) s += Unsafe.Add(ref w, p) * Unsafe.Add(ref x, p);
        return s;
    }

    private static int CheckShapes(int x, int weights, int bias, int y, int k, int n)
    {
        if (k <= 0 || n <= 0) throw new ArgumentOutOfRangeException(k <= 0 ? nameof(k) : nameof(n), $"k = {k} and n = {n} must be positive");
        if (x % k != 0) throw new ArgumentException($"x holds {x} values, not a whole number of rows of {k}", nameof(x));
        int rows = x / k;
        // Sizes in 64 bits: a product that wrapped in 32 would let a short span through to the unchecked loops.
        if (weights < (long)k * n) throw new ArgumentException($"the weights need {k}·{n} = {(long)k * n} values, got {weights}", nameof(weights));
        if (bias != 0 && bias < n) throw new ArgumentException($"the bias needs {n} values, got {bias}", nameof(bias));
        if (y < (long)rows * n) throw new ArgumentException($"y needs {(long)rows * n} values, got {y}", nameof(y));
        return rows;
    }
}
