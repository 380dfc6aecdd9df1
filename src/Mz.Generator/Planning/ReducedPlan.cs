using System;
using System.Collections.Generic;
using Mz.Core.Reduction;

namespace Mz.Generator.Planning;

/// <summary>
/// The MZ-reduced entry points of a network: either a reduced network lowered to plan steps (the same step records
/// and kernels as the full network, plus narrow dense steps), or — when nothing met the tolerance or the network
/// cannot be reduced — a plan that routes PredictReduced to the full network. Compared by <see cref="Key"/> (model,
/// calibration and request content), never field by field.
/// </summary>
public sealed class ReducedPlan : IEquatable<ReducedPlan>
{
    public ReducedPlan(string key, ReductionSummary summary, IReadOnlyList<PlanStep> steps, IReadOnlyList<PlanBuffer> buffers, long scratchPerRow,
        IReadOnlyList<PlannedWeight> weights, long multiplyAdds)
    {
        Key = key;
        Summary = summary;
        Steps = steps;
        Buffers = buffers;
        ScratchPerRow = scratchPerRow;
        Weights = weights;
        MultiplyAdds = multiplyAdds;
    }

    public string Key { get; }
    public ReductionSummary Summary { get; }

    /// <summary>True when PredictReduced evaluates a reduced network; false when it runs the full one.</summary>
    public bool IsReduced => Summary.MeetsTolerance;

    public IReadOnlyList<PlanStep> Steps { get; }
    public IReadOnlyList<PlanBuffer> Buffers { get; }
    public long ScratchPerRow { get; }
    public IReadOnlyList<PlannedWeight> Weights { get; }

    /// <summary>Multiply-adds per row of the generated reduced code (guard checks included), or of the full network.</summary>
    public long MultiplyAdds { get; }

    /// <summary>A plan whose PredictReduced is the full network.</summary>
    public static ReducedPlan Full(string key, ReductionSummary summary, long fullMultiplyAdds) =>
        new(key, summary, Array.Empty<PlanStep>(), Array.Empty<PlanBuffer>(), 0, Array.Empty<PlannedWeight>(), fullMultiplyAdds);

    public bool Equals(ReducedPlan? other) => other is not null && other.Key == Key;
    public override bool Equals(object? obj) => Equals(obj as ReducedPlan);
    public override int GetHashCode() => Key.GetHashCode();
}
