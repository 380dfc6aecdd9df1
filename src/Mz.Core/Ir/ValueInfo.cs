using System.Linq;

namespace Mz.Core.Ir;

/// <summary>A declared graph input or output: name, element type and (possibly symbolic) shape.</summary>
public sealed class ValueInfo
{
    public ValueInfo(string name, ElementType type, Dim[]? shape, string? nonTensorKind = null)
    {
        Name = name;
        Type = type;
        Shape = shape;
        NonTensorKind = nonTensorKind;
    }

    public string Name { get; }
    public ElementType Type { get; }

    /// <summary>Null when the rank is unknown.</summary>
    public Dim[]? Shape { get; }

    /// <summary>"sequence", "map", "optional", "sparse tensor" when the value is not a dense tensor.</summary>
    public string? NonTensorKind { get; }

    public override string ToString() =>
        NonTensorKind != null ? $"{Name}: {NonTensorKind}" : $"{Name}: {ElementTypes.Describe(Type)}[{(Shape == null ? "?" : string.Join(", ", Shape.Select(d => d.ToString())))}]";
}
