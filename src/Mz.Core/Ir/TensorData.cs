using System;
using System.Linq;

namespace Mz.Core.Ir;

/// <summary>
/// A constant tensor. Floating-point data is held as float32 (float16/bfloat16 widened exactly) or float64;
/// integer and bool data as int64. <see cref="RawSlice"/> records where little-endian float32 bytes sit in the
/// original model file, so large weights can later be sliced from an embedded resource instead of copied.
/// </summary>
public sealed class TensorData
{
    public TensorData(string name, ElementType sourceType, long[] dims, float[]? float32 = null, double[]? float64 = null, long[]? int64 = null)
    {
        Name = name;
        SourceType = sourceType;
        Dims = dims;
        Float32 = float32;
        Float64 = float64;
        Int64 = int64;
    }

    public string Name { get; }

    /// <summary>The element type as stored in the file (before widening).</summary>
    public ElementType SourceType { get; }

    public long[] Dims { get; }
    public float[]? Float32 { get; }
    public double[]? Float64 { get; }
    public long[]? Int64 { get; }

    /// <summary>Where the float32 payload sits as raw little-endian bytes in the model file, when it does.</summary>
    public (int Offset, int Length)? RawSlice { get; set; }

    /// <summary>The type values compute in: Float32, Float64 or Int64.</summary>
    public ElementType ComputeType => Float64 != null ? ElementType.Float64 : Float32 != null ? ElementType.Float32 : ElementType.Int64;

    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);

    public int Length => Float32?.Length ?? Float64?.Length ?? Int64?.Length ?? 0;

    /// <summary>Element i as a double, whatever the storage.</summary>
    public double GetDouble(int i) => Float32 != null ? Float32[i] : Float64 != null ? Float64[i] : Int64 != null ? Int64[i] : throw new InvalidOperationException($"tensor '{Name}' has no data");

    public double[] ToDoubleArray()
    {
        var result = new double[Length];
        for (int i = 0; i < result.Length; i++) result[i] = GetDouble(i);
        return result;
    }

    public long[] ToInt64Array()
    {
        if (Int64 != null) return Int64;
        var result = new long[Length];
        for (int i = 0; i < result.Length; i++) result[i] = checked((long)GetDouble(i));
        return result;
    }

    public static TensorData FromDoubles(string name, long[] dims, double[] values, ElementType type) => type switch
    {
        ElementType.Float64 => new TensorData(name, type, dims, float64: values),
        ElementType.Int64 or ElementType.Int32 or ElementType.Bool => new TensorData(name, type, dims, int64: values.Select(v => (long)v).ToArray()),
        _ => new TensorData(name, ElementType.Float32, dims, float32: values.Select(v => (float)v).ToArray()),
    };

    public override string ToString() => $"{Name}: {ElementTypes.Describe(SourceType)}[{string.Join(", ", Dims)}]";
}
