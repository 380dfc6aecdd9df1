using System;

namespace Mz;

/// <summary>Elementwise activation of a declared layer.</summary>
public enum MzActivation
{
    /// <summary>No activation (a linear layer).</summary>
    None,
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,
}

/// <summary>Storage order of weight matrices in a weights file.</summary>
public enum MzWeightLayout
{
    /// <summary>[out, in], as PyTorch's nn.Linear stores weights (y = x·Wᵀ + b).</summary>
    OutputsByInputs = 0,
    /// <summary>[in, out], as Keras Dense kernels and scikit-learn coefs_ are stored (y = x·W + b).</summary>
    InputsByOutputs = 1,
}

/// <summary>A fully connected layer: y = activation(W·x + b) with <c>units</c> outputs.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MzDenseAttribute : Attribute
{
    /// <param name="units">Number of outputs of the layer.</param>
    public MzDenseAttribute(int units) { Units = units; }

    /// <summary>Number of outputs.</summary>
    public int Units { get; }

    /// <summary>Name of the weight tensor in the weights file.</summary>
    public string Weight { get; set; } = "";

    /// <summary>Name of the bias tensor, or null for none.</summary>
    public string? Bias { get; set; }

    /// <summary>Activation applied to the layer's output.</summary>
    public MzActivation Activation { get; set; }
}

/// <summary>
/// <see cref="Count"/> residual blocks x ← x + Step·activation(Wᵢ·x + bᵢ) of constant width; "{i}" in the
/// tensor names is replaced by <see cref="StartIndex"/> + block number.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MzResidualAttribute : Attribute
{
    /// <summary>Number of blocks.</summary>
    public int Count { get; set; } = 1;

    /// <summary>Residual step h (1 for a plain residual connection).</summary>
    public float Step { get; set; } = 1f;

    /// <summary>Activation inside each block.</summary>
    public MzActivation Activation { get; set; } = MzActivation.Tanh;

    /// <summary>Weight tensor name pattern, e.g. "blocks.{i}.weight".</summary>
    public string Weight { get; set; } = "";

    /// <summary>Bias tensor name pattern, or null for none.</summary>
    public string? Bias { get; set; }

    /// <summary>Index of the first block in the tensor names.</summary>
    public int StartIndex { get; set; }
}

/// <summary>Softmax over the outputs of the previous layer.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MzSoftmaxAttribute : Attribute
{
}
