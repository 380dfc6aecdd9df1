using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mz.Kernels;

/// <summary>
/// The operations a kernel written once needs from one vector width. A kernel generic over a struct implementing
/// this is compiled separately for each width (the JIT specialises generics over value types and inlines the static
/// calls), so one body serves the 512-, 256- and 128-bit paths and the scalar one without a dispatch per operation.
/// </summary>
internal interface IFloatLanes<TVector> where TVector : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Load(ref float source, nuint offset);

    static abstract void Store(TVector value, ref float target, nuint offset);

    static abstract TVector Broadcast(float value);

    /// <summary>a · b + c, fused where the hardware has FMA (every path then rounds identically).</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    static abstract TVector Add(TVector a, TVector b);

    /// <summary>The activation of each lane: ReLU keeps NaN, tanh and sigmoid are <see cref="Activations"/>' (identical bits on every width).</summary>
    static abstract TVector Activate(TVector value, KernelActivation activation);
}

internal struct Lanes512 : IFloatLanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float target, nuint offset) => value.StoreUnsafe(ref target, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Avx512F.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Activate(Vector512<float> value, KernelActivation activation) => activation switch
    {
        KernelActivation.Relu => Vector512.AndNot(value, Vector512.LessThanOrEqual(value, Vector512<float>.Zero)),
        KernelActivation.Tanh => Activations.Tanh(value),
        KernelActivation.Sigmoid => Activations.Sigmoid(value),
        _ => value,
    };
}

internal struct Lanes256 : IFloatLanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float target, nuint offset) => value.StoreUnsafe(ref target, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Activate(Vector256<float> value, KernelActivation activation) => activation switch
    {
        KernelActivation.Relu => Vector256.AndNot(value, Vector256.LessThanOrEqual(value, Vector256<float>.Zero)),
        KernelActivation.Tanh => Activations.Tanh(value),
        KernelActivation.Sigmoid => Activations.Sigmoid(value),
        _ => value,
    };
}

internal struct Lanes128 : IFloatLanes<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float target, nuint offset) => value.StoreUnsafe(ref target, offset);

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
    public static Vector128<float> Activate(Vector128<float> value, KernelActivation activation) => activation switch
    {
        KernelActivation.Relu => Vector128.AndNot(value, Vector128.LessThanOrEqual(value, Vector128<float>.Zero)),
        KernelActivation.Tanh => Activations.Tanh(value),
        KernelActivation.Sigmoid => Activations.Sigmoid(value),
        _ => value,
    };
}

/// <summary>One float per "vector": the path without SIMD, with the same (fused) rounding as the vector paths.</summary>
internal struct LanesScalar : IFloatLanes<float>
{
    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float target, nuint offset) => Unsafe.Add(ref target, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => System.MathF.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Activate(float value, KernelActivation activation) => activation switch
    {
        // NaN compares false and passes through, as in ONNX Runtime.
        KernelActivation.Relu => value <= 0f ? 0f : value,
        KernelActivation.Tanh => Activations.Tanh(Vector128.Create(value)).ToScalar(),
        KernelActivation.Sigmoid => Activations.Sigmoid(Vector128.Create(value)).ToScalar(),
        _ => value,
    };
}
