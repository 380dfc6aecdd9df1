using System;
using System.Threading.Tasks;

namespace Mz.Kernels;

/// <summary>
/// The opt-in multi-threaded batch: rows split into contiguous parts, one per thread, each part run by the
/// single-threaded batch code (every thread has its own scratch). Threads cost microseconds to wake, so generated
/// code only comes here for large batches, and only when the caller asks for more than one thread.
/// </summary>
public static class MzParallel
{
    /// <summary>Runs a range of rows: the single-threaded batch entry point of a generated network.</summary>
    public delegate void RowRunner<T>(ReadOnlySpan<T> inputs, Span<T> outputs);

    /// <summary>Splits the rows over at most <paramref name="maxThreads"/> threads; parts are multiples of 8 rows (the register tile).</summary>
    public static unsafe void ForRows<T>(ReadOnlySpan<T> inputs, Span<T> outputs, int inputSize, int outputSize, int maxThreads, RowRunner<T> run) where T : unmanaged
    {
        int rows = inputs.Length / inputSize;
        int parts = Math.Max(1, Math.Min(maxThreads, Math.Min(Environment.ProcessorCount, rows / 8)));
        if (parts == 1)
        {
            run(inputs, outputs);
            return;
        }
        int rowsPerPart = (rows / parts + 7) / 8 * 8;
        fixed (T* x = inputs)
        fixed (T* y = outputs)
        {
            // Addresses travel as integers: the spans are pinned until Parallel.For returns.
            nint inputAddress = (nint)x, outputAddress = (nint)y;
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
            {
                int start = part * rowsPerPart;
                int count = Math.Min(rowsPerPart, rows - start);
                if (count <= 0) return;
                run(new ReadOnlySpan<T>((T*)inputAddress + (long)start * inputSize, count * inputSize),
                    new Span<T>((T*)outputAddress + (long)start * outputSize, count * outputSize));
            });
        }
    }
}
