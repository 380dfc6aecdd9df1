using System;

namespace Mz;

/// <summary>
/// Compiles a trained network into the marked <c>partial</c> class at build time. The generator adds
/// <c>InputSize</c>, <c>OutputSize</c>, <c>Predict</c> (one row) and <c>PredictBatch</c> (row-major rows).
/// </summary>
/// <example>
/// <code>
/// [MzNetwork("models/digits.onnx")]
/// public static partial class Digits { }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MzNetworkAttribute : Attribute
{
    /// <param name="model">Project-relative path of the ONNX model; the file must be an <c>MzModel</c> item (every *.onnx is by default).</param>
    public MzNetworkAttribute(string model) { Model = model; }

    /// <summary>Project-relative path of the ONNX model.</summary>
    public string Model { get; }

    /// <summary>Calibration rows for analysis and reduction: <c>"data/calib.npz:x"</c> (an .npy, or an .npz with a key; default key <c>x</c>).</summary>
    public string? Calibration { get; set; }
}
