using System.Collections.Generic;

namespace Mz.Core.Ir;

public enum AttributeKind { Undefined = 0, Float = 1, Int = 2, String = 3, Tensor = 4, Graph = 5, Floats = 6, Ints = 7, Strings = 8, Tensors = 9, Graphs = 10, SparseTensor = 11, SparseTensors = 12, TypeProto = 13 }

/// <summary>A node attribute; only the field matching <see cref="Kind"/> is meaningful.</summary>
public sealed class NodeAttribute
{
    public NodeAttribute(string name, AttributeKind kind) { Name = name; Kind = kind; }

    public string Name { get; }
    public AttributeKind Kind { get; set; }
    public float Float { get; set; }
    public long Int { get; set; }
    public string String { get; set; } = "";
    public TensorData? Tensor { get; set; }
    public List<float> Floats { get; } = new();
    public List<long> Ints { get; } = new();
    public List<string> Strings { get; } = new();
}
