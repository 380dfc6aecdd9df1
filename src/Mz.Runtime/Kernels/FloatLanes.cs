using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mz.Kernels;

/// <summary>
/// The operations a kernel written once needs from one vector width (Min and the float-to-int conversion are the
/// instructions' native forms: callers never pass NaN or out-of-range values through them). A kernel generic over a struct implementing
/// this is compiled separately for each width (the JIT specialises generics over value types and inlines the static
/// calls), so one body serves the 512-, 256- and 128-bit paths and the scalar one without a dispatch per operation.
/// </summary>
internal interface IFloatLanes<TVector> where TVector : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Load(ref float source, nuint offset);

    static abstract void Store(TVector value, ref float target, nuint offset);

    /// <summary>
    /// Stores the first <paramref name="count"/> lanes (0 &lt; count &lt; Count) and leaves the memory after them alone:
    /// a masked store where the hardware has a fast one, else through <paramref name="spill"/> (Count floats of scratch).
    /// </summary>
    static abstract void StoreFirst(TVector value, ref float target, int count, ref float spill);

    static abstract TVector Broadcast(float value);

    /// <summary>a · b + c, fused where the hardware has FMA (every path then rounds identically).</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Divide(TVector a, TVector b);

    static abstract TVector Abs(TVector value);

    static abstract TVector Min(TVector a, TVector b);

    /// <summary>0 where a lane is ≤ 0, the lane otherwise: ReLU, NaN passing through (it compares false), as in ONNX Runtime.</summary>
    static abstract TVector ClearNonPositive(TVector value);

    /// <summary><paramref name="ifNegative"/> where <paramref name="value"/> &lt; 0, else <paramref name="otherwise"/>.</summary>
    static abstract TVector SelectNegative(TVector value, TVector ifNegative, TVector otherwise);

    /// <summary><paramref name="magnitude"/> (non-negative) with the sign bit of <paramref name="sign"/>.</summary>
    static abstract TVector CopySign(TVector magnitude, TVector sign);

    /// <summary><paramref name="result"/> where <paramref name="x"/> is a number, <paramref name="x"/> where it is NaN.</summary>
    static abstract TVector KeepNaN(TVector x, TVector result);

    /// <summary>2^n for integral n in [−126, 127], built from the exponent bits (exact).</summary>
    static abstract TVector Pow2(TVector n);
}

