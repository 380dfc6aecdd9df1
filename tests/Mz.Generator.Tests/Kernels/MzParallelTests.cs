using Mz.Kernels;
using Xunit;

namespace Mz.Tests.Kernels;

/// <summary>The chunked parallel row loop: every row exactly once, chunks on whole 8-row tiles, any thread count.</summary>
public sealed class MzParallelTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(31, 2)]
    [InlineData(64, 2)]
    [InlineData(257, 2)]
    [InlineData(1000, 3)]
    [InlineData(4099, 64)]
    public void EveryRowIsRunExactlyOnceInWholeTiles(int rows, int maxThreads)
    {
        const int inputSize = 3, outputSize = 2;
        var x = new float[rows * inputSize];
        for (int i = 0; i < x.Length; i++) x[i] = i;
        var y = new float[rows * outputSize];
        var chunkLengths = new System.Collections.Concurrent.ConcurrentBag<int>();
        MzParallel.ForRows<float>(x, y, inputSize, outputSize, maxThreads, (inputs, outputs) =>
        {
            chunkLengths.Add(inputs.Length / inputSize);
            for (int r = 0; r < inputs.Length / inputSize; r++)
            {
                // A distinct value per row, and += so a row run twice would show.
                outputs[r * outputSize] += inputs[r * inputSize];
                outputs[r * outputSize + 1] += 1;
            }
        });
        for (int r = 0; r < rows; r++)
        {
            Assert.Equal(r * inputSize, y[r * outputSize]);
            Assert.Equal(1, y[r * outputSize + 1]);
        }
        Assert.Equal(rows, chunkLengths.Sum());
        // All chunks but the last are whole multiples of the 8-row register tile.
        Assert.True(chunkLengths.Count(length => length % 8 != 0) <= 1, string.Join(", ", chunkLengths));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(128)]
    [InlineData(192)]
    public void AChunkThatThrowsReachesTheCallerAfterEveryChunkStopped(int failingRow)
    {
        // Whichever thread runs the failing chunk, the exception comes out of ForRows on the calling thread, and
        // only once nothing runs on the (then unpinned) spans any more.
        const int rows = 256;
        var x = new float[rows];
        for (int i = 0; i < rows; i++) x[i] = i;
        var y = new float[rows];
        int running = 0;
        var e = Assert.Throws<InvalidOperationException>(() => MzParallel.ForRows<float>(x, y, 1, 1, 2, (inputs, outputs) =>
        {
            Interlocked.Increment(ref running);
            try
            {
                if (inputs[0] <= failingRow && failingRow < inputs[0] + inputs.Length) throw new InvalidOperationException("row " + failingRow);
                Thread.Sleep(5);
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }));
        Assert.Equal("row " + failingRow, e.Message);
        Assert.Equal(0, Volatile.Read(ref running));
    }
}
