namespace Mz.Core.Ir;

/// <summary>Tensor element types, numbered as ONNX's TensorProto.DataType.</summary>
public enum ElementType
{
    Undefined = 0,
    Float32 = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Float64 = 11,
    UInt32 = 12,
    UInt64 = 13,
    BFloat16 = 16,
}

public static class ElementTypes
{
    public static bool IsFloat(ElementType t) => t is ElementType.Float32 or ElementType.Float64 or ElementType.Float16 or ElementType.BFloat16;

    public static string Describe(ElementType t) => t switch
    {
        ElementType.Float32 => "float32",
        ElementType.Float64 => "float64",
        ElementType.Float16 => "float16",
        ElementType.BFloat16 => "bfloat16",
        ElementType.Int64 => "int64",
        ElementType.Int32 => "int32",
        ElementType.Bool => "bool",
        _ => t.ToString().ToLowerInvariant(),
    };

    public static int SizeInBytes(ElementType t) => t switch
    {
        ElementType.Float32 or ElementType.Int32 or ElementType.UInt32 => 4,
        ElementType.Float64 or ElementType.Int64 or ElementType.UInt64 => 8,
        ElementType.Float16 or ElementType.BFloat16 or ElementType.Int16 or ElementType.UInt16 => 2,
        ElementType.UInt8 or ElementType.Int8 or ElementType.Bool => 1,
        _ => 0,
    };
}
