using System;
using Mz.Core.Ir;
using System.IO;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Mz.Kernels;

/// <summary>
/// Large weights of generated networks: the model file travels as an embedded resource, and the generated code
/// slices its float32 tensors at offsets fixed at build time into one 64-byte-aligned, pinned buffer, in the
/// layout each kernel reads. Generated code calls this once, from a type initializer (thread-safe, lazy).
/// </summary>
public static class MzWeightResource
{
    /// <summary>Alignment of the buffer start and of every slice the generator lays out: one cache line, one 512-bit vector.</summary>
    public const int AlignmentBytes = 64;

    /// <summary>Reads the manifest resource and checks it is the very model the code was generated from.</summary>
    /// <exception cref="InvalidDataException">The resource is missing, or its length or SHA-256 differs from the build's.</exception>
    public static byte[] Load(Assembly assembly, string resourceName, int expectedLength, string expectedSha256)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidDataException($"Mz: the weights resource '{resourceName}' is missing from {assembly.GetName().Name}; it is added by Mz.targets at build time.");
        if (stream.Length != expectedLength)
            throw new InvalidDataException($"Mz: the weights resource '{resourceName}' holds {stream.Length} bytes, but the code was generated from a model of {expectedLength} bytes.");
        var bytes = new byte[expectedLength];
        stream.ReadExactly(bytes);
        string hash = Convert.ToHexString(SHA256.HashData(bytes));
        if (!string.Equals(hash, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"Mz: the weights resource '{resourceName}' has SHA-256 {hash.ToLowerInvariant()}, but the code was generated from {expectedSha256}.");
        return bytes;
    }

    /// <summary>
    /// A pinned array holding at least <paramref name="length"/> elements from index <paramref name="start"/>, where
    /// the element at <paramref name="start"/> sits on a 64-byte boundary. Pinned, so the alignment holds for good.
    /// </summary>
    public static unsafe T[] AllocateAligned<T>(int length, out int start) where T : unmanaged
    {
        int slack = AlignmentBytes / sizeof(T);
        var array = GC.AllocateArray<T>(length + slack, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref array[0]);
        int misalignment = (int)(address % AlignmentBytes);
        start = misalignment == 0 ? 0 : (AlignmentBytes - misalignment) / sizeof(T);
        return array;
    }

    /// <summary>
    /// Packs the float32 matrix at <paramref name="offset"/> of <paramref name="model"/> into the dense kernel's panels
    /// (see <see cref="DenseKernel"/>). The matrix is [k, n], or [n, k] when <paramref name="transposed"/>; every value
    /// is multiplied by <paramref name="scale"/> in double, then rounded once, exactly as the build-time path does.
    /// </summary>
    public static void PackPanels<T>(ReadOnlySpan<byte> model, int offset, int k, int n, bool transposed, double scale, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.Length != DenseKernel.PackedLength(k, n)) throw new ArgumentException("destination does not fit the packed matrix", nameof(destination));
        destination.Clear();
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++)
                destination[PanelLayout.PackedIndex(k, p, j)] = Value<T>(model, offset, transposed ? j * k + p : p * n + j, scale);
    }

    /// <summary>Reads a bias (or a scalar broadcast to <paramref name="n"/> values) from the model bytes, scaled, into a zero-padded panel-length destination.</summary>
    public static void PadBias<T>(ReadOnlySpan<byte> model, int offset, int count, int n, double scale, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.Length != DenseKernel.PaddedLength(n)) throw new ArgumentException("destination does not fit the padded bias", nameof(destination));
        destination.Clear();
        for (int j = 0; j < n; j++) destination[j] = Value<T>(model, offset, count == 1 ? 0 : j, scale);
    }

    private static T Value<T>(ReadOnlySpan<byte> model, int offset, int index, double scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        float raw = BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(model.Slice(offset + 4 * index, 4)));
        // Scale 1 must not touch the bits (a NaN payload, -0): only multiply when there is something to scale.
        return scale == 1.0 ? T.CreateTruncating(raw) : T.CreateTruncating((double)raw * scale);
    }
}
