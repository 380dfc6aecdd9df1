using System.Collections.Generic;
using Mz.Core.Ir;

namespace Mz.Core.Lowering;

/// <summary>
/// A validated graph ready to evaluate or compile: nodes in dependency order, Constant nodes and constant
/// subgraphs folded into <see cref="Constants"/>, every value's shape known as a function of the batch.
/// </summary>
public sealed class PreparedGraph
{
    internal PreparedGraph(Graph source) { Source = source; }

    public Graph Source { get; }

    /// <summary>Runtime inputs (declared inputs without an initializer), in graph order.</summary>
    public List<ValueInfo> Inputs { get; } = new();
    public List<ValueInfo> Outputs { get; } = new();

    /// <summary>Nodes still to evaluate at run time, in a valid order.</summary>
    public List<Node> Nodes { get; } = new();

    public Dictionary<string, TensorData> Constants { get; } = new();

    /// <summary>Shape of every runtime value (inputs and node outputs).</summary>
    public Dictionary<string, SymDim[]> Shapes { get; } = new();

    /// <summary>Runtime values that hold integers (shape arithmetic), never data.</summary>
    public HashSet<string> IntegerValues { get; } = new();

    /// <summary>Float32 or Float64: the precision the data path computes in.</summary>
    public ElementType ComputeType { get; internal set; } = ElementType.Float32;

    /// <summary>Set when the model bakes a concrete batch size into its shape arithmetic.</summary>
    public long? FixedBatch { get; internal set; }

    /// <summary>True when some input has a symbolic leading dimension.</summary>
    public bool HasBatch { get; internal set; }

    /// <summary>Opset of the default domain.</summary>
    public long Opset { get; internal set; }

    public List<string> Warnings { get; } = new();

    public long InputSizePerRow(int index) => SizePerRow(Inputs[index].Name);

    /// <summary>Elements of a value per batch row (the whole value when it has no batch axis).</summary>
    public long SizePerRow(string value)
    {
        long size = 1;
        foreach (var d in Shapes[value]) size *= d.Factor;
        return size;
    }
}
