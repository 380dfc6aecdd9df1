using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mz.Kernels;

/// <summary>
/// Vectorised float tanh and sigmoid, written once over <see cref="IFloatLanes{TVector}"/>. TensorPrimitives' float
/// tanh loses nearly all precision near zero (it computes (e^2x − 1) / (e^2x + 1)), so Mz uses its own. Documented
/// bound: at most 3 ulp from the float64 result (ActivationAccuracyTests measures 2·10^5 inputs of magnitude 10^-6 to
/// 2·10^2, both signs, plus zeros, infinities, extremes and NaN, on every path, and enforces the bound). The polynomial
/// steps are fused multiply-adds where the hardware has FMA, the same on every width, so every width and the tails
/// produce identical bits.
/// </summary>
[SkipLocalsInit]
internal static class Activations
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693145751953125f;
    private const float Ln2Low = 1.42860682030941723212e-6f;
    private const float RoundingShift = 12582912f; // 1.5·2^23

    public static void Tanh(ReadOnlySpan<float> x, Span<float> y, KernelPath path)
    {
        switch (path)
        {
            case KernelPath.Vector512: Apply<Vector512<float>, Lanes512, TanhFunction>(x, y); break;
            case KernelPath.Vector256: Apply<Vector256<float>, Lanes256, TanhFunction>(x, y); break;
            case KernelPath.Vector128: Apply<Vector128<float>, Lanes128, TanhFunction>(x, y); break;
            default: Apply<float, LanesScalar, TanhFunction>(x, y); break;
        }
    }

    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y, KernelPath path)
    {
        switch (path)
        {
            case KernelPath.Vector512: Apply<Vector512<float>, Lanes512, SigmoidFunction>(x, y); break;
            case KernelPath.Vector256: Apply<Vector256<float>, Lanes256, SigmoidFunction>(x, y); break;
            case KernelPath.Vector128: Apply<Vector128<float>, Lanes128, SigmoidFunction>(x, y); break;
            default: Apply<float, LanesScalar, SigmoidFunction>(x, y); break;
        }
    }

    /// <summary>A kernel activation on one vector of lanes (the kernels' in-register epilogue).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Activate<TVector, TLanes>(TVector value, KernelActivation activation)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector> => activation switch
        {
            KernelActivation.Relu => TLanes.ClearNonPositive(value),
            KernelActivation.Tanh => Tanh<TVector, TLanes>(value),
            KernelActivation.Sigmoid => Sigmoid<TVector, TLanes>(value),
            _ => value,
        };

    /// <summary>
    /// tanh|x| = −E / (2 + E) with E = e^(−2|x|) − 1 ∈ (−1, 0]: nothing cancels for any |x|, so one formula serves small
    /// and large arguments. E = u + (2^n − 1) with u = 2^n·(e^r − 1) exact, so the numerator E and the denominator
    /// (2^n + 1) + u are each rounded once from exact parts (their errors stay independent; rounding E first and reusing
    /// it in both would double its error's effect). |x| is capped at 10, where tanh rounds to 1; the sign goes back on
    /// last and NaN passes through.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Tanh<TVector, TLanes>(TVector x)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        var a = TLanes.Min(TLanes.Abs(x), TLanes.Broadcast(10f));
        var u = ScaledExpMinusOne<TVector, TLanes>(TLanes.Multiply(TLanes.Broadcast(-2f), a), out var scale);
        var one = TLanes.Broadcast(1f);
        var e = TLanes.Add(u, TLanes.Subtract(scale, one));
        var magnitude = TLanes.Abs(TLanes.Divide(e, TLanes.Add(TLanes.Add(scale, one), u)));
        return TLanes.KeepNaN(x, TLanes.CopySign(magnitude, x));
    }

    /// <summary>
    /// t = e^(−|x|) ≤ 1; sigmoid = 1 / (1 + t) for x ≥ 0 and t / (1 + t) for x &lt; 0, so neither side overflows or cancels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Sigmoid<TVector, TLanes>(TVector x)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        var t = ExpNonPositive<TVector, TLanes>(TLanes.Subtract(TLanes.Broadcast(0f), TLanes.Min(TLanes.Abs(x), TLanes.Broadcast(104f))));
        var one = TLanes.Broadcast(1f);
        var result = TLanes.Divide(TLanes.SelectNegative(x, t, one), TLanes.Add(one, t));
        return TLanes.KeepNaN(x, result);
    }

    /// <summary>y = n·ln 2 + r with n integral and |r| ≤ ln 2 / 2 (Cody–Waite: n·Ln2High is exact, so r carries one rounding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Reduce<TVector, TLanes>(TVector y, out TVector r)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        // Round y / ln 2 to an integer by adding and removing 1.5·2^23.
        var shift = TLanes.Broadcast(RoundingShift);
        var n = TLanes.Subtract(TLanes.MultiplyAdd(y, TLanes.Broadcast(Log2E), shift), shift);
        var negative = TLanes.Subtract(TLanes.Broadcast(0f), n);
        r = TLanes.MultiplyAdd(negative, TLanes.Broadcast(Ln2Low), TLanes.MultiplyAdd(negative, TLanes.Broadcast(Ln2High), y));
        return n;
    }

    /// <summary>
    /// The parts of e^y − 1 = 2^n·(e^r − 1) + (2^n − 1) for −20 ≤ y ≤ 0: returns 2^n·(e^r − 1) (exact scaling of
    /// e^r − 1 = r + r²·P(r), the Taylor terms to r^8, below 2^-30 relative for |r| ≤ ln 2 / 2) and 2^n in
    /// <paramref name="scale"/> (n ≥ −29: a normal float, and 2^n ± 1 are exact or round once).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ScaledExpMinusOne<TVector, TLanes>(TVector y, out TVector scale)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        var n = Reduce<TVector, TLanes>(y, out var r);
        var p = TLanes.Broadcast(1f / 40320f);
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(1f / 5040f));
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(1f / 720f));
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(1f / 120f));
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(1f / 24f));
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(1f / 6f));
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(0.5f));
        scale = TLanes.Pow2(n);
        return TLanes.Multiply(scale, TLanes.MultiplyAdd(TLanes.Multiply(r, r), p, r));
    }

    /// <summary>e^y for −104 ≤ y ≤ 0: a degree-7 Taylor polynomial for e^r, then 2^n in two factors so subnormal results round once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ExpNonPositive<TVector, TLanes>(TVector y)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        var n = Reduce<TVector, TLanes>(y, out var r);
        var one = TLanes.Broadcast(1f);
        var p = TLanes.Broadcast(1f / 5040f);
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(1f / 720f));
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(1f / 120f));
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(1f / 24f));
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(1f / 6f));
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(0.5f));
        p = TLanes.MultiplyAdd(p, r, one);
        p = TLanes.MultiplyAdd(p, r, one);
        // n ≥ −151: half of it (rounded) and the rest are each within the normal exponents.
        var shift = TLanes.Broadcast(RoundingShift);
        var half = TLanes.Subtract(TLanes.MultiplyAdd(n, TLanes.Broadcast(0.5f), shift), shift);
        return TLanes.Multiply(TLanes.Multiply(p, TLanes.Pow2(half)), TLanes.Pow2(TLanes.Subtract(n, half)));
    }

    /// <summary>An activation over a span: whole vectors, then the tail through a full vector on the stack (the lanes' exact arithmetic).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Apply<TVector, TLanes, TFunction>(ReadOnlySpan<float> x, Span<float> y)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
        where TFunction : struct, IActivationFunction
    {
        int count = TLanes.Count, i = 0;
        ref float source = ref MemoryMarshal.GetReference(x);
        ref float target = ref MemoryMarshal.GetReference(y);
        for (; i + count <= x.Length; i += count)
            TLanes.Store(TFunction.Apply<TVector, TLanes>(TLanes.Load(ref source, (nuint)i)), ref target, (nuint)i);
        if (i == x.Length) return;
        Span<float> lanes = stackalloc float[count];
        lanes.Clear();
        x.Slice(i).CopyTo(lanes);
        ref float tail = ref MemoryMarshal.GetReference(lanes);
        TLanes.Store(TFunction.Apply<TVector, TLanes>(TLanes.Load(ref tail, 0)), ref tail, 0);
        lanes.Slice(0, x.Length - i).CopyTo(y.Slice(i));
    }

    /// <summary>One activation as a type, so <see cref="Apply{TVector, TLanes, TFunction}"/> is compiled once per function and width.</summary>
    private interface IActivationFunction
    {
        static abstract TVector Apply<TVector, TLanes>(TVector x)
            where TVector : struct
            where TLanes : struct, IFloatLanes<TVector>;
    }

    private struct TanhFunction : IActivationFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Apply<TVector, TLanes>(TVector x) where TVector : struct where TLanes : struct, IFloatLanes<TVector> => Tanh<TVector, TLanes>(x);
    }

    private struct SigmoidFunction : IActivationFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Apply<TVector, TLanes>(TVector x) where TVector : struct where TLanes : struct, IFloatLanes<TVector> => Sigmoid<TVector, TLanes>(x);
    }
}
