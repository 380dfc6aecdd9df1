using Mz.Generator.Model;

namespace Mz.Generator.Planning;

/// <summary>
/// One block of generated code. Value references name a port identifier or a scratch buffer identifier;
/// sizes are per batch row (the emitter multiplies by the row count). <see cref="Comment"/> becomes the
/// one-line comment above the block.
/// </summary>
public abstract record PlanStep(string Comment);

/// <summary>
/// y[m, n] = residual[m, n] + scale · activation(x[m, k] · W[k, n] + b[n]), the residual optional. W is packed in
/// panels (<see cref="DensePacking"/>) and the bias padded to whole panels.
/// </summary>
public sealed record DenseStep(string Comment, string Input, string Output, long K, long N, string Weight, string? Bias, string Activation,
    string? Residual, double ResidualScale) : PlanStep(Comment);

/// <summary>An elementwise activation over <see cref="SizePerRow"/>·rows values.</summary>
public sealed record ActivationStep(string Comment, string Input, string Output, long SizePerRow, string Activation) : PlanStep(Comment);

/// <summary>y = a + scale·b elementwise (a residual connection; scale 1 for a plain Add).</summary>
public sealed record AddStep(string Comment, string Left, string Right, string Output, long SizePerRow, double Scale) : PlanStep(Comment);

/// <summary>y = scale·x elementwise.</summary>
public sealed record ScaleStep(string Comment, string Input, string Output, long SizePerRow, double Scale) : PlanStep(Comment);

/// <summary>Softmax (or LogSoftmax) over consecutive groups of <see cref="GroupLength"/> values.</summary>
public sealed record SoftmaxStep(string Comment, string Input, string Output, long SizePerRow, long GroupLength, bool Log) : PlanStep(Comment);

/// <summary>Copies a value into a graph output.</summary>
public sealed record CopyStep(string Comment, string Input, string Output, long SizePerRow) : PlanStep(Comment);

/// <summary>An attribute of a node evaluated by the runtime interpreter, as literal text per kind.</summary>
public sealed record FallbackAttribute(string Name, string Kind, EquatableArray<string> Values);

/// <summary>An input of a fallback node: a runtime value (with its shape as "factor:perBatch" dims) or a constant weight.</summary>
public sealed record FallbackInput(string? Value, string? Constant, EquatableArray<string> Dims);

/// <summary>A node with no specialised kernel, evaluated by the runtime's reference interpreter.</summary>
public sealed record FallbackStep(string Comment, string OpType, string NodeName, long Opset, EquatableArray<FallbackAttribute> Attributes,
    EquatableArray<FallbackInput> Inputs, EquatableArray<string> Outputs, EquatableArray<long> OutputSizesPerRow) : PlanStep(Comment);

/// <summary>
/// y[m, n] = b[n] + x[m, k] · Wᵀ with W row-major [N, K] (the narrow kernel: one dot product per output, no panel
/// padding); with <see cref="Accumulate"/> the product is added to y instead (no bias). A second product
/// (<see cref="Input2"/> · <see cref="Weight2"/>ᵀ, K2 inputs) may be summed in the same pass.
/// </summary>
public sealed record NarrowDenseStep(string Comment, string Input, string Output, long K, long N, string Weight, string? Bias, bool Accumulate) : PlanStep(Comment)
{
    public string? Input2 { get; init; }
    public string? Weight2 { get; init; }
    public long K2 { get; init; }
}

/// <summary>
/// One stage of a reduced network in one kernel call: y = c + B·σ(W x + b) + L x, the hidden units scratch of one row
/// (<see cref="Hidden"/>). W [K, Units], B [Units, N] and L [K, N] are stored input-major with rows padded to whole lane
/// groups (Mz.Core.Ir.LaneRowLayout), b and c padded likewise; <see cref="Linear"/> and <see cref="Offset"/> are optional.
/// </summary>
public sealed record ReducedStageStep(string Comment, string Input, string Output, long K, long Units, long N, string HiddenWeight, string HiddenBias,
    string Activation, string OutputMap, string? Linear, string? Offset, string Hidden) : PlanStep(Comment);

/// <summary>
/// y = c + M x with M input-major [K, N], rows padded like <see cref="ReducedStageStep"/>'s matrices (the stage kernel's
/// Map: a reduced network's input map and readout); <see cref="Offset"/> optional.
/// </summary>
public sealed record ReducedMapStep(string Comment, string Input, string Output, long K, long N, string Matrix, string? Offset) : PlanStep(Comment);

/// <summary>
/// The out-of-distribution check of one reduced state: ratios[m] = max(ratios[m], ‖W ẑ + c‖² / bound) per row, W the
/// whitening matrix [rank, rank] and c its offset.
/// </summary>
public sealed record GuardStep(string Comment, string State, long Rank, string Whitening, string Offset, double Bound) : PlanStep(Comment);

/// <summary>
/// The out-of-distribution check of the input row itself: its Mahalanobis distance on the calibration inputs' Rank
/// leading principal directions (row-major [Rank, Width]) and its energy outside them, each against its bound.
/// <see cref="InputScale"/> ≠ 1 scales the centred row first, for inputs whose squares would leave float32's range
/// (the variances and the residual bound are given in the scaled units).
/// </summary>
public sealed record InputGuardStep(string Comment, string Input, long Rank, long Width, string Directions, string Mean, string InverseVariances,
    double MahalanobisBound, double ResidualBound, double InputScale = 1) : PlanStep(Comment);
