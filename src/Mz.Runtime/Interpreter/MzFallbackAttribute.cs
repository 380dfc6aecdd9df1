using Mz.Core.Ir;

namespace Mz.Interpreter;

/// <summary>A node attribute as generated code declares it for <see cref="MzFallbackNode{T}"/>.</summary>
public sealed class MzFallbackAttribute
{
    private MzFallbackAttribute(NodeAttribute attribute) { Attribute = attribute; }

    internal NodeAttribute Attribute { get; }

    /// <summary>A float attribute.</summary>
    public static MzFallbackAttribute Float(string name, double value) => new(new NodeAttribute(name, AttributeKind.Float) { Float = (float)value });
    /// <summary>An integer attribute.</summary>
    public static MzFallbackAttribute Int(string name, long value) => new(new NodeAttribute(name, AttributeKind.Int) { Int = value });
    /// <summary>A string attribute.</summary>
    public static MzFallbackAttribute String(string name, string value) => new(new NodeAttribute(name, AttributeKind.String) { String = value });

    /// <summary>A list-of-floats attribute (stored as float32, as ONNX does).</summary>
    public static MzFallbackAttribute Floats(string name, double[] values)
    {
        var a = new NodeAttribute(name, AttributeKind.Floats);
        foreach (var v in values) a.Floats.Add((float)v);
        return new(a);
    }

    /// <summary>A list-of-integers attribute.</summary>
    public static MzFallbackAttribute Ints(string name, long[] values)
    {
        var a = new NodeAttribute(name, AttributeKind.Ints);
        a.Ints.AddRange(values);
        return new(a);
    }
}
