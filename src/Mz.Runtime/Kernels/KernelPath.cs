using System.Runtime.Intrinsics;

namespace Mz.Kernels;

/// <summary>The instruction width a kernel runs with. Public entry points pick <see cref="KernelPaths.Best"/>; tests force the others.</summary>
internal enum KernelPath
{
    Scalar,
    Vector128,
    Vector256,
    Vector512,
}

internal static class KernelPaths
{
    /// <summary>
    /// The widest accelerated width. A static readonly field: tiered compilation folds it into a constant, so
    /// the dispatch in each kernel disappears from optimised code.
    /// </summary>
    public static readonly KernelPath Best =
        Vector512.IsHardwareAccelerated ? KernelPath.Vector512
        : Vector256.IsHardwareAccelerated ? KernelPath.Vector256
        : Vector128.IsHardwareAccelerated ? KernelPath.Vector128
        : KernelPath.Scalar;

    /// <summary>Whether this process can run <paramref name="path"/>.</summary>
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Vector512 => Vector512.IsHardwareAccelerated,
        KernelPath.Vector256 => Vector256.IsHardwareAccelerated,
        KernelPath.Vector128 => Vector128.IsHardwareAccelerated,
        _ => true,
    };
}
