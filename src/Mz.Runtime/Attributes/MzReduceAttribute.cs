using System;

namespace Mz;

/// <summary>Coordinates the MZ reduction projects each layer state on.</summary>
public enum MzBasis
{
    /// <summary>Balanced POD: directions that both carry the state and reach the output (falls back to Gradient, then Pca).</summary>
    Balanced,
    /// <summary>Gradient-weighted (active subspace) directions, from the output's sensitivity to the state (falls back to Pca).</summary>
    Gradient,
    /// <summary>Principal components of the states alone.</summary>
    Pca,
}

/// <summary>Whether reduced layers evaluate only a selected subset of hidden units (hyper-reduction).</summary>
public enum MzHyper
{
    /// <summary>
    /// Search the number of evaluated hidden units together with the reduced width and memory length, down to none: a
    /// reduced layer may become a fitted affine map (block replacement).
    /// </summary>
    Auto,
    /// <summary>Evaluate every hidden unit of each reduced layer (no unit selection, no block replacement).</summary>
    Off,
}

/// <summary>
/// Adds an MZ-reduced copy of the network, <c>PredictReduced</c> and <c>PredictReducedBatch</c>, next to the exact
/// <c>Predict</c>: narrower layers on balanced coordinates with truncated memory terms as skip connections, runs of
/// residual blocks merged into one evaluation, only selected hidden units evaluated, and layers that act almost
/// linearly replaced by fitted affine maps. The reduction is fitted at
/// build time on 80 % of the calibration rows of <see cref="MzNetworkAttribute.Calibration"/> and ships only if its
/// relative L2 output error is at most <see cref="Tolerance"/> both on the held-out 20 % and on the rows it was fitted
/// on; otherwise <c>PredictReduced</c> runs the full network and the build reports warning MZ0405 with the best error
/// reached.
/// </summary>
/// <example>
/// <code>
/// [MzNetwork("models/resmlp.onnx", Calibration = "models/train.npz:x")]
/// [MzReduce(Tolerance = 0.02)]
/// public static partial class ResMlp { }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MzReduceAttribute : Attribute
{
    /// <summary>
    /// Largest relative L2 error allowed, e.g. 0.01 for 1 % (below 1), on the held-out and on the fit calibration rows
    /// alike: of the values <c>Predict</c> returns and, when the model ends in a softmax or sigmoid, of the logits
    /// behind them too (confident probabilities hide errors that surface on new rows).
    /// </summary>
    public double Tolerance { get; set; }

    /// <summary>
    /// Largest memory length K searched: each reduced layer may read the K reduced states before its input (0–8, default
    /// 2). Each K adds a pass of the search to the build: on a 32-layer network about 30 s at the default, and minutes at
    /// 8 when no model meets the tolerance.
    /// </summary>
    public int MaxMemory { get; set; } = 2;

    /// <summary>The reduced coordinates (default balanced POD).</summary>
    public MzBasis Basis { get; set; } = MzBasis.Balanced;

    /// <summary>Hyper-reduction: evaluate a searched subset of hidden units (default) or all of them.</summary>
    public MzHyper Hyper { get; set; } = MzHyper.Auto;

    /// <summary>
    /// Safety factor of the gate: a model ships when its errors are at most Tolerance / Margin (default 1; 1.2 allows
    /// for calibration rows that the network was trained on, which flatter the error).
    /// </summary>
    public double Margin { get; set; } = 1.0;

    /// <summary>
    /// Out-of-distribution guard: when true, <c>PredictReduced</c> checks the input row and each reduced state against
    /// the range seen on the calibration rows (Mahalanobis bounds) and runs the full network for rows outside it.
    /// </summary>
    public bool Guard { get; set; }
}
