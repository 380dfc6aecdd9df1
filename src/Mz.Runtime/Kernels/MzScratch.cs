using System;

namespace Mz.Kernels;

/// <summary>
/// Per-thread scratch memory for generated code: grown on demand, then reused, so steady-state inference
/// allocates nothing and threads never share buffers.
/// </summary>
public static class MzScratch<T>
{
    [ThreadStatic] private static T[]? _buffer;

    /// <summary>A span of at least <paramref name="length"/> elements, valid until the next call on this thread.</summary>
    public static Span<T> Rent(int length)
    {
        var buffer = _buffer;
        if (buffer == null || buffer.Length < length)
        {
            buffer = new T[Math.Max(length, 64)];
            _buffer = buffer;
        }
        return buffer.AsSpan(0, length);
    }
}
