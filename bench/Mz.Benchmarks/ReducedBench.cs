using System.Globalization;

namespace Mz.Benchmarks;

/// <summary>
/// PredictReduced against Predict at batch 1 on digits-resmlp-deep (the MZ-reduced copy of [MzReduce(Tolerance = 0.02)]),
/// interleaved like the other cases; the target is a wall-time speedup of at least half the MACs ratio.
/// </summary>
public static class ReducedBench
{
    public static string Run()
    {
        var random = new Random(1);
        var input = new float[DigitsResMlpDeepReduced.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble() * 16;
        var contenders = new List<Contender>
        {
            new RowContender("Predict", DigitsResMlpDeepReduced.Predict, input, DigitsResMlpDeepReduced.OutputSize),
            new RowContender("PredictReduced", DigitsResMlpDeepReduced.PredictReduced, input, DigitsResMlpDeepReduced.OutputSize),
        };
        var result = QuickBench.Measure(contenders);
        double speedup = result.MedianRatio(0, 1);
        double macsRatio = (double)DigitsResMlpDeepReduced.MultiplyAdds / DigitsResMlpDeepReduced.ReducedMultiplyAdds;
        return string.Format(CultureInfo.InvariantCulture,
            "reduced: model=digits-resmlp-deep batch=1 predict_us={0:F3} reduced_us={1:F3} wall_speedup={2:F2} macs_ratio={3:F2} wall_over_half_macs={4:F2}",
            result.Median[0], result.Median[1], speedup, macsRatio, speedup / (0.5 * macsRatio));
    }

    private sealed class RowContender : Contender
    {
        private readonly SpanRun _run;

        public RowContender(string name, SpanRun run, float[] input, int outputSize) : base(name, input, new float[outputSize]) => _run = run;

        public override void Run() => _run(Input, Output);
    }
}
