using System;
using Mz.Core.Ir;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mz.Kernels;

/// <summary>
/// y[m, n] = residual[m, n] + scale · activation(x[m, k] · W[k, n] + b[n]), the residual part optional.
/// </summary>
/// <remarks>
/// <para>
/// W arrives prepacked (the generator packs it at build time, see <see cref="Pack{T}"/>): split into panels of
/// <see cref="PanelWidth"/> output columns, each panel stored as k consecutive rows of 32 values, the last panel
/// padded with zeros. A kernel therefore streams one panel front to back, and a padded column costs arithmetic
/// but never a branch. The bias is padded the same way.
/// </para>
/// <para>
/// Every path accumulates each output element in the same order (bias first, then input 0, 1, ..., k-1 with one
/// fused multiply-add each), whether it runs as a one-row matrix-vector product or inside a register tile of a
/// batch. A row therefore gets bit-identical results alone or in any batch, on a given path.
/// </para>
/// <para>
/// The one exception to that order on the float paths is a narrow last panel (at most 16 valid columns, <see cref="IsNarrowPanel"/>):
/// there only one or two vectors of accumulators are live, and a single chain of k dependent multiply-adds would
/// leave the FMA units idle. Such a panel keeps four partial sums, s_i = (the bias if i = 0, else −0) plus the inputs
/// p ≡ i (mod 4) in increasing p, and stores (s_0 + s_1) + (s_2 + s_3); its upper 16 padding columns are neither read
/// nor multiplied. Rows alone and in batches run this same code, so the bit-identity above still holds.
/// </para>
/// </remarks>
public static class DenseKernel
{
    /// <summary>Output columns per packed panel: two 512-bit vectors, four 256-bit or eight 128-bit ones.</summary>
    public const int PanelWidth = PanelLayout.Width;

    /// <summary>Valid columns at or below which the last panel is narrow (see the remarks).</summary>
    internal const int NarrowPanelColumns = 16;

    /// <summary>
    /// Whether <paramref name="panel"/> is the last panel of <paramref name="n"/> outputs and holds at most
    /// <see cref="NarrowPanelColumns"/> valid columns: the output layer of a classifier, typically.
    /// </summary>
    internal static bool IsNarrowPanel(int n, int panel) => n - panel * PanelWidth <= NarrowPanelColumns;

    /// <summary>Panels needed for <paramref name="n"/> outputs.</summary>
    public static int PanelCount(int n) => PanelLayout.PanelCount(n);

    /// <summary>Length of a packed weight matrix with <paramref name="k"/> inputs and <paramref name="n"/> outputs.</summary>
    public static int PackedLength(int k, int n) => PanelLayout.PackedLength(k, n);

    /// <summary>Length of a bias padded to whole panels.</summary>
    public static int PaddedLength(int n) => PanelLayout.PaddedLength(n);

