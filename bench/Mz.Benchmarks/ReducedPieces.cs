using System.Diagnostics;
using System.Globalization;
using Mz.Kernels;

namespace Mz.Benchmarks;

/// <summary>
/// The reduced call of digits-resmlp-deep taken apart: each runtime kernel it makes, timed alone at the shapes of the
/// network the build shipped (read from <c>DigitsResMlpDeepReduced.Reduction</c>: state widths, J and K per stage) on
/// random weights in the kernels' layout, medians of 11 blocks, all pieces interleaved in one process so a change of
/// clock speed touches every piece alike.
/// </summary>
public static class ReducedPieces
{
    private const int CallsPerBlock = 100_000, Blocks = 11;

    public static string Run()
    {
        var summary = DigitsResMlpDeepReduced.Reduction;
        if (!summary.MeetsTolerance) return "reduced pieces: no reduced network shipped";
        var random = new Random(3);
        float[] Values(int count, float scale) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
        int inputs = DigitsResMlpDeepReduced.InputSize, outputs = DigitsResMlpDeepReduced.OutputSize;
        var ranks = summary.StateRanks;
        int Padded(int n) => ReducedStageKernel.PaddedLength(n);

        var pieces = new List<(string Name, Action Call)>();
        var pixels = Values(inputs, 8);
        var inputMap = Values(inputs * Padded(ranks[0]), 0.1f);
        var first = new float[ranks[0]];
        pieces.Add(("input_map", () => ReducedStageKernel.MapUnaliased<float>(pixels, inputMap, default, first, inputs, ranks[0])));
        for (int s = 0; s < summary.StageHiddenUnits.Length; s++)
        {
            int k = ranks[s], n = ranks[s + 1], units = summary.StageHiddenUnits[s];
            var state = Values(k, 1);
            var next = new float[n];
            if (units == 0)
            {
                var linear = Values(k * Padded(n), 0.1f);
                pieces.Add(($"stage{s}_affine_{k}x{n}", () => ReducedStageKernel.MapUnaliased<float>(state, linear, default, next, k, n)));
            }
            else
            {
                var hiddenWeights = Values(k * Padded(units), 0.5f);
                var hiddenBias = Values(Padded(units), 0.5f);
                var outputMap = Values(units * Padded(n), 0.1f);
                var linearTerm = Values(k * Padded(n), 0.1f);
                var offset = Values(Padded(n), 0.1f);
                var hidden = new float[Padded(units)];
                pieces.Add(($"stage{s}_{k}_J{units}_{n}_tanh", () => ReducedStageKernel.ForwardUnaliased<float>(state, hiddenWeights, hiddenBias, KernelActivation.Tanh, units,
                    outputMap, linearTerm, offset, next, k, n, hidden)));
            }
            for (int lag = 1; lag <= summary.StageMemoryLengths[s]; lag++)
            {
                int source = ranks[s - lag];
                var earlier = Values(source, 1);
                var kernel = Values(n * source, 0.1f);
                pieces.Add(($"stage{s}_memory{lag}_{source}x{n}", () => NarrowDenseKernel.Accumulate<float>(earlier, kernel, next, source, n)));
            }
        }
        int last = ranks[^1];
        var lastState = Values(last, 1);
        var readout = Values(last * Padded(outputs), 0.1f);
        var logits = new float[outputs];
        pieces.Add(("readout", () => ReducedStageKernel.MapUnaliased<float>(lastState, readout, default, logits, last, outputs)));

        var times = pieces.Select(_ => new List<double>()).ToArray();
        foreach (var piece in pieces) Repeat(piece.Call, CallsPerBlock); // tier up
        for (int block = 0; block < Blocks; block++)
            for (int p = 0; p < pieces.Count; p++)
            {
                long start = Stopwatch.GetTimestamp();
                Repeat(pieces[p].Call, CallsPerBlock);
                times[p].Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / CallsPerBlock);
            }
        var medians = times.Select(t => t.OrderBy(v => v).ElementAt(t.Count / 2)).ToArray();
        return "reduced pieces (ns per call): " + string.Join(" ", pieces.Select((p, i) => string.Format(CultureInfo.InvariantCulture, "{0}={1:F1}", p.Name, medians[i])))
            + string.Format(CultureInfo.InvariantCulture, " kernels_per_row_ns={0:F0}", medians.Sum());
    }

    private static void Repeat(Action call, int count)
    {
        for (int i = 0; i < count; i++) call();
    }
}
