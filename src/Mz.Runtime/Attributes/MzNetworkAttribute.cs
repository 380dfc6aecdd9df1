using System;

namespace Mz;

/// <summary>
/// Compiles a trained network into the marked <c>partial</c> class at build time. The generator adds
/// <c>InputSize</c>, <c>OutputSize</c>, <c>Predict</c> (one row) and <c>PredictBatch</c> (row-major rows).
/// </summary>
/// <example>
/// From an ONNX file:
/// <code>
/// [MzNetwork("models/digits.onnx")]
/// public static partial class Digits { }
/// </code>
/// From a weights file plus layers declared in attributes (in declaration order):
/// <code>
/// [MzNetwork(Weights = "models/resnet.safetensors", InputSize = 64)]
/// [MzDense(64, Weight = "inp.weight", Bias = "inp.bias")]
/// [MzResidual(Count = 32, Step = 1f / 32, Activation = MzActivation.Tanh, Weight = "blocks.{i}.weight", Bias = "blocks.{i}.bias")]
/// [MzDense(10, Weight = "out.weight", Bias = "out.bias")]
/// public static partial class ResNet { }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MzNetworkAttribute : Attribute
{
    /// <param name="model">Project-relative path of the ONNX model; the file must be an <c>MzModel</c> item (every *.onnx is by default).</param>
    public MzNetworkAttribute(string model) { Model = model; }

    /// <summary>Declares a network from <see cref="Weights"/> and layer attributes instead of an ONNX file.</summary>
    public MzNetworkAttribute() { }

    /// <summary>Project-relative path of the ONNX model, or null for a declared network.</summary>
    public string? Model { get; }

    /// <summary>Project-relative path of a safetensors file holding the weights of the declared layers.</summary>
    public string? Weights { get; set; }

    /// <summary>Values per input row of a declared network.</summary>
    public int InputSize { get; set; }

    /// <summary>How weight matrices are stored in <see cref="Weights"/> (default: PyTorch's [out, in]).</summary>
    public MzWeightLayout WeightLayout { get; set; }

    /// <summary>Calibration rows for analysis and reduction: <c>"data/calib.npz:x"</c> (an .npy, or an .npz with a key; default key <c>x</c>).</summary>
    public string? Calibration { get; set; }

    /// <summary>
    /// Runs the network as a noisy network as well: additive Gaussian noise with this standard deviation σ after every
    /// hidden layer or residual block (never after the readout). The generator then adds <c>PredictNoisy</c>,
    /// <c>Expectation</c> (Monte Carlo) and <c>MomentClosure</c>; <c>Predict</c> stays noise-free.
    /// </summary>
    public double Noise { get; set; }

    /// <summary>Like <see cref="Noise"/> with one σ per hidden layer, in order (0 leaves a layer noise-free); use one of the two.</summary>
    public double[]? NoisePerLayer { get; set; }

    /// <summary>
    /// Threads <c>PredictBatch</c> may use: 0 (the default) or 1 keeps every batch on the calling thread; n &gt; 1 splits
    /// large batches (at least 64 rows and 2·10^6 multiply-adds, so small networks need more rows) over up to n threads,
    /// the caller's included (never more than
    /// <see cref="Environment.ProcessorCount"/>, so <see cref="int.MaxValue"/> means every core). Results are
    /// bit-identical to the single-threaded call. Applies to networks with one input and one output.
    /// </summary>
    public int MaxThreads { get; set; }
}
