using System;
using System.Collections.Generic;
using Mz.Core.Ir;

namespace Mz.Core.Onnx;

/// <summary>
/// Reads the subset of ONNX's ModelProto that inference needs into a <see cref="Graph"/>. Unknown fields are
/// skipped; structural damage raises <see cref="OnnxFormatException"/> with the byte position.
/// </summary>
public static class OnnxModelReader
{
    /// <summary>Largest tensor we accept, in elements; anything above is a damaged or hostile file.</summary>
    public const long MaxTensorElements = 1L << 28;

    /// <param name="bytes">The model file.</param>
    /// <param name="externalData">Resolves an external-data location (relative to the model) to its bytes, or null when absent.</param>
    public static Graph Read(byte[] bytes, Func<string, byte[]?>? externalData = null)
    {
        var graph = new Graph();
        bool sawGraph = false;
        var reader = new ProtobufReader(bytes, 0, bytes.Length);
        while (reader.TryReadTag(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == ProtobufReader.WireVarint: graph.IrVersion = reader.ReadInt64(); break;
                case 2 when wire == ProtobufReader.WireLengthDelimited: graph.Producer = reader.ReadString(); break;
                case 7 when wire == ProtobufReader.WireLengthDelimited: ReadGraph(reader.ReadMessage(), graph, externalData); sawGraph = true; break;
                case 8 when wire == ProtobufReader.WireLengthDelimited: ReadOpset(reader.ReadMessage(), graph); break;
                default: reader.Skip(wire); break;
            }
        }
        if (!sawGraph) throw new OnnxFormatException("the file has no graph (ModelProto field 7); it is not an ONNX model or it is truncated");
        if (graph.Opsets.Count == 0) graph.Opsets[""] = 1;
        return graph;
    }

    private static void ReadOpset(ProtobufReader reader, Graph graph)
    {
        string domain = "";
        long version = 0;
        while (reader.TryReadTag(out int field, out int wire))
        {
            if (field == 1 && wire == ProtobufReader.WireLengthDelimited) domain = reader.ReadString();
            else if (field == 2 && wire == ProtobufReader.WireVarint) version = reader.ReadInt64();
            else reader.Skip(wire);
        }
        graph.Opsets[domain == "ai.onnx" ? "" : domain] = version;
    }

    private static void ReadGraph(ProtobufReader reader, Graph graph, Func<string, byte[]?>? externalData)
    {
        while (reader.TryReadTag(out int field, out int wire))
        {
            if (wire != ProtobufReader.WireLengthDelimited) { reader.Skip(wire); continue; }
            switch (field)
            {
                case 1: graph.Nodes.Add(ReadNode(reader.ReadMessage(), externalData)); break;
                case 2: graph.Name = reader.ReadString(); break;
                case 5:
                    var tensor = ReadTensor(reader.ReadMessage(), externalData);
                    graph.Initializers[tensor.Name] = tensor;
                    break;
                case 11: graph.DeclaredInputs.Add(ReadValueInfo(reader.ReadMessage())); break;
                case 12: graph.Outputs.Add(ReadValueInfo(reader.ReadMessage())); break;
                case 15: throw new OnnxFormatException("sparse initializers are not supported");
                default: reader.Skip(wire); break;
            }
        }
    }

    private static Node ReadNode(ProtobufReader reader, Func<string, byte[]?>? externalData)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, NodeAttribute>(StringComparer.Ordinal);
        string name = "", opType = "", domain = "";
        while (reader.TryReadTag(out int field, out int wire))
        {
            if (wire != ProtobufReader.WireLengthDelimited) { reader.Skip(wire); continue; }
            switch (field)
            {
                case 1: inputs.Add(reader.ReadString()); break;
                case 2: outputs.Add(reader.ReadString()); break;
                case 3: name = reader.ReadString(); break;
                case 4: opType = reader.ReadString(); break;
                case 5:
                    var attribute = ReadAttribute(reader.ReadMessage(), externalData);
                    attributes[attribute.Name] = attribute;
                    break;
                case 7: domain = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }
        if (opType.Length == 0) throw new OnnxFormatException($"node '{name}' has no op_type");
        return new Node(name, opType, domain == "ai.onnx" ? "" : domain, inputs, outputs, attributes);
    }

    private static NodeAttribute ReadAttribute(ProtobufReader reader, Func<string, byte[]?>? externalData)
    {
        var attribute = new NodeAttribute("", AttributeKind.Undefined);
        string name = "";
        var kind = AttributeKind.Undefined;
        while (reader.TryReadTag(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == ProtobufReader.WireLengthDelimited: name = reader.ReadString(); break;
                case 2 when wire == ProtobufReader.Wire32: attribute.Float = reader.ReadFloat(); break;
                case 3 when wire == ProtobufReader.WireVarint: attribute.Int = reader.ReadInt64(); break;
                case 4 when wire == ProtobufReader.WireLengthDelimited: attribute.String = reader.ReadString(); break;
                case 5 when wire == ProtobufReader.WireLengthDelimited: attribute.Tensor = ReadTensor(reader.ReadMessage(), externalData); break;
                case 7: reader.ReadRepeatedFloat(wire, attribute.Floats); break;
                case 8: reader.ReadRepeatedInt64(wire, attribute.Ints); break;
                case 9 when wire == ProtobufReader.WireLengthDelimited: attribute.Strings.Add(reader.ReadString()); break;
                case 20 when wire == ProtobufReader.WireVarint: kind = (AttributeKind)reader.ReadInt64(); break;
                default: reader.Skip(wire); break;
            }
        }
        var result = new NodeAttribute(name, kind)
        {
            Float = attribute.Float, Int = attribute.Int, String = attribute.String, Tensor = attribute.Tensor,
        };
        result.Floats.AddRange(attribute.Floats);
        result.Ints.AddRange(attribute.Ints);
        result.Strings.AddRange(attribute.Strings);
        return result;
    }

