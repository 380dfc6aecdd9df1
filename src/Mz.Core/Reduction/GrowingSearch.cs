using System;
using System.Collections.Generic;
using System.Linq;

namespace Mz.Core.Reduction;

/// <summary>
/// The search the baselines share: try one size parameter (kept neurons, SVD rank) from small to large and stop at
/// the first candidate that passes the gate (the result remembers the best error seen in case none does).
/// </summary>
internal static class GrowingSearch
{
    public static ReductionResult Run(string variant, ReductionCalibration calibration, double tolerance, IReadOnlyList<int> grid, double validationMargin,
        Func<int, double, ReductionCandidate> evaluate)
    {
        double gate = tolerance / Math.Max(1.0, validationMargin);
        var evaluated = new List<ReductionCandidate>();
        foreach (int size in grid.Distinct().OrderBy(s => s))
        {
            var candidate = evaluate(size, gate);
            evaluated.Add(candidate);
            if (candidate.MeetsTolerance) return new ReductionResult(variant, tolerance, candidate, evaluated, calibration.FullMacCount);
        }
        return new ReductionResult(variant, tolerance, null, evaluated, calibration.FullMacCount);
    }
}
