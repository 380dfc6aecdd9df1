using System.Text;

namespace Mz.Benchmarks.Models;

/// <summary>
/// Writes a fully connected network (Gemm with transB = 1, as PyTorch exports it, plus ReLU between layers) as an
/// ONNX model: just enough protobuf for the models the benchmarks and the large-weights test need.
/// </summary>
public static class OnnxWriter
{
    /// <summary>Widths [in, h1, ..., out]; weights uniform in ±1/√fan-in from <paramref name="seed"/>, biases ±0.1.</summary>
    public static byte[] WriteMlp(IReadOnlyList<int> widths, int seed)
    {
        var random = new Random(seed);
        var graph = new Proto();
        string current = "x";
        for (int layer = 0; layer + 1 < widths.Count; layer++)
        {
            int fanIn = widths[layer], fanOut = widths[layer + 1];
            float limit = 1f / MathF.Sqrt(fanIn);
            var weight = new float[fanOut * fanIn];
            for (int i = 0; i < weight.Length; i++) weight[i] = (float)(random.NextDouble() * 2 - 1) * limit;
            var bias = new float[fanOut];
            for (int i = 0; i < bias.Length; i++) bias[i] = (float)(random.NextDouble() * 0.2 - 0.1);
            graph.Message(5, Initializer($"fc{layer}.weight", new long[] { fanOut, fanIn }, weight));
            graph.Message(5, Initializer($"fc{layer}.bias", new long[] { fanOut }, bias));

            bool last = layer + 2 == widths.Count;
            string gemmOutput = last ? "y" : $"fc{layer}_out";
            var gemm = new Proto().String(1, current).String(1, $"fc{layer}.weight").String(1, $"fc{layer}.bias").String(2, gemmOutput)
                .String(3, $"fc{layer}").String(4, "Gemm").Message(5, new Proto().String(1, "transB").Varint(3, 1).Varint(20, 2));
            graph.Message(1, gemm);
            current = gemmOutput;
            if (!last)
            {
                graph.Message(1, new Proto().String(1, current).String(2, $"relu{layer}_out").String(3, $"relu{layer}").String(4, "Relu"));
                current = $"relu{layer}_out";
            }
        }
        graph.String(2, "mlp");
        graph.Message(11, ValueInfo("x", widths[0]));
        graph.Message(12, ValueInfo("y", widths[widths.Count - 1]));
        var model = new Proto().Varint(1, 8).String(2, "Mz.ModelWriter").Message(7, graph).Message(8, new Proto().String(1, "").Varint(2, 13));
        return model.ToArray();
    }

    private static Proto Initializer(string name, long[] dims, float[] values)
    {
        var tensor = new Proto();
        foreach (var d in dims) tensor.Varint(1, d);
        tensor.Varint(2, 1); // FLOAT
        tensor.String(8, name);
        var raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length); // little-endian on every platform .NET runs these benchmarks on
        tensor.Bytes(9, raw);
        return tensor;
    }

    /// <summary>A float tensor [batch, width] with a symbolic batch dimension.</summary>
    private static Proto ValueInfo(string name, int width)
    {
        var shape = new Proto().Message(1, new Proto().String(2, "batch")).Message(1, new Proto().Varint(1, width));
        var tensorType = new Proto().Varint(1, 1).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    /// <summary>A protobuf message under construction.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _bytes = new();

        public Proto Varint(int field, long value)
        {
            WriteVarint((ulong)(field << 3));
            WriteVarint((ulong)value);
            return this;
        }

        public Proto Bytes(int field, byte[] value)
        {
            WriteVarint((ulong)(field << 3 | 2));
            WriteVarint((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto value) => Bytes(field, value.ToArray());

        public byte[] ToArray() => _bytes.ToArray();

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _bytes.WriteByte((byte)value);
        }
    }
}