    /// <summary>
    /// Packs an input-major matrix W[k, n] (row p holds the weights from input p to every output) into panels;
    /// the generator does the same at build time, this copy serves tests and callers with their own weights.
    /// </summary>
    public static T[] Pack<T>(ReadOnlySpan<T> inputMajor, int k, int n) where T : unmanaged
    {
        if (k < 0 || n < 0) throw new ArgumentOutOfRangeException(k < 0 ? nameof(k) : nameof(n), $"k = {k} and n = {n} must not be negative");
        if (inputMajor.Length != (long)k * n) throw new ArgumentException($"expected {k}·{n} weights, got {inputMajor.Length}", nameof(inputMajor));
        long length = ((long)n + PanelWidth - 1) / PanelWidth * PanelWidth * k;
        if (length > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(n), n, $"{k} inputs × {n} outputs in panels exceed the largest array");
        var packed = new T[length];
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++)
                packed[PanelLayout.PackedIndex(k, p, j)] = inputMajor[p * n + j];
        return packed;
    }

    /// <summary>Pads a bias to whole panels with zeros.</summary>
    public static T[] PadBias<T>(ReadOnlySpan<T> bias) where T : unmanaged
    {
        var padded = new T[PaddedLength(bias.Length)];
        bias.CopyTo(padded);
        return padded;
    }

    /// <summary>y = activation(x · W + b) over all rows of <paramref name="x"/>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> packedWeights, ReadOnlySpan<T> paddedBias, Span<T> y, int k, int n, KernelActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ForwardResidual(x, packedWeights, paddedBias, y, k, n, activation, default, T.One);

    /// <summary>y = residual + residualScale · activation(x · W + b): a residual block ending in one call.</summary>
    public static void ForwardResidual<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> packedWeights, ReadOnlySpan<T> paddedBias, Span<T> y, int k, int n, KernelActivation activation,
        ReadOnlySpan<T> residual, T residualScale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            ForwardSingle(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(packedWeights), MemoryMarshal.Cast<T, float>(paddedBias),
                MemoryMarshal.Cast<T, float>(y), k, n, activation, MemoryMarshal.Cast<T, float>(residual), Unsafe.As<T, float>(ref residualScale), KernelPaths.Best);
            return;
        }
        int rows = CheckShapes(x.Length, packedWeights.Length, paddedBias.Length, y.Length, residual.Length, k, n);
        PortableKernel.Forward(x, packedWeights, paddedBias, y, rows, k, n, activation);
        Finish(y.Slice(0, rows * n), activation, residual, residualScale, activationDone: activation == KernelActivation.Relu);
    }

    /// <summary>The float kernel on a chosen path; tests force each path through here.</summary>
    /// <remarks>
    /// The kernels skip tier-0 (AggressiveOptimization): unoptimised SIMD code runs 10–50× slower, and on a busy
    /// machine the background tier-up can take seconds; dynamic PGO has nothing to add to these loops.
    /// </remarks>
    internal static void ForwardSingle(ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> paddedBias, Span<float> y, int k, int n,
        KernelActivation activation, ReadOnlySpan<float> residual, float residualScale, KernelPath path)
    {
        int rows = CheckShapes(x.Length, packedWeights.Length, paddedBias.Length, y.Length, residual.Length, k, n);
        if (rows == 0) return;
        // ReLU and the residual add run on the accumulators; tanh and sigmoid go through TensorPrimitives after.
        bool inRegisters = activation is KernelActivation.None or KernelActivation.Relu;
        var layer = new DenseLayer
        {
            X = ref MemoryMarshal.GetReference(x),
            W = ref MemoryMarshal.GetReference(packedWeights),
            Bias = ref MemoryMarshal.GetReference(paddedBias),
            HasBias = !paddedBias.IsEmpty,
            Y = ref MemoryMarshal.GetReference(y),
            // Without a residual the reference still points at valid memory; it is never read.
            Residual = ref residual.IsEmpty ? ref MemoryMarshal.GetReference(y) : ref MemoryMarshal.GetReference(residual),
            HasResidual = inRegisters && !residual.IsEmpty,
            Scale = residualScale,
            Relu = activation == KernelActivation.Relu,
            Rows = rows,
            K = k,
            N = n,
        };
        switch (path)
        {
            case KernelPath.Vector512: DenseKernel512.Forward(in layer); break;
            case KernelPath.Vector256: DenseKernel256.Forward(in layer); break;
            case KernelPath.Vector128: DenseKernel128.Forward(in layer); break;
            default: DenseKernelScalar.Forward(in layer); break;
        }
        if (inRegisters) return;
        var output = y.Slice(0, rows * n);
        if (activation == KernelActivation.Tanh) Activations.Tanh(output, output, path);
        else Activations.Sigmoid(output, output, path);
        // Multiply, then add (not fused): the same rounding as the in-register epilogue.
        if (!residual.IsEmpty) TensorPrimitives.MultiplyAdd(output, residualScale, residual.Slice(0, output.Length), output);
    }

    private static void Finish<T>(Span<T> y, KernelActivation activation, ReadOnlySpan<T> residual, T scale, bool activationDone) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!activationDone && activation != KernelActivation.None) VectorKernels.Activate<T>(y, y, activation);
        // Multiply, then add (not fused): the same rounding as the in-register epilogue.
        if (!residual.IsEmpty) TensorPrimitives.MultiplyAdd(y, scale, residual.Slice(0, y.Length), y);
    }

    /// <summary>Checks every length once, up front, because the kernels index through unchecked references.</summary>
    private static int CheckShapes(int x, int weights, int bias, int y, int residual, int k, int n)
    {
        if (k <= 0 || n <= 0) throw new ArgumentOutOfRangeException(k <= 0 ? nameof(k) : nameof(n), $"k = {k} and n = {n} must be positive");
        // One division per call (a row count check costs more than it seems at batch 1: an integer divide is ~15 cycles).
        int rows = x / k;
        if (rows * k != x) throw new ArgumentException($"x holds {x} values, not a whole number of rows of {k}", nameof(x));
        // Sizes in 64 bits: a product that wrapped in 32 would let a short span through to the unchecked kernels.
        long panels = ((long)n + PanelWidth - 1) / PanelWidth, packed = panels * PanelWidth * k, padded = panels * PanelWidth, outputs = (long)rows * n;
        if (weights < packed) throw new ArgumentException($"packed weights need {packed} values, got {weights}", nameof(weights));
        if (bias != 0 && bias < padded) throw new ArgumentException($"a padded bias needs {padded} values, got {bias}", nameof(bias));
        if (y < outputs) throw new ArgumentException($"y needs {outputs} values, got {y}", nameof(y));
        if (residual != 0 && residual < outputs) throw new ArgumentException($"the residual needs {outputs} values, got {residual}", nameof(residual));
        return rows;
    }
}

/// <summary>One dense layer call as the width-specific kernels see it: references checked by the caller.</summary>
internal ref struct DenseLayer
{
    public ref float X;
    public ref float W;
    public ref float Bias;
    public ref float Y;
    public ref float Residual;
    public bool HasBias;
    public bool HasResidual;
    public bool Relu;
    public float Scale;
    public int Rows;
    public int K;
    public int N;
}

/// <summary>Any element type, one row at a time, each panel accumulated through TensorPrimitives (the double path).</summary>
[SkipLocalsInit]
internal static class PortableKernel
{
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> bias, Span<T> y, int rows, int k, int n, KernelActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int P = DenseKernel.PanelWidth;
        Span<T> accumulators = stackalloc T[P];
        for (int r = 0; r < rows; r++)
        {
            var input = x.Slice(r * k, k);
            for (int panel = 0; panel < DenseKernel.PanelCount(n); panel++)
            {
                int column = panel * P;
                if (bias.IsEmpty) accumulators.Clear();
                else bias.Slice(column, P).CopyTo(accumulators);
                var weights = w.Slice(panel * k * P, k * P);
                for (int p = 0; p < k; p++)
                    TensorPrimitives.FusedMultiplyAdd(weights.Slice(p * P, P), input[p], accumulators, accumulators);
                int width = Math.Min(P, n - column);
                var output = y.Slice(r * n + column, width);
                for (int c = 0; c < width; c++)
                {
                    T v = accumulators[c];
                    // "v <= 0 ? 0 : v" keeps NaN (every comparison with NaN is false), as ONNX Runtime's Relu does.
                    output[c] = activation == KernelActivation.Relu && v <= T.Zero ? T.Zero : v;
                }
            }
        }
    }
}
