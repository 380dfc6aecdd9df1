using System.Text;

namespace Mz.Tests.Infrastructure;

/// <summary>
/// Builds ModelProto bytes for tiny hand-made graphs: a protobuf writer (varints, length-delimited fields,
/// fixed32 floats) plus just the ONNX messages tests need. Field numbers follow onnx.proto.
/// </summary>
public sealed class OnnxModelBuilder
{
    private readonly List<byte[]> _nodes = new(), _inputs = new(), _outputs = new(), _initializers = new();
    private readonly long _opset;

    public OnnxModelBuilder(long opset = 13) { _opset = opset; }

    /// <summary>A graph input; null dims are a symbolic batch "N". Element type 1 = FLOAT, 11 = DOUBLE.</summary>
    public OnnxModelBuilder Input(string name, long?[] dims, int elementType = 1) { _inputs.Add(ValueInfo(name, dims, elementType)); return this; }

    public OnnxModelBuilder Output(string name, long?[] dims, int elementType = 1) { _outputs.Add(ValueInfo(name, dims, elementType)); return this; }

    public OnnxModelBuilder Initializer(string name, long[] dims, float[] values)
    {
        _initializers.Add(FloatTensor(name, dims, values));
        return this;
    }

    /// <summary>A float64 (DOUBLE) initializer with raw_data.</summary>
    public OnnxModelBuilder DoubleInitializer(string name, long[] dims, double[] values)
    {
        var w = new Writer();
        foreach (var d in dims) w.Varint(1, (ulong)d);
        w.Varint(2, 11);
        var raw = new byte[values.Length * 8];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        _initializers.Add(w.String(8, name).Bytes(9, raw).ToArray());
        return this;
    }

    /// <summary>A float32 TensorProto with raw_data, as initializers and backend-test .pb files store them.</summary>
    public static byte[] FloatTensor(string name, long[] dims, float[] values)
    {
        var w = new Writer();
        foreach (var d in dims) w.Varint(1, (ulong)d);
        w.Varint(2, 1);
        var raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        return w.String(8, name).Bytes(9, raw).ToArray();
    }

    public OnnxModelBuilder Int64Initializer(string name, long[] dims, long[] values)
    {
        var w = new Writer();
        foreach (var d in dims) w.Varint(1, (ulong)d);
        w.Varint(2, 7);
        foreach (var v in values) w.Varint(7, unchecked((ulong)v));
        _initializers.Add(w.String(8, name).ToArray());
        return this;
    }

    /// <summary>A node; attributes are (name, value) with float, long, string, float[] or long[] values.</summary>
    public OnnxModelBuilder Node(string op, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var w = new Writer();
        foreach (var i in inputs) w.String(1, i);
        foreach (var o in outputs) w.String(2, o);
        w.String(3, op + "_" + _nodes.Count).String(4, op);
        foreach (var (name, value) in attributes) w.Bytes(5, Attribute(name, value));
        _nodes.Add(w.ToArray());
        return this;
    }

    public byte[] Build()
    {
        var graph = new Writer();
        foreach (var n in _nodes) graph.Bytes(1, n);
        graph.String(2, "test");
        foreach (var t in _initializers) graph.Bytes(5, t);
        foreach (var i in _inputs) graph.Bytes(11, i);
        foreach (var o in _outputs) graph.Bytes(12, o);
        var opset = new Writer().String(1, "").Varint(2, (ulong)_opset).ToArray();
        return new Writer().Varint(1, 8).String(2, "mz-tests").Bytes(7, graph.ToArray()).Bytes(8, opset).ToArray();
    }

    private static byte[] ValueInfo(string name, long?[] dims, int elementType)
    {
        var shape = new Writer();
        foreach (var d in dims)
            shape.Bytes(1, d is { } v ? new Writer().Varint(1, (ulong)v).ToArray() : new Writer().String(2, "N").ToArray());
        var tensor = new Writer().Varint(1, (ulong)elementType).Bytes(2, shape.ToArray()).ToArray();
        return new Writer().String(1, name).Bytes(2, new Writer().Bytes(1, tensor).ToArray()).ToArray();
    }

    private static byte[] Attribute(string name, object value)
    {
        var w = new Writer().String(1, name);
        return value switch
        {
            float f => w.Fixed32(2, f).Varint(20, 1).ToArray(),
            long i => w.Varint(3, unchecked((ulong)i)).Varint(20, 2).ToArray(),
            string s => w.String(4, s).Varint(20, 3).ToArray(),
            float[] fs => fs.Aggregate(w, (acc, f) => acc.Fixed32(7, f)).Varint(20, 6).ToArray(),
            long[] ls => ls.Aggregate(w, (acc, l) => acc.Varint(8, unchecked((ulong)l))).Varint(20, 7).ToArray(),
            _ => throw new ArgumentException($"attribute '{name}' has unsupported type {value.GetType().Name}"),
        };
    }

    /// <summary>Protobuf wire format: tag = field·8 + wire type; 0 varint, 2 length-delimited, 5 fixed32.</summary>
    private sealed class Writer
    {
        private readonly MemoryStream _stream = new();

        private void Raw(ulong value)
        {
            for (; value >= 0x80; value >>= 7) _stream.WriteByte((byte)(value | 0x80));
            _stream.WriteByte((byte)value);
        }

        public Writer Varint(int field, ulong value) { Raw((ulong)(field << 3)); Raw(value); return this; }

        public Writer Fixed32(int field, float value) { Raw((ulong)(field << 3 | 5)); _stream.Write(BitConverter.GetBytes(value)); return this; }

        public Writer Bytes(int field, byte[] bytes) { Raw((ulong)(field << 3 | 2)); Raw((ulong)bytes.Length); _stream.Write(bytes); return this; }

        public Writer String(int field, string text) => Bytes(field, Encoding.UTF8.GetBytes(text));

        public byte[] ToArray() => _stream.ToArray();
    }
}
