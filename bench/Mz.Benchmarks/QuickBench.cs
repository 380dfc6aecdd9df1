using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;

namespace Mz.Benchmarks;

/// <summary>
/// The quick comparison (under three minutes): for each model and batch size the contenders run in interleaved
/// blocks (A, B, C, B, C, A, ...), each block calibrated to a few milliseconds; a contender's figure is the median
/// of its block times, and the speedup is the median of per-round ratios, so background load hits all sides alike.
/// </summary>
public static class QuickBench
{
    private const int Rounds = 21;
    private const double BlockSeconds = 0.004;

    public static int Run()
    {
        var inv = CultureInfo.InvariantCulture;
        string root = BenchModel.FindRoot();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, Vector512={Vector512.IsHardwareAccelerated}, .NET {Environment.Version}, load {LoadAverage()}");
        // The peak is probed again before every case and the best figure kept: background load only ever lowers it.
        double peak1 = PeakProbe.SingleThread(5);
        double peak2 = PeakProbe.Threads(2, 3);
        // Batch-1 calls re-read their weights every time: above the L1 data cache they stream from L2 at this rate.
        Console.WriteLine(string.Format(inv, "repeated reads, 1 thread: 16 KiB {0:F0} GB/s, 128 KiB {1:F0} GB/s, 512 KiB {2:F0} GB/s",
            CacheProbe.ReadBandwidth(16), CacheProbe.ReadBandwidth(128), CacheProbe.ReadBandwidth(512)));
        var rows = new List<(string Line, double Gflops)>();

        var b1Speedups = new Dictionary<string, double>();
        double b256Speedup512 = 0, b256PeakFraction = 0, twoCoreEfficiency = 0;
        foreach (var model in BenchModel.All(root))
            foreach (int batch in new[] { 1, 256 })
            {
                var input = new float[batch * model.InputSize];
                var random = new Random(1);
                for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);
                var contenders = new List<Contender> { new MzContender(model, batch, input), new OrtContender(model, batch, input), new NaiveContender(model, batch, input) };
                if (batch == 256 && model.Name == "mlp-512-512-512-10")
                    contenders.Add(new MzParallelContender((x, y) => { Mlp512.PredictBatchParallel(x, y, maxThreads: 2); return 0; }, model.OutputSize, batch, input));
                CheckAgreement(model, contenders);
                peak1 = Math.Max(peak1, PeakProbe.SingleThread(2));
                var result = Measure(contenders);
                double mz = result.Median[0], ort = result.Median[1], loop = result.Median[2];
                double speedup = result.MedianRatio(1, 0), loopRatio = result.MedianRatio(2, 0);
                double gflops = 2.0 * model.MultiplyAdds * batch / mz / 1e3;
                rows.Add((string.Format(inv, "{0,-20} {1,5} {2,10:F2} {3,10:F2} {4,10:F2} {5,7:F2} {6,8:F1} {7,10:F1}",
                    model.Name, batch, mz, ort, loop, speedup, loopRatio, gflops), gflops));
                if (batch == 1) b1Speedups[model.Name] = speedup;
                if (batch == 256 && model.Name == "mlp-512-512-512-10")
                {
                    b256Speedup512 = speedup;
                    b256PeakFraction = gflops;
                    double parallelSpeedup = result.MedianRatio(0, 3);
                    peak2 = Math.Max(peak2, PeakProbe.Threads(2, 3));
                    twoCoreEfficiency = parallelSpeedup;
                    rows.Add((string.Format(inv, "{0,-20} {1,5} {2,10:F2}  (PredictBatchParallel, 2 threads: {3:F2}x over 1 thread)",
                        model.Name, batch, result.Median[3], parallelSpeedup), double.NaN));
                }
                contenders.ForEach(c => c.Dispose());
            }
        b256PeakFraction /= peak1;
        twoCoreEfficiency /= peak2 / peak1;
        Console.WriteLine($"peak (best probe): 1 thread {peak1:F1} GFLOP/s, 2 threads {peak2:F1} GFLOP/s (2-thread scaling {peak2 / peak1:F2}x)");
        Console.WriteLine();
        Console.WriteLine($"{"model",-20} {"batch",5} {"Mz us",10} {"ORT us",10} {"loop us",10} {"ORT/Mz",7} {"loop/Mz",8} {"Mz GFLOP/s",10} {"of peak",8}");
        foreach (var (line, gflops) in rows)
            Console.WriteLine(double.IsNaN(gflops) ? line : line + string.Format(inv, " {0,7:P0}", gflops / peak1));
        Console.WriteLine();
        Console.WriteLine(ReducedBench.Run());
        Console.WriteLine(string.Format(inv, "bench: b1_speedup_min={0:F2} b1_speedup_digits={1:F2} b256_speedup_512={2:F2} b256_peak_fraction={3:F2} b256_2core_efficiency={4:F2}",
            b1Speedups.Values.Min(), b1Speedups["digits-mlp"], b256Speedup512, b256PeakFraction, twoCoreEfficiency));
        return 0;
    }

    /// <summary>A fast wrong kernel is the commonest benchmark bug: every contender must agree with ONNX Runtime first.</summary>
    private static void CheckAgreement(BenchModel model, List<Contender> contenders)
    {
        foreach (var c in contenders) c.Run();
        var reference = contenders[1].Output;
        foreach (var c in contenders)
        {
            double worst = 0;
            for (int i = 0; i < reference.Length; i++) worst = Math.Max(worst, Math.Abs(c.Output[i] - reference[i]) / (1e-3 + Math.Abs(reference[i])));
            if (worst > 1e-3) throw new InvalidOperationException($"{model.Name}: {c.Name} differs from ONNX Runtime by {worst:G3} (relative)");
        }
    }

    internal sealed record Result(double[] Median, double[][] Samples)
    {
        public double MedianRatio(int numerator, int denominator) =>
            MedianOf(Samples[numerator].Zip(Samples[denominator], (a, b) => a / b).ToArray());
    }

    /// <summary>Microseconds per call for each contender, interleaved round by round with a rotating order.</summary>
    internal static Result Measure(List<Contender> contenders)
    {
        var reps = new int[contenders.Count];
        for (int c = 0; c < contenders.Count; c++)
        {
            // Warm up (tiering, caches), then size a block to BlockSeconds.
            var warm = Stopwatch.StartNew();
            int calls = 0;
            while (warm.Elapsed.TotalSeconds < 0.3 || calls < 50) { contenders[c].Run(); calls++; }
            double perCall = warm.Elapsed.TotalSeconds / calls;
            reps[c] = Math.Max(1, (int)(BlockSeconds / perCall));
        }
        var samples = contenders.Select(_ => new double[Rounds]).ToArray();
        for (int round = 0; round < Rounds; round++)
            for (int i = 0; i < contenders.Count; i++)
            {
                int c = (i + round) % contenders.Count;
                long start = Stopwatch.GetTimestamp();
                for (int r = 0; r < reps[c]; r++) contenders[c].Run();
                samples[c][round] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / reps[c];
            }
        return new Result(samples.Select(MedianOf).ToArray(), samples);
    }

    private static double MedianOf(double[] values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "unknown"; }
    }
}
