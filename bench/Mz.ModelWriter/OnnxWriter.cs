using System.Text;

namespace Mz.Benchmarks.Models;

/// <summary>
/// Writes a fully connected network (Gemm with transB = 1, as PyTorch exports it, plus an activation between layers) as
/// an ONNX model: just enough protobuf for the benchmark models, the large-weights test and the trained deep tanh MLP.
/// </summary>
public static class OnnxWriter
{
    /// <summary>Widths [in, h1, ..., out]; weights uniform in ±1/√fan-in from <paramref name="seed"/>, biases ±0.1.</summary>
    public static byte[] WriteMlp(IReadOnlyList<int> widths, int seed)
    {
        var random = new Random(seed);
        var layers = new List<DenseLayer>();
        for (int layer = 0; layer + 1 < widths.Count; layer++)
        {
            int fanIn = widths[layer], fanOut = widths[layer + 1];
            float limit = 1f / MathF.Sqrt(fanIn);
            var weight = new float[fanOut * fanIn];
            for (int i = 0; i < weight.Length; i++) weight[i] = (float)(random.NextDouble() * 2 - 1) * limit;
            var bias = new float[fanOut];
            for (int i = 0; i < bias.Length; i++) bias[i] = (float)(random.NextDouble() * 0.2 - 0.1);
            layers.Add(new DenseLayer($"fc{layer}", fanIn, fanOut, weight, bias));
        }
        return WriteDense(layers, "Relu", graphName: "mlp", producer: "Mz.ModelWriter", batchName: "batch");
    }

    /// <summary>One fully connected layer: weight [outputs, inputs] row-major (PyTorch nn.Linear), bias [outputs].</summary>
    public sealed record DenseLayer(string Name, int Inputs, int Outputs, float[] Weight, float[] Bias);

    /// <summary>
    /// Gemm (transB = 1) per layer with <paramref name="activation"/> (an ONNX op type such as Relu or Tanh) between
    /// layers and none after the last; initializers are named "{layer}.weight" / "{layer}.bias".
    /// </summary>
    public static byte[] WriteDense(IReadOnlyList<DenseLayer> layers, string activation, string graphName, string producer, string batchName)
    {
        var graph = new Proto();
        string current = "x";
        string activationPrefix = activation.ToLowerInvariant();
        for (int layer = 0; layer < layers.Count; layer++)
        {
            var dense = layers[layer];
            if (dense.Weight.Length != dense.Outputs * dense.Inputs || dense.Bias.Length != dense.Outputs)
                throw new ArgumentException($"layer '{dense.Name}' has {dense.Weight.Length} weights and {dense.Bias.Length} biases for [{dense.Outputs}, {dense.Inputs}]");
            graph.Message(5, Initializer($"{dense.Name}.weight", new long[] { dense.Outputs, dense.Inputs }, dense.Weight));
            graph.Message(5, Initializer($"{dense.Name}.bias", new long[] { dense.Outputs }, dense.Bias));

            bool last = layer + 1 == layers.Count;
            string gemmOutput = last ? "y" : $"{dense.Name}_out";
            var gemm = new Proto().String(1, current).String(1, $"{dense.Name}.weight").String(1, $"{dense.Name}.bias").String(2, gemmOutput)
                .String(3, dense.Name).String(4, "Gemm").Message(5, new Proto().String(1, "transB").Varint(3, 1).Varint(20, 2));
            graph.Message(1, gemm);
            current = gemmOutput;
            if (!last)
            {
                // The random-weight models keep their historical node names ("relu{layer}"), so their bytes do not change.
                string name = $"{activationPrefix}{layer}";
                graph.Message(1, new Proto().String(1, current).String(2, $"{name}_out").String(3, name).String(4, activation));
                current = $"{name}_out";
            }
        }
        graph.String(2, graphName);
        graph.Message(11, ValueInfo("x", layers[0].Inputs, batchName));
        graph.Message(12, ValueInfo("y", layers[layers.Count - 1].Outputs, batchName));
        var model = new Proto().Varint(1, 8).String(2, producer).Message(7, graph).Message(8, new Proto().String(1, "").Varint(2, 13));
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
    private static Proto ValueInfo(string name, int width, string batchName)
    {
        var shape = new Proto().Message(1, new Proto().String(2, batchName)).Message(1, new Proto().Varint(1, width));
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
