using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Mz.Kernels;

/// <summary>
/// The out-of-distribution guard of a reduced network (MZ.md §5.7): for every row, the squared Mahalanobis distance
/// of a reduced state from its calibration mean, d² = ‖W ẑ + c‖² with W the whitening matrix and c = −W·mean, divided
/// by the largest value the calibration rows allow. A ratio above 1 means the row left the region the reduction was
/// fitted on, and the generated code then runs the full network for it.
/// </summary>
public static class ReducedStateGuard
{
    /// <summary>
    /// ratios[m] = max(ratios[m], d²(row m) / bound). NaN states give NaN ratios, which the caller treats as outside.
    /// <paramref name="work"/> holds at least <paramref name="rank"/> values.
    /// </summary>
    public static void Track<T>(ReadOnlySpan<T> states, ReadOnlySpan<T> whitening, ReadOnlySpan<T> offset, int rank, T bound, Span<T> ratios, Span<T> work)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rank <= 0 || states.Length % rank != 0) throw new ArgumentException($"states hold {states.Length} values, not whole rows of {rank}", nameof(states));
        int rows = states.Length / rank;
        if (ratios.Length < rows) throw new ArgumentException($"ratios need {rows} values, got {ratios.Length}", nameof(ratios));
        var whitened = work.Slice(0, rank);
        for (int m = 0; m < rows; m++)
        {
            NarrowDenseKernel.Forward(states.Slice(m * rank, rank), whitening, offset, whitened, rank, rank);
            T ratio = TensorPrimitives.Dot<T>(whitened, whitened) / bound;
            if (!(ratio <= ratios[m])) ratios[m] = ratio;
        }
    }

    /// <summary>True when a ratio from <see cref="Track{T}"/> is inside the calibrated region (NaN is not).</summary>
    public static bool IsInside<T>(T ratio) where T : unmanaged, IFloatingPointIeee754<T> => ratio <= T.One;
}
