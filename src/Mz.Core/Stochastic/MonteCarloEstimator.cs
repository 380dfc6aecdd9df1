using System;
using System.Threading.Tasks;

namespace Mz.Core.Stochastic;

/// <summary>
/// Nested Monte Carlo for E[y|x] and Var[y|x] (the reference estimator of MZ.md §5.10): S noisy passes from the
/// same input. Samples run in fixed-size batches, each with its own noise stream (seed, batch index), and the
/// batch statistics are merged in batch order, so the result depends only on the seed and S, never on the
/// number of threads.
/// </summary>
public sealed class MonteCarloEstimator
{
    public const int BatchSize = 4096;

    private readonly NoisyForwardPass _pass;

    public MonteCarloEstimator(NoisyForwardPass pass) { _pass = pass; }

    /// <summary>Estimates the output mean and variance at <paramref name="input"/> from <paramref name="samples"/> passes; <paramref name="seed"/> fixes the draws and <paramref name="maxParallelism"/> (threads; 1 = calling thread, −1 = one per processor) never changes them.</summary>
    public MonteCarloEstimate Estimate(double[] input, long samples, ulong seed, int maxParallelism = 1)
    {
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), "at least 2 samples are needed for a variance");
        if (maxParallelism == 0 || maxParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxParallelism), maxParallelism, "at least 1 thread, or -1 for one per processor");
        if (input.Length != _pass.Stack.InputWidth) throw new ArgumentException($"the network takes {_pass.Stack.InputWidth} inputs, got {input.Length}");
        int outputs = _pass.Stack.Readout.Outputs;
        int batches = (int)((samples + BatchSize - 1) / BatchSize);
        var counts = new long[batches];
        var means = new double[batches * outputs];
        var squares = new double[batches * outputs];

        void RunBatch(int batch)
        {
            int count = (int)Math.Min(BatchSize, samples - (long)batch * BatchSize);
            var source = new GaussianNoiseSource(seed, (ulong)batch);
            var y = new double[count * outputs];
            _pass.RunBatch(input, count, source, y);
            var mean = new double[outputs];
            var m2 = new double[outputs];
            for (int s = 0; s < count; s++)
            {
                for (int i = 0; i < outputs; i++)
                {
                    // Welford update: stable when the variance is tiny relative to the mean.
                    double value = y[s * outputs + i];
                    double delta = value - mean[i];
                    mean[i] += delta / (s + 1);
                    m2[i] += delta * (value - mean[i]);
                }
            }
            counts[batch] = count;
            Array.Copy(mean, 0, means, batch * outputs, outputs);
            Array.Copy(m2, 0, squares, batch * outputs, outputs);
        }

        if (maxParallelism == 1) for (int b = 0; b < batches; b++) RunBatch(b);
        else Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism }, RunBatch);

        var totalMean = new double[outputs];
        var totalM2 = new double[outputs];
        long total = 0;
        for (int b = 0; b < batches; b++)
        {
            long combined = total + counts[b];
            for (int i = 0; i < outputs; i++)
            {
                // Chan et al. pairwise merge of (count, mean, M2).
                double delta = means[b * outputs + i] - totalMean[i];
                totalMean[i] += delta * counts[b] / combined;
                totalM2[i] += squares[b * outputs + i] + delta * delta * total * counts[b] / combined;
            }
            total = combined;
        }
        var variance = new double[outputs];
        for (int i = 0; i < outputs; i++) variance[i] = totalM2[i] / (total - 1);
        return new MonteCarloEstimate(totalMean, variance, total);
    }
}
