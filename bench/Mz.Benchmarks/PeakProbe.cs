using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mz.Benchmarks;

/// <summary>
/// Measures this machine's float32 multiply-add peak: 12 independent Vector512 FMA chains (enough to cover the
/// latency of two FMA pipes), on one thread and on two threads at once.
/// </summary>
public static class PeakProbe
{
    private const int Iterations = 4_000_000;
    private const double FlopsPerIteration = 12 * 2 * 16;

    /// <summary>GFLOP/s of one thread, best of <paramref name="samples"/>.</summary>
    public static double SingleThread(int samples)
    {
        Chains(Iterations / 10); // tier up
        double best = 0;
        for (int s = 0; s < samples; s++)
        {
            long start = Stopwatch.GetTimestamp();
            Chains(Iterations);
            best = Math.Max(best, Iterations * FlopsPerIteration / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
        }
        return best;
    }

    /// <summary>Combined GFLOP/s of <paramref name="threads"/> threads running the probe together, best of <paramref name="samples"/>.</summary>
    public static double Threads(int threads, int samples)
    {
        double best = 0;
        for (int s = 0; s < samples; s++)
        {
            using var barrier = new Barrier(threads + 1);
            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() => { barrier.SignalAndWait(); Chains(Iterations); })).ToList();
            workers.ForEach(w => w.Start());
            barrier.SignalAndWait();
            long start = Stopwatch.GetTimestamp();
            workers.ForEach(w => w.Join());
            best = Math.Max(best, threads * Iterations * FlopsPerIteration / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Chains(int iterations)
    {
        if (!Vector512.IsHardwareAccelerated) throw new PlatformNotSupportedException("the peak probe needs Vector512");
        var m = Vector512.Create(0.999999f);
        var a = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < iterations; i++)
        {
            c0 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(c0, m, a);
            c1 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(c1, m, a);
            c2 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(c2, m, a);
            c3 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(c3, m, a);
            c4 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(c4, m, a);
            c5 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(c5, m, a);
            c6 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(c6, m, a);
            c7 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(c7, m, a);
            c8 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(c8, m, a);
            c9 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(c9, m, a);
            c10 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(c10, m, a);
            c11 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(c11, m, a);
        }
        // Keep every chain alive.
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
