using System;
using System.Linq;
using Mz.Core.Data;
using Mz.Core.Ir;
using Mz.Core.Onnx;

namespace Mz.Cli.Checking;

/// <summary>One input or expected output of a check case, widened to float64, with its stored element type.</summary>
public sealed class CaseTensor
{
    public CaseTensor(string name, ElementType type, long[] shape, double[] data, byte[]? protoBytes = null, string? error = null)
    {
        Error = error;
        Name = name;
        Type = type;
        Shape = shape;
        Data = data;
        ProtoBytes = protoBytes;
    }

    public string Name { get; }
    public ElementType Type { get; }
    public long[] Shape { get; }
    public double[] Data { get; }

    /// <summary>The original TensorProto bytes when the tensor came from a .pb file (used to turn it into an initializer).</summary>
    public byte[]? ProtoBytes { get; }

    /// <summary>Why the file could not be read as a dense tensor (sequence and optional test data are not), or null.</summary>
    public string? Error { get; }

    public static CaseTensor FromProto(byte[] bytes)
    {
        TensorData tensor;
        try { tensor = OnnxModelReader.ReadTensor(new ProtobufReader(bytes, 0, bytes.Length)); }
        catch (OnnxFormatException e) { return new CaseTensor("", ElementType.Undefined, Array.Empty<long>(), Array.Empty<double>(), bytes, "not a dense TensorProto: " + e.Message); }
        double[] data = tensor.Length == 0 && tensor.ElementCount > 0 ? new double[tensor.ElementCount] : tensor.ToDoubleArray();
        return new CaseTensor(tensor.Name, tensor.SourceType, tensor.Dims, data, bytes);
    }

    /// <summary>
    /// Older test data stores float16/bfloat16 tensors as uint16 bit patterns; read them as the type the graph
    /// declares so the values, not the bit patterns, are compared.
    /// </summary>
    public CaseTensor AsDeclared(ElementType declared)
    {
        if (Type != ElementType.UInt16 || declared is not (ElementType.Float16 or ElementType.BFloat16)) return this;
        var values = Data.Select(v => (double)(declared == ElementType.Float16 ? OnnxModelReader.HalfToSingle((ushort)v) : OnnxModelReader.BFloat16ToSingle((ushort)v))).ToArray();
        return new CaseTensor(Name, declared, Shape, values, null, Error);
    }

    public static CaseTensor FromNpy(NpyArray array) => new(array.Name, TypeOf(array.DType), array.Shape, array.Data);

    /// <summary>Maps a NumPy dtype string ("&lt;f4", "&lt;f8", "&lt;f2", "&lt;i8", "|b1") to the ONNX element type.</summary>
    public static ElementType TypeOf(string dtype)
    {
        string kind = dtype.TrimStart('<', '>', '|', '=');
        return kind switch
        {
            "f4" => ElementType.Float32,
            "f8" => ElementType.Float64,
            "f2" => ElementType.Float16,
            "i8" => ElementType.Int64,
            "i4" => ElementType.Int32,
            "b1" => ElementType.Bool,
            _ => ElementType.Undefined,
        };
    }

    public override string ToString() => $"{Name}: {ElementTypes.Describe(Type)}[{string.Join(", ", Shape.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
}
