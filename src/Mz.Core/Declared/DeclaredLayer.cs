namespace Mz.Core.Declared;

/// <summary>How a weight matrix is stored: PyTorch nn.Linear [out, in], or Keras/scikit-learn [in, out].</summary>
public enum WeightLayout
{
    OutputsByInputs = 0,
    InputsByOutputs = 1,
}

public enum DeclaredLayerKind
{
    Dense,
    Residual,
    Softmax,
}

/// <summary>
/// One layer declared in C# attributes. Dense: y = act(W x + b) with <see cref="Units"/> outputs. Residual:
/// <see cref="Count"/> blocks x ← x + Step·act(Wᵢ x + bᵢ), tensor names with "{i}" replaced by
/// StartIndex + block. Softmax over the last axis.
/// </summary>
public sealed record DeclaredLayer(
    DeclaredLayerKind Kind,
    int Units,
    string Weight,
    string? Bias,
    string Activation,
    int Count,
    double Step,
    int StartIndex)
{
    public string Describe() => Kind switch
    {
        DeclaredLayerKind.Dense => $"[MzDense({Units})]",
        DeclaredLayerKind.Residual => $"[MzResidual(Count = {Count})]",
        _ => "[MzSoftmax]",
    };
}