    private static ValueInfo ReadValueInfo(ProtobufReader reader)
    {
        string name = "";
        var type = ElementType.Undefined;
        Dim[]? shape = null;
        string? nonTensor = null;
        while (reader.TryReadTag(out int field, out int wire))
        {
            if (field == 1 && wire == ProtobufReader.WireLengthDelimited) name = reader.ReadString();
            else if (field == 2 && wire == ProtobufReader.WireLengthDelimited) ReadType(reader.ReadMessage(), ref type, ref shape, ref nonTensor);
            else reader.Skip(wire);
        }
        return new ValueInfo(name, type, shape, nonTensor);
    }

    private static void ReadType(ProtobufReader reader, ref ElementType type, ref Dim[]? shape, ref string? nonTensor)
    {
        bool sawTensor = false;
        while (reader.TryReadTag(out int field, out int wire))
        {
            if (wire != ProtobufReader.WireLengthDelimited) { reader.Skip(wire); continue; }
            switch (field)
            {
                case 1:
                    sawTensor = true;
                    var tensorType = reader.ReadMessage();
                    while (tensorType.TryReadTag(out int f, out int w))
                    {
                        if (f == 1 && w == ProtobufReader.WireVarint) type = (ElementType)tensorType.ReadInt64();
                        else if (f == 2 && w == ProtobufReader.WireLengthDelimited) shape = ReadShape(tensorType.ReadMessage());
                        else tensorType.Skip(w);
                    }
                    break;
                case 4: nonTensor = "sequence"; reader.Skip(wire); break;
                case 5: nonTensor = "map"; reader.Skip(wire); break;
                case 8: nonTensor = "sparse tensor"; reader.Skip(wire); break;
                case 9: nonTensor = "optional"; reader.Skip(wire); break;
                default: reader.Skip(wire); break;
            }
        }
        if (!sawTensor && nonTensor == null) nonTensor = "untyped value";
    }

    private static Dim[] ReadShape(ProtobufReader reader)
    {
        var dims = new List<Dim>();
        while (reader.TryReadTag(out int field, out int wire))
        {
            if (field != 1 || wire != ProtobufReader.WireLengthDelimited) { reader.Skip(wire); continue; }
            var dimReader = reader.ReadMessage();
            var dim = Dim.Unknown;
            while (dimReader.TryReadTag(out int f, out int w))
            {
                if (f == 1 && w == ProtobufReader.WireVarint) dim = Dim.Of(dimReader.ReadInt64());
                else if (f == 2 && w == ProtobufReader.WireLengthDelimited) dim = Dim.Named(dimReader.ReadString());
                else dimReader.Skip(w);
            }
            dims.Add(dim);
        }
        return dims.ToArray();
    }

