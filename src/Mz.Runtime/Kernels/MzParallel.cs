using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Mz.Kernels;

/// <summary>
/// The multi-threaded batch: the rows are cut into a few chunks (whole 8-row register tiles), and the calling thread
/// and up to maxThreads − 1 thread-pool helpers take chunks until none is left, each chunk run by the
/// single-threaded batch code (every thread has its own scratch). Results are bit-identical to one thread: every row
/// is computed by the same code, only elsewhere.
/// </summary>
/// <remarks>
/// The caller never waits for a helper to wake up: it starts on the first chunk at once and, when no chunk is left,
/// only waits for chunks a helper has already taken. A helper that starts late (its core is busy) finds nothing to do,
/// so a loaded machine degrades to single-thread speed rather than below it. Several chunks per thread, rather than
/// one half each, let the faster thread take more when the two cores run at different speeds.
/// </remarks>
public static class MzParallel
{
    /// <summary>Runs a range of rows: the single-threaded batch entry point of a generated network.</summary>
    public delegate void RowRunner<T>(ReadOnlySpan<T> inputs, Span<T> outputs);

    /// <summary>Rows below which a chunk is not worth a thread: every chunk streams the whole weight set once.</summary>
    public const int MinRowsPerChunk = 32;

    /// <summary>
    /// Chunks per thread: two let the faster thread take a third of the other's share, while each chunk still reuses
    /// every weight panel over many row tiles (a chunk streams the whole weight set once; at batch 256 and two
    /// threads a chunk is 64 rows).
    /// </summary>
    private const int ChunksPerThread = 2;

    /// <summary>
    /// Runs <paramref name="run"/> over the rows of <paramref name="inputs"/> on up to <paramref name="maxThreads"/>
    /// threads (the caller's included, never more than <see cref="Environment.ProcessorCount"/>). Lengths must already
    /// be checked: whole rows of <paramref name="inputSize"/> in, the matching rows of <paramref name="outputSize"/> out.
    /// </summary>
    public static unsafe void ForRows<T>(ReadOnlySpan<T> inputs, Span<T> outputs, int inputSize, int outputSize, int maxThreads, RowRunner<T> run) where T : unmanaged
    {
        int rows = inputs.Length / inputSize;
        int threads = Math.Min(Math.Min(maxThreads, Environment.ProcessorCount), rows / MinRowsPerChunk);
        if (threads <= 1)
        {
            run(inputs, outputs);
            return;
        }
        int chunks = Math.Min(threads * ChunksPerThread, rows / MinRowsPerChunk);
        // Chunk boundaries fall on whole 8-row tiles, so every chunk but the last runs the full register tile.
        int rowsPerChunk = (rows + chunks - 1) / chunks;
        rowsPerChunk = (rowsPerChunk + 7) / 8 * 8;
        chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        fixed (T* x = inputs)
        fixed (T* y = outputs)
        {
            // One object per call: a helper that wakes after the call has returned may still read it (and finds no chunk).
            var work = new ChunkedRows<T>((nint)x, (nint)y, rows, inputSize, outputSize, rowsPerChunk, chunks, run);
            for (int helper = 1; helper < Math.Min(threads, chunks); helper++)
                ThreadPool.UnsafeQueueUserWorkItem(work, preferLocal: false);
            work.TakeChunks();
            // The spans stay pinned until every chunk is finished or skipped.
            work.WaitForAllChunks();
            work.RethrowFailure();
        }
    }

    /// <summary>The shared state of one parallel call: chunks are taken by an atomic counter and counted when done.</summary>
    private sealed class ChunkedRows<T> : IThreadPoolWorkItem where T : unmanaged
    {
        private readonly nint _inputs;
        private readonly nint _outputs;
        private readonly int _rows;
        private readonly int _inputSize;
        private readonly int _outputSize;
        private readonly int _rowsPerChunk;
        private readonly int _chunks;
        private readonly RowRunner<T> _run;
        private int _nextChunk = -1;
        private int _finishedChunks;
        private ExceptionDispatchInfo? _failure;

        public ChunkedRows(nint inputs, nint outputs, int rows, int inputSize, int outputSize, int rowsPerChunk, int chunks, RowRunner<T> run)
        {
            _inputs = inputs;
            _outputs = outputs;
            _rows = rows;
            _inputSize = inputSize;
            _outputSize = outputSize;
            _rowsPerChunk = rowsPerChunk;
            _chunks = chunks;
            _run = run;
        }

        /// <summary>
        /// Takes chunks until none is left. A chunk that throws is recorded, not rethrown, and every later chunk is
        /// skipped but still counted, so the caller's wait always ends and the first failure reaches the caller.
        /// </summary>
        public unsafe void TakeChunks()
        {
            int chunk;
            while ((chunk = Interlocked.Increment(ref _nextChunk)) < _chunks)
            {
                try
                {
                    if (Volatile.Read(ref _failure) != null) continue;
                    int start = chunk * _rowsPerChunk;
                    int count = Math.Min(_rowsPerChunk, _rows - start);
                    _run(new ReadOnlySpan<T>((T*)_inputs + (long)start * _inputSize, count * _inputSize),
                        new Span<T>((T*)_outputs + (long)start * _outputSize, count * _outputSize));
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
                }
                finally
                {
                    Interlocked.Increment(ref _finishedChunks);
                }
            }
        }

        /// <summary>A helper's entry point.</summary>
        void IThreadPoolWorkItem.Execute() => TakeChunks();

        /// <summary>Throws, on the calling thread, what the first failing chunk threw, on whichever thread it ran.</summary>
        public void RethrowFailure() => _failure?.Throw();

        /// <summary>
        /// Waits until every chunk is finished or skipped; once the caller has found no chunk left, that is at most the
        /// chunks still running on helpers. Yields rather than sleeps, so the wait ends as soon as the helper does, and
        /// a busy core gets the time meanwhile.
        /// </summary>
        public void WaitForAllChunks()
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _finishedChunks) < _chunks) spin.SpinOnce(sleep1Threshold: -1);
        }
    }
}