internal struct Lanes512 : IFloatLanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float target, nuint offset) => value.StoreUnsafe(ref target, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreFirst(Vector512<float> value, ref float target, int count, ref float spill)
    {
#if NET9_0_OR_GREATER
        if (Avx512F.IsSupported)
        {
            // One masked vmovups: the lanes at or past count are not written (and cannot fault).
            var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
            fixed (float* address = &target) Avx512F.MaskStore(address, mask, value);
            return;
        }
#endif
        LaneSpill.StoreFirst<Vector512<float>, Lanes512>(value, ref target, count, ref spill);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Avx512F.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Abs(Vector512<float> value) => Vector512.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) =>
#if NET9_0_OR_GREATER
        Vector512.MinNative(a, b);
#else
        Vector512.Min(a, b);
#endif

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ClearNonPositive(Vector512<float> value) => Vector512.AndNot(value, Vector512.LessThanOrEqual(value, Vector512<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectNegative(Vector512<float> value, Vector512<float> ifNegative, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(Vector512.LessThan(value, Vector512<float>.Zero), ifNegative, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> CopySign(Vector512<float> magnitude, Vector512<float> sign) => magnitude | (sign & Vector512.Create(-0f));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> KeepNaN(Vector512<float> x, Vector512<float> result) => Vector512.ConditionalSelect(Vector512.Equals(x, x), result, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Pow2(Vector512<float> n) =>
#if NET9_0_OR_GREATER
        Vector512.ShiftLeft(Vector512.ConvertToInt32Native(n) + Vector512.Create(127), 23).AsSingle();
#else
        Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
#endif
}

internal struct Lanes256 : IFloatLanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float target, nuint offset) => value.StoreUnsafe(ref target, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(Vector256<float> value, ref float target, int count, ref float spill) =>
        LaneSpill.StoreFirst<Vector256<float>, Lanes256>(value, ref target, count, ref spill);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Abs(Vector256<float> value) => Vector256.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) =>
#if NET9_0_OR_GREATER
        Vector256.MinNative(a, b);
#else
        Vector256.Min(a, b);
#endif

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ClearNonPositive(Vector256<float> value) => Vector256.AndNot(value, Vector256.LessThanOrEqual(value, Vector256<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectNegative(Vector256<float> value, Vector256<float> ifNegative, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(Vector256.LessThan(value, Vector256<float>.Zero), ifNegative, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> CopySign(Vector256<float> magnitude, Vector256<float> sign) => magnitude | (sign & Vector256.Create(-0f));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> KeepNaN(Vector256<float> x, Vector256<float> result) => Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Pow2(Vector256<float> n) =>
#if NET9_0_OR_GREATER
        Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();
#else
        Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
#endif
}

internal struct Lanes128 : IFloatLanes<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float target, nuint offset) => value.StoreUnsafe(ref target, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(Vector128<float> value, ref float target, int count, ref float spill) =>
        LaneSpill.StoreFirst<Vector128<float>, Lanes128>(value, ref target, count, ref spill);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c)
    {
        if (Fma.IsSupported) return Fma.MultiplyAdd(a, b, c);
        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) return System.Runtime.Intrinsics.Arm.AdvSimd.FusedMultiplyAdd(c, a, b);
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Abs(Vector128<float> value) => Vector128.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) =>
#if NET9_0_OR_GREATER
        Vector128.MinNative(a, b);
#else
        Vector128.Min(a, b);
#endif

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ClearNonPositive(Vector128<float> value) => Vector128.AndNot(value, Vector128.LessThanOrEqual(value, Vector128<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SelectNegative(Vector128<float> value, Vector128<float> ifNegative, Vector128<float> otherwise) =>
        Vector128.ConditionalSelect(Vector128.LessThan(value, Vector128<float>.Zero), ifNegative, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> CopySign(Vector128<float> magnitude, Vector128<float> sign) => magnitude | (sign & Vector128.Create(-0f));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> KeepNaN(Vector128<float> x, Vector128<float> result) => Vector128.ConditionalSelect(Vector128.Equals(x, x), result, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Pow2(Vector128<float> n) =>
#if NET9_0_OR_GREATER
        Vector128.ShiftLeft(Vector128.ConvertToInt32Native(n) + Vector128.Create(127), 23).AsSingle();
#else
        Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();
#endif
}

/// <summary>One float per "vector": the path without SIMD, with the same (fused) rounding as the vector paths.</summary>
internal struct LanesScalar : IFloatLanes<float>
{
    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float target, nuint offset) => Unsafe.Add(ref target, offset) = value;

    /// <summary>Never called: a one-lane vector has no partial group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(float value, ref float target, int count, ref float spill) => target = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => System.MathF.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Subtract(float a, float b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Divide(float a, float b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Abs(float value) => System.MathF.Abs(value);

    // The vector instruction's rule (the second operand when either is NaN), so the scalar lanes match the vector ones.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Min(float a, float b) => a < b ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ClearNonPositive(float value) => value <= 0f ? 0f : value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SelectNegative(float value, float ifNegative, float otherwise) => value < 0f ? ifNegative : otherwise;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CopySign(float magnitude, float sign) =>
        BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(magnitude) | (BitConverter.SingleToInt32Bits(sign) & int.MinValue));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float KeepNaN(float x, float result) => float.IsNaN(x) ? x : result;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Pow2(float n) => BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
}

/// <summary>The portable partial store: the whole vector to scratch, then the wanted lanes one by one.</summary>
internal static class LaneSpill
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst<TVector, TLanes>(TVector value, ref float target, int count, ref float spill)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        TLanes.Store(value, ref spill, 0);
        for (int i = 0; i < count; i++) Unsafe.Add(ref target, i) = Unsafe.Add(ref spill, i);
    }
}
