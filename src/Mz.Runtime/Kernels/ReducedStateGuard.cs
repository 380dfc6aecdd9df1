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
            Keep(ref ratios[m], TensorPrimitives.Dot<T>(whitened, whitened) / bound);
        }
    }

    /// <summary>
    /// The input's own check: with c = u − mean and p = V c (V [rank, width], row-major, the leading principal directions
    /// of the calibration inputs), ratios[m] = max(ratios[m], Σ p_k² · inverseVariances[k] / mahalanobisBound,
    /// (‖c‖² − ‖p‖²) / residualBound). <paramref name="work"/> holds at least width + rank values.
    /// </summary>
    public static void TrackInput<T>(ReadOnlySpan<T> inputs, ReadOnlySpan<T> directions, ReadOnlySpan<T> mean, ReadOnlySpan<T> inverseVariances,
        int rank, int width, T mahalanobisBound, T residualBound, Span<T> ratios, Span<T> work)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        TrackInput(inputs, directions, mean, inverseVariances, rank, width, mahalanobisBound, residualBound, ratios, work, T.One);

    /// <summary>
    /// <see cref="TrackInput{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, int, int, T, T, Span{T}, Span{T})"/>
    /// with c scaled by <paramref name="inputScale"/> after centring, for inputs whose squares would leave T's range;
    /// the inverse variances and the residual bound are then in the scaled units.
    /// </summary>
    public static void TrackInput<T>(ReadOnlySpan<T> inputs, ReadOnlySpan<T> directions, ReadOnlySpan<T> mean, ReadOnlySpan<T> inverseVariances,
        int rank, int width, T mahalanobisBound, T residualBound, Span<T> ratios, Span<T> work, T inputScale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (width <= 0 || inputs.Length % width != 0) throw new ArgumentException($"inputs hold {inputs.Length} values, not whole rows of {width}", nameof(inputs));
        if (rank <= 0 || directions.Length != (long)rank * width) throw new ArgumentException($"directions need {rank}·{width} values, got {directions.Length}", nameof(directions));
        if (mean.Length != width) throw new ArgumentException($"mean needs {width} values, got {mean.Length}", nameof(mean));
        if (inverseVariances.Length != rank) throw new ArgumentException($"inverseVariances need {rank} values, got {inverseVariances.Length}", nameof(inverseVariances));
        int rows = inputs.Length / width;
        if (ratios.Length < rows) throw new ArgumentException($"ratios need {rows} values, got {ratios.Length}", nameof(ratios));
        if (work.Length < (long)width + rank) throw new ArgumentException($"work needs {(long)width + rank} values (width + rank), got {work.Length}", nameof(work));
        var centred = work.Slice(0, width);
        var projected = work.Slice(width, rank);
        for (int m = 0; m < rows; m++)
        {
            // c = u − mean once; ‖c‖² and p = V c with the vector kernels; then the two parts from the q values of p.
            TensorPrimitives.Subtract(inputs.Slice(m * width, width), mean, centred);
            if (inputScale != T.One) TensorPrimitives.Multiply(centred, inputScale, centred);
            T energy = TensorPrimitives.Dot<T>(centred, centred);
            NarrowDenseKernel.Forward(centred, directions, default, projected, width, rank);
            T mahalanobis = T.Zero, captured = T.Zero;
            for (int k = 0; k < rank; k++)
            {
                T square = projected[k] * projected[k];
                mahalanobis += square * inverseVariances[k];
                captured += square;
            }
            T residual = T.Max(energy - captured, T.Zero);
            Keep(ref ratios[m], T.Max(mahalanobis / mahalanobisBound, residual / residualBound));
        }
    }

    /// <summary>slot = max(slot, ratio), where NaN (a NaN row) wins and then stays: the caller treats it as outside.</summary>
    private static void Keep<T>(ref T slot, T ratio) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (T.IsNaN(slot)) return;
        if (T.IsNaN(ratio) || ratio > slot) slot = ratio;
    }

    /// <summary>True when a ratio from <see cref="Track{T}"/> is inside the calibrated region (NaN is not).</summary>
    public static bool IsInside<T>(T ratio) where T : unmanaged, IFloatingPointIeee754<T> => ratio <= T.One;
}
