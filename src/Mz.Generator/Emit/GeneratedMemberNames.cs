using System.Collections.Generic;

namespace Mz.Generator.Emit;

/// <summary>
/// The names the emitters declare directly in a network class, per feature of its declaration. The declaration reader
/// checks the user's class against them (MZ0008) before anything is generated: a class named like one of them, or a
/// member of the user's own with one of these names, would otherwise surface as compiler errors inside generated
/// files. A test compiles every feature and checks that this list covers what the emitters wrote.
/// </summary>
public static class GeneratedMemberNames
{
    private static readonly string[] Always =
        { "Predict", "PredictBatch", "PredictBatchParallel", "InputSize", "OutputSize", "MultiplyAdds", "ParameterCount", "ScratchPerRow", "ChunkRows", "Run", "MzWeights" };

    /// <summary>Only with [MzNetwork(MaxThreads = n > 1)]: the single-threaded batch kept beside the parallel one.</summary>
    private static readonly string[] Threaded = { "PredictBatchOnThisThread" };

    /// <summary>With calibration rows: the build-time MZ analysis.</summary>
    private static readonly string[] Calibrated = { "Analysis" };

    /// <summary>With [MzReduce], whether or not a reduction ships (a later build may ship one).</summary>
    private static readonly string[] Reduced =
    {
        "PredictReduced", "PredictReducedBatch", "IsReduced", "ReducedMultiplyAdds", "Reduction", "ReductionReport",
        "RunReduced", "ReducedScratchPerRow", "ReducedChunkRows", "MzReducedWeights",
    };

    /// <summary>With [MzReduce(Guard = true)].</summary>
    private static readonly string[] Guarded = { "ReducedGuardFallbacks", "_reducedGuardFallbacks" };

    /// <summary>With Noise or NoisePerLayer.</summary>
    private static readonly string[] Noisy =
        { "PredictNoisy", "Expectation", "MomentClosure", "NoiseDrawCount", "NoiseLevels", "NoisyLayerCount", "NoisyNetwork", "MzNoisy" };

    /// <summary>The generated names that are methods.</summary>
    private static readonly HashSet<string> Methods = new(System.StringComparer.Ordinal)
    {
        "Predict", "PredictBatch", "PredictBatchParallel", "Run", "PredictBatchOnThisThread", "PredictReduced", "PredictReducedBatch",
        "RunReduced", "PredictReducedBatchOnThisThread", "PredictNoisy", "Expectation", "MomentClosure",
    };

    /// <summary>Whether the generated member <paramref name="name"/> is a method: a user method of that name is an overload, which C# accepts.</summary>
    public static bool IsMethod(string name) => Methods.Contains(name);

    /// <summary>The names generated into a class declared with these features (MaxThreads above 1 adds the single-threaded batch bodies).</summary>
    public static HashSet<string> For(bool calibrated, bool reduced, bool guarded, bool noisy, int maxThreads)
    {
        var names = new HashSet<string>(Always, System.StringComparer.Ordinal);
        if (maxThreads > 1) names.UnionWith(Threaded);
        if (calibrated) names.UnionWith(Calibrated);
        if (reduced) names.UnionWith(Reduced);
        if (reduced && guarded) names.UnionWith(Guarded);
        if (reduced && maxThreads > 1) names.Add("PredictReducedBatchOnThisThread");
        if (noisy) names.UnionWith(Noisy);
        return names;
    }
}
