using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mz.Benchmarks;

/// <summary>
/// Measures how fast one thread reads a block of floats that is read again and again, as batch-1 inference reads its
/// weights on every call: a block above the L1 data cache comes from L2 each time, which bounds a batch-1 call from
/// below by (weight bytes) / (this bandwidth), whatever the kernel does.
/// </summary>
public static unsafe class CacheProbe
{
    /// <summary>GB/s of repeated reads over <paramref name="kilobytes"/> KiB (64-byte aligned, 8 independent sums), best of several blocks.</summary>
    public static double ReadBandwidth(int kilobytes)
    {
        int floats = kilobytes * 1024 / sizeof(float);
        float* block = (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);
        try
        {
            for (int i = 0; i < floats; i++) block[i] = i % 7;
            int reps = Math.Max(1, 200_000 / kilobytes);
            Sum(block, floats); // tier up
            double best = 0;
            for (int sample = 0; sample < 7; sample++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int r = 0; r < reps; r++) Sum(block, floats);
                best = Math.Max(best, (double)floats * sizeof(float) * reps / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
            }
            return best;
        }
        finally
        {
            NativeMemory.AlignedFree(block);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Sum(float* block, int floats)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int i = 0; i + 128 <= floats; i += 128)
        {
            a0 += Vector512.Load(block + i);
            a1 += Vector512.Load(block + i + 16);
            a2 += Vector512.Load(block + i + 32);
            a3 += Vector512.Load(block + i + 48);
            a4 += Vector512.Load(block + i + 64);
            a5 += Vector512.Load(block + i + 80);
            a6 += Vector512.Load(block + i + 96);
            a7 += Vector512.Load(block + i + 112);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }
}
