using System.Collections.Generic;
using System.Linq;

namespace Mz.Core.Ir;

/// <summary>One operator application. Inputs may contain "" for an omitted optional input.</summary>
public sealed class Node
{
    public Node(string name, string opType, string domain, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, IReadOnlyDictionary<string, NodeAttribute> attributes)
    {
        Name = name;
        OpType = opType;
        Domain = domain;
        Inputs = inputs;
        Outputs = outputs;
        Attributes = attributes;
    }

    public string Name { get; }
    public string OpType { get; }
    public string Domain { get; }
    public IReadOnlyList<string> Inputs { get; }
    public IReadOnlyList<string> Outputs { get; }
    public IReadOnlyDictionary<string, NodeAttribute> Attributes { get; }

    /// <summary>A name for messages: the node name when it has one, else op and first output.</summary>
    public string DisplayName => string.IsNullOrEmpty(Name) ? $"{OpType} -> {Outputs.FirstOrDefault()}" : Name;

    public bool HasInput(int index) => index < Inputs.Count && Inputs[index].Length > 0;

    public long GetInt(string name, long fallback) => Attributes.TryGetValue(name, out var a) ? a.Int : fallback;
    public float GetFloat(string name, float fallback) => Attributes.TryGetValue(name, out var a) ? a.Float : fallback;
    public string GetString(string name, string fallback) => Attributes.TryGetValue(name, out var a) ? a.String : fallback;
    public long[]? GetInts(string name) => Attributes.TryGetValue(name, out var a) ? a.Ints.ToArray() : null;
    public bool Has(string name) => Attributes.ContainsKey(name);
}
