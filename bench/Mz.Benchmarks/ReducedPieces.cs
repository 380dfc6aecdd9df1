using System.Diagnostics;
using System.Globalization;
using Mz.Kernels;

namespace Mz.Benchmarks;

/// <summary>
/// The reduced call of digits-resmlp-deep taken apart: each runtime kernel it makes, timed alone at the reduced
/// model's shapes (r = 10, J = 64, 10 logits) on random weights in the kernels' layout, medians of 11 blocks, all
/// pieces interleaved in one process so a change of clock speed touches every piece alike.
/// </summary>
public static class ReducedPieces
{
    private const int Rank = 10, Units = 64, Inputs = 64, Outputs = 10, CallsPerBlock = 100_000, Blocks = 11;

    public static string Run()
    {
        var random = new Random(3);
        float[] Values(int count, float scale) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
        int units = ReducedStageKernel.PaddedLength(Units), outputs = ReducedStageKernel.PaddedLength(Rank);
        var state = Values(Rank, 1);
        var hiddenWeights = Values(Rank * units, 0.5f);
        var hiddenBias = Values(units, 0.5f);
        var outputMap = Values(Units * outputs, 0.1f);
        var linear = Values(Rank * outputs, 0.1f);
        var offset = Values(outputs, 0.1f);
        var next = new float[Rank];
        var hidden = new float[units];
        var pixels = Values(Inputs, 8);
        var inputMap = Values(Inputs * outputs, 0.1f);
        var readout = Values(Rank * ReducedStageKernel.PaddedLength(Outputs), 0.1f);
        var logits = new float[Outputs];

        var pieces = new (string Name, Action Call)[]
        {
            ("input_map_ns", () => ReducedStageKernel.Map<float>(pixels, inputMap, offset, next, Inputs, Rank)),
            ("stage_tanh_ns", () => ReducedStageKernel.Forward<float>(state, hiddenWeights, hiddenBias, KernelActivation.Tanh, Units, outputMap, linear, offset, next, Rank, Rank, hidden)),
            ("stage_no_activation_ns", () => ReducedStageKernel.Forward<float>(state, hiddenWeights, hiddenBias, KernelActivation.None, Units, outputMap, linear, offset, next, Rank, Rank, hidden)),
            ("readout_ns", () => ReducedStageKernel.Map<float>(state, readout, default, logits, Rank, Outputs)),
        };
        var times = pieces.Select(_ => new List<double>()).ToArray();
        foreach (var piece in pieces) Repeat(piece.Call, CallsPerBlock); // tier up
        for (int block = 0; block < Blocks; block++)
            for (int p = 0; p < pieces.Length; p++)
            {
                long start = Stopwatch.GetTimestamp();
                Repeat(pieces[p].Call, CallsPerBlock);
                times[p].Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / CallsPerBlock);
            }
        var medians = times.Select(t => t.OrderBy(v => v).ElementAt(t.Count / 2)).ToArray();
        double perRow = medians[0] + 4 * medians[1] + medians[3];
        return "reduced pieces: " + string.Join(" ", pieces.Select((p, i) => string.Format(CultureInfo.InvariantCulture, "{0}={1:F1}", p.Name, medians[i])))
            + string.Format(CultureInfo.InvariantCulture, " kernels_per_row_ns={0:F0} (input map + 4 stages + readout)", perRow);
    }

    private static void Repeat(Action call, int count)
    {
        for (int i = 0; i < count; i++) call();
    }
}