    /// <summary>Reads a TensorProto; public because test data (input_0.pb) is a bare TensorProto.</summary>
    public static TensorData ReadTensor(ProtobufReader reader, Func<string, byte[]?>? externalData = null)
    {
        var dims = new List<long>();
        var type = ElementType.Undefined;
        string name = "";
        (int Offset, int Length)? raw = null;
        var floats = new List<float>();
        var doubles = new List<double>();
        var int64s = new List<long>();
        var int32s = new List<long>();
        var external = new Dictionary<string, string>(StringComparer.Ordinal);
        long dataLocation = 0;
        while (reader.TryReadTag(out int field, out int wire))
        {
            switch (field)
            {
                case 1: reader.ReadRepeatedInt64(wire, dims); break;
                case 2 when wire == ProtobufReader.WireVarint: type = (ElementType)reader.ReadInt64(); break;
                case 4: reader.ReadRepeatedFloat(wire, floats); break;
                case 5: reader.ReadRepeatedInt64(wire, int32s); break;
                case 7: reader.ReadRepeatedInt64(wire, int64s); break;
                case 8 when wire == ProtobufReader.WireLengthDelimited: name = reader.ReadString(); break;
                case 9 when wire == ProtobufReader.WireLengthDelimited: raw = reader.ReadLengthDelimited(); break;
                case 10: reader.ReadRepeatedDouble(wire, doubles); break;
                case 13 when wire == ProtobufReader.WireLengthDelimited:
                    var entry = reader.ReadMessage();
                    string key = "", value = "";
                    while (entry.TryReadTag(out int f, out int w))
                    {
                        if (f == 1 && w == ProtobufReader.WireLengthDelimited) key = entry.ReadString();
                        else if (f == 2 && w == ProtobufReader.WireLengthDelimited) value = entry.ReadString();
                        else entry.Skip(w);
                    }
                    external[key] = value;
                    break;
                case 14 when wire == ProtobufReader.WireVarint: dataLocation = reader.ReadInt64(); break;
                default: reader.Skip(wire); break;
            }
        }

        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0) throw new OnnxFormatException($"tensor '{name}' has a negative dimension {d}");
            if (d > 0 && count > MaxTensorElements / d) throw new OnnxFormatException($"tensor '{name}' declares [{string.Join(", ", dims)}], more than {MaxTensorElements} elements");
            count *= d;
        }

        byte[] source = reader.Buffer;
        if (dataLocation == 1)
        {
            if (!external.TryGetValue("location", out var location))
                throw new OnnxFormatException($"tensor '{name}' is stored externally but names no location");
            var file = externalData?.Invoke(location)
                ?? throw new OnnxFormatException($"tensor '{name}' is stored in the external file '{location}', which was not supplied with the model");
            long offset = external.TryGetValue("offset", out var o) ? ParseLong(o, name) : 0;
            long length = external.TryGetValue("length", out var l) ? ParseLong(l, name) : file.Length - offset;
            if (offset < 0 || length < 0 || offset > file.Length - length)
                throw new OnnxFormatException($"tensor '{name}' points at bytes {offset}+{length} of '{location}', which has {file.Length}");
            source = file;
            raw = ((int)offset, (int)length);
        }

        var shape = dims.ToArray();
        int elementSize = ElementTypes.SizeInBytes(type);
        if (raw is { } slice)
        {
            if (elementSize == 0) throw new OnnxFormatException($"tensor '{name}' has unsupported element type {(int)type} ({ElementTypes.Describe(type)})");
            if ((long)slice.Length != count * elementSize)
                throw new OnnxFormatException($"tensor '{name}' of type {ElementTypes.Describe(type)}[{string.Join(", ", shape)}] needs {count * elementSize} bytes of raw_data but has {slice.Length}");
            var result = RawTensorDecoder.Decode(name, type, shape, source, slice.Offset, (int)count);
            if (type == ElementType.Float32 && dataLocation != 1) result.RawSlice = slice;
            return result;
        }

        int stored = type switch
        {
            ElementType.Float32 => floats.Count,
            ElementType.Float64 => doubles.Count,
            ElementType.Int64 => int64s.Count,
            _ => int32s.Count,
        };
        if (stored != count)
            throw new OnnxFormatException($"tensor '{name}' of type {ElementTypes.Describe(type)}[{string.Join(", ", shape)}] needs {count} values but stores {stored}");
        return type switch
        {
            ElementType.Float32 => new TensorData(name, type, shape, float32: floats.ToArray()),
            ElementType.Float64 => new TensorData(name, type, shape, float64: doubles.ToArray()),
            ElementType.Int64 => new TensorData(name, type, shape, int64: int64s.ToArray()),
            ElementType.Float16 => new TensorData(name, type, shape, float32: int32s.ConvertAll(v => HalfToSingle((ushort)v)).ToArray()),
            ElementType.BFloat16 => new TensorData(name, type, shape, float32: int32s.ConvertAll(v => BFloat16ToSingle((ushort)v)).ToArray()),
            ElementType.Int32 or ElementType.Int16 or ElementType.Int8 or ElementType.UInt8 or ElementType.UInt16 or ElementType.Bool =>
                new TensorData(name, type, shape, int64: int32s.ToArray()),
            _ => throw new OnnxFormatException($"tensor '{name}' has unsupported element type {(int)type} ({ElementTypes.Describe(type)})"),
        };
    }

    private static long ParseLong(string text, string tensor) =>
        long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : throw new OnnxFormatException($"tensor '{tensor}' has a malformed external-data number '{text}'");

    /// <summary>Exact IEEE binary16 → binary32 widening (netstandard2.0 has no System.Half).</summary>
    public static float HalfToSingle(ushort bits)
    {
        int sign = (bits >> 15) & 1, exponent = (bits >> 10) & 0x1F, mantissa = bits & 0x3FF;
        uint result;
        if (exponent == 0x1F) result = (uint)(sign << 31 | 0xFF << 23 | mantissa << 13);
        else if (exponent != 0) result = (uint)(sign << 31 | (exponent - 15 + 127) << 23 | mantissa << 13);
        else if (mantissa == 0) result = (uint)(sign << 31);
        else
        {
            // Subnormal half: normalise the mantissa.
            int e = -1;
            do { mantissa <<= 1; e++; } while ((mantissa & 0x400) == 0);
            result = (uint)(sign << 31 | (127 - 15 - e) << 23 | (mantissa & 0x3FF) << 13);
        }
        return BitConverter.ToSingle(BitConverter.GetBytes(result), 0);
    }

    public static float BFloat16ToSingle(ushort bits) => BitConverter.ToSingle(BitConverter.GetBytes((uint)bits << 16), 0);
}
