using System.Collections.Generic;

namespace Mz.Core.Ir;

/// <summary>
/// The model as read from the file, format-neutral: declared inputs and outputs, constant tensors and nodes.
/// Both front ends (ONNX, attributes + safetensors) produce it; everything after reading is shared.
/// </summary>
public sealed class Graph
{
    public string Name { get; set; } = "";
    public string Producer { get; set; } = "";
    public long IrVersion { get; set; }

    /// <summary>Operator-set version per domain ("" is the default ONNX domain).</summary>
    public Dictionary<string, long> Opsets { get; } = new();

    /// <summary>Every declared graph input, including IR&lt;4 inputs that merely repeat an initializer.</summary>
    public List<ValueInfo> DeclaredInputs { get; } = new();
    public List<ValueInfo> Outputs { get; } = new();
    public Dictionary<string, TensorData> Initializers { get; } = new();
    public List<Node> Nodes { get; } = new();

    /// <summary>Graph inputs that are real parameters: declared inputs without an initializer of the same name.</summary>
    public IEnumerable<ValueInfo> RuntimeInputs
    {
        get
        {
            foreach (var input in DeclaredInputs)
                if (!Initializers.ContainsKey(input.Name)) yield return input;
        }
    }

    public long OpsetOf(string domain) =>
        Opsets.TryGetValue(domain == "ai.onnx" ? "" : domain, out var v) ? v : 0;
}
