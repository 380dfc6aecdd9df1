using System;
using System.Collections.Generic;
using System.Linq;
using Mz.Core.Ir;
using Mz.Core.Onnx;

namespace Mz.Cli.Checking;

/// <summary>
/// Edits a serialised ModelProto without a full object model: adds initializers to the graph (shape-carrying
/// int64 inputs must be build-time constants) and pins the declared shape of graph inputs (symbolic dims that
/// are not a leading batch). Unknown fields are copied through untouched.
/// </summary>
public static class ModelRewriter
{
    private const int ModelGraphField = 7, GraphInitializerField = 5, GraphInputField = 11, TensorNameField = 8;
    private const int ValueInfoNameField = 1, ValueInfoTypeField = 2;

    public static byte[] Rewrite(byte[] model, IReadOnlyList<(string Name, byte[] TensorProto)> initializers, IReadOnlyDictionary<string, (ElementType Type, long[] Shape)> pinnedInputs)
    {
        if (initializers.Count == 0 && pinnedInputs.Count == 0) return model;
        var output = new ProtobufWriter();
        bool sawGraph = false;
        foreach (var field in Fields(model, 0, model.Length))
        {
            if (field.Number != ModelGraphField || field.WireType != 2) { output.Raw(model, field.Start, field.End - field.Start); continue; }
            sawGraph = true;
            output.BytesField(ModelGraphField, RewriteGraph(model, field.PayloadOffset, field.PayloadLength, initializers, pinnedInputs));
        }
        if (!sawGraph) throw new OnnxFormatException("the model has no graph");
        return output.ToArray();
    }

    private static byte[] RewriteGraph(byte[] bytes, int offset, int length, IReadOnlyList<(string Name, byte[] TensorProto)> initializers, IReadOnlyDictionary<string, (ElementType Type, long[] Shape)> pinnedInputs)
    {
        var graph = new ProtobufWriter();
        foreach (var field in Fields(bytes, offset, length))
        {
            if (field.Number == GraphInputField && field.WireType == 2 && pinnedInputs.Count > 0)
            {
                string name = ValueInfoName(bytes, field.PayloadOffset, field.PayloadLength);
                if (pinnedInputs.TryGetValue(name, out var pinned)) { graph.BytesField(GraphInputField, ValueInfo(name, pinned.Type, pinned.Shape)); continue; }
            }
            graph.Raw(bytes, field.Start, field.End - field.Start);
        }
        foreach (var (name, proto) in initializers)
        {
            // A later scalar field wins in protobuf, so appending the name renames the tensor to the graph input it feeds.
            var renamed = new ProtobufWriter().Raw(proto, 0, proto.Length).StringField(TensorNameField, name).ToArray();
            graph.BytesField(GraphInitializerField, renamed);
        }
        return graph.ToArray();
    }

    private static string ValueInfoName(byte[] bytes, int offset, int length)
    {
        var reader = new ProtobufReader(bytes, offset, length);
        while (reader.TryReadTag(out int field, out int wire))
        {
            if (field == ValueInfoNameField && wire == 2) return reader.ReadString();
            reader.Skip(wire);
        }
        return "";
    }

    /// <summary>ValueInfoProto{name, type: TypeProto{tensor_type: {elem_type, shape: {dim: {dim_value}}}}}.</summary>
    private static byte[] ValueInfo(string name, ElementType type, long[] shape)
    {
        var dims = new ProtobufWriter();
        foreach (var d in shape) dims.BytesField(1, new ProtobufWriter().VarintField(1, d).ToArray());
        var tensorType = new ProtobufWriter().VarintField(1, (long)type).BytesField(2, dims.ToArray()).ToArray();
        var typeProto = new ProtobufWriter().BytesField(1, tensorType).ToArray();
        return new ProtobufWriter().StringField(ValueInfoNameField, name).BytesField(ValueInfoTypeField, typeProto).ToArray();
    }

    private readonly record struct Field(int Number, int WireType, int Start, int End, int PayloadOffset, int PayloadLength);

    private static IEnumerable<Field> Fields(byte[] bytes, int offset, int length)
    {
        var reader = new ProtobufReader(bytes, offset, length);
        var fields = new List<Field>();
        while (true)
        {
            int start = reader.Position;
            if (!reader.TryReadTag(out int number, out int wire)) break;
            int payloadOffset = 0, payloadLength = 0;
            if (wire == 2) (payloadOffset, payloadLength) = reader.ReadLengthDelimited();
            else reader.Skip(wire);
            fields.Add(new Field(number, wire, start, reader.Position, payloadOffset, payloadLength));
        }
        return fields;
    }
}
