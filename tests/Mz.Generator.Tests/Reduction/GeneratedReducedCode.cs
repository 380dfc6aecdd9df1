using System.Text.RegularExpressions;
using Xunit;

namespace Mz.Tests.Reduction;

/// <summary>Reads the generated reduced entry point the way a reviewer would: which kernels it calls and what they cost.</summary>
internal static class GeneratedReducedCode
{
    /// <summary>
    /// The multiply-adds of every kernel call in the generated <c>RunReduced</c> (MZ.md §7.2 test 13), from the sizes
    /// written in the calls themselves; fails if a kernel call is not one of the counted forms.
    /// </summary>
    public static long CountMultiplyAdds(string source, out int calls)
    {
        var body = source.Substring(source.IndexOf("private static void RunReduced(", StringComparison.Ordinal));
        body = body.Substring(0, body.IndexOf("private static class MzReducedWeights", StringComparison.Ordinal));
        long counted = 0;
        calls = 0;
        // Every product is one kernel call whose last two integer arguments are k and n (inputs and outputs).
        foreach (Match call in Regex.Matches(body, @"(DenseKernel\.Forward|NarrowDenseKernel\.Forward|NarrowDenseKernel\.Accumulate|ReducedStageKernel\.MapUnaliased)<float>\([^;]*?, (\d+), (\d+)(, global::Mz\.Kernels\.KernelActivation\.\w+)?\);"))
        {
            counted += long.Parse(call.Groups[2].Value) * long.Parse(call.Groups[3].Value);
            calls++;
        }
        // The two-product form: Forward(x, W, k, x2, W2, k2, bias, y, n) costs (k + k2)·n.
        foreach (Match call in Regex.Matches(body, @"NarrowDenseKernel\.Forward<float>\(\w+, MzReducedWeights\.\w+, (\d+), \w+, MzReducedWeights\.\w+, (\d+),\s+[^;]*?, (\d+)\);"))
        {
            counted += (long.Parse(call.Groups[1].Value) + long.Parse(call.Groups[2].Value)) * long.Parse(call.Groups[3].Value);
            calls++;
        }
        // The fused stage: Forward(x, W, b, activation, units, B, L or default, c, y, k, n, hidden) costs k·units + units·n (+ k·n with L).
        foreach (Match call in Regex.Matches(body, @"ReducedStageKernel\.ForwardUnaliased<float>\(\w+, MzReducedWeights\.\w+, MzReducedWeights\.\w+, global::Mz\.Kernels\.KernelActivation\.\w+, (\d+),\s+MzReducedWeights\.\w+, (MzReducedWeights\.\w+|default), [^,]+, \w+, (\d+), (\d+), \w+\);"))
        {
            long units = long.Parse(call.Groups[1].Value), k = long.Parse(call.Groups[3].Value), n = long.Parse(call.Groups[4].Value);
            counted += k * units + units * n + (call.Groups[2].Value != "default" ? k * n : 0);
            calls++;
        }
        foreach (Match guard in Regex.Matches(body, @"ReducedStateGuard\.Track<float>\([^;]*?, (\d+), [^,]+, guardRatios, guardWork\);"))
        {
            counted += long.Parse(guard.Groups[1].Value) * long.Parse(guard.Groups[1].Value);
            calls++;
        }
        // The input's check: TrackInput(u, V, mean, 1/λ, q, d, …) projects on q directions of d values and sums ‖c‖² and Σ p²/λ: q·d + d + q.
        foreach (Match guard in Regex.Matches(body, @"ReducedStateGuard\.TrackInput<float>\(\w+, MzReducedWeights\.\w+, MzReducedWeights\.\w+, MzReducedWeights\.\w+, (\d+), (\d+),"))
        {
            long q = long.Parse(guard.Groups[1].Value), d = long.Parse(guard.Groups[2].Value);
            counted += q * d + d + q;
            calls++;
        }
        int kernelLines = Regex.Matches(body, @"global::Mz\.Kernels\.(DenseKernel|NarrowDenseKernel|ReducedStageKernel|ReducedStateGuard)\.\w+<").Count;
        Assert.Equal(kernelLines, calls);
        return counted;
    }
}
