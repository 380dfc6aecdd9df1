using Mz.Generator.Declarations;
using Mz.Generator.Model;

namespace Mz.Generator.Planning;

/// <summary>A graph input or output as the generated API exposes it.</summary>
public sealed record PlanPort(string OnnxName, string Identifier, long SizePerRow, string ShapeText);

/// <summary>A scratch region: <see cref="OffsetPerRow"/>·rows into the per-thread scratch, <see cref="SizePerRow"/>·rows long.</summary>
public sealed record PlanBuffer(string Identifier, long OffsetPerRow, long SizePerRow);

/// <summary>
/// Everything the emitters need, as equatable data: the declaration, the API ports, the ordered steps,
/// scratch layout and weights. Equality of weights goes through the model hash, never the payload.
/// </summary>
public sealed record NetworkPlan(
    NetworkDeclaration Declaration,
    string ModelPath,
    string ModelHash,
    string ElementTypeName,
    bool HasBatch,
    EquatableArray<PlanPort> Inputs,
    EquatableArray<PlanPort> Outputs,
    EquatableArray<PlanBuffer> Buffers,
    long ScratchPerRow,
    EquatableArray<PlanStep> Steps,
    WeightTable Weights,
    long ParameterCount,
    long MultiplyAdds,
    EquatableArray<string> Summary)
{
    /// <summary>The build-time MZ analysis when the declaration names calibration data.</summary>
    public AnalysisData? Analysis { get; init; }

    /// <summary>The [MzReduce] entry points: a reduced network, or the full one when none met the tolerance.</summary>
    public ReducedPlan? Reduced { get; init; }

    /// <summary>The noisy network when the declaration gives Noise or NoisePerLayer.</summary>
    public NoiseData? Noise { get; init; }

    /// <summary>The embedded resource carrying the model bytes, when weights are sliced from it at run time.</summary>
    public string? WeightResource { get; init; }

    /// <summary>The model's length in bytes (checked against the resource at run time).</summary>
    public int ModelLength { get; init; }
}
