using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Mz.Core.Ir;

namespace Mz.Core.Declared;

/// <summary>
/// Builds the shared graph IR from layers declared in attributes and tensors from a weights file, so that a
/// safetensors + attributes network goes through exactly the same preparation, planning and emission as an
/// ONNX file. Shapes are checked layer by layer with expected-versus-actual messages.
/// </summary>
public static class DeclaredNetworkBuilder
{
    private static readonly HashSet<string> Activations = new(StringComparer.Ordinal) { "None", "Relu", "Tanh", "Sigmoid" };

    public static Graph Build(int inputSize, WeightLayout layout, IReadOnlyList<DeclaredLayer> layers, IReadOnlyDictionary<string, TensorData> tensors)
    {
        if (inputSize <= 0) throw new DeclaredNetworkException(-1, $"InputSize must be positive, got {inputSize}");
        if (layers.Count == 0) throw new DeclaredNetworkException(-1, "no layers are declared; add [MzDense(...)] or [MzResidual(...)] attributes");

        var graph = new Graph { Name = "declared", Producer = "Mz attributes", IrVersion = 8 };
        graph.Opsets[""] = 13;
        bool isDouble = tensors.Values.Any(t => t.Float64 != null);
        var type = isDouble ? ElementType.Float64 : ElementType.Float32;
        graph.DeclaredInputs.Add(new ValueInfo("x", type, new[] { Dim.Named("N"), Dim.Of(inputSize) }));

        string current = "x";
        int width = inputSize;
        int counter = 0;
        string Next(string stem) => stem + "_" + (counter++).ToString(CultureInfo.InvariantCulture);

        for (int index = 0; index < layers.Count; index++)
        {
            var layer = layers[index];
            if (!Activations.Contains(layer.Activation))
                throw new DeclaredNetworkException(index, $"layer {index + 1} {layer.Describe()}: unknown activation '{layer.Activation}'");
            switch (layer.Kind)
            {
                case DeclaredLayerKind.Dense:
                    if (layer.Units <= 0) throw new DeclaredNetworkException(index, $"layer {index + 1} {layer.Describe()}: the number of units must be positive");
                    current = AddDense(graph, tensors, layout, index, layer, layer.Weight, layer.Bias, current, width, layer.Units, Next);
                    current = AddActivation(graph, layer.Activation, current, Next);
                    width = layer.Units;
                    break;
                case DeclaredLayerKind.Residual:
                    if (layer.Count <= 0) throw new DeclaredNetworkException(index, $"layer {index + 1} {layer.Describe()}: Count must be positive");
                    if (layer.Count > 1 && !layer.Weight.Contains("{i}"))
                        throw new DeclaredNetworkException(index, $"layer {index + 1} {layer.Describe()}: with several blocks the weight name needs an '{{i}}' placeholder (e.g. \"blocks.{{i}}.weight\"), got '{layer.Weight}'");
                    for (int block = 0; block < layer.Count; block++)
                    {
                        string i = (layer.StartIndex + block).ToString(CultureInfo.InvariantCulture);
                        string branch = AddDense(graph, tensors, layout, index, layer, layer.Weight.Replace("{i}", i), layer.Bias?.Replace("{i}", i), current, width, width, Next);
                        branch = AddActivation(graph, layer.Activation, branch, Next);
                        if (layer.Step != 1.0)
                        {
                            string step = Next("step");
                            graph.Initializers[step] = new TensorData(step, type, Array.Empty<long>(), float32: isDouble ? null : new[] { (float)layer.Step }, float64: isDouble ? new[] { layer.Step } : null);
                            string scaled = Next("scaled");
                            graph.Nodes.Add(new Node(scaled, "Mul", "", new[] { branch, step }, new[] { scaled }, new Dictionary<string, NodeAttribute>()));
                            branch = scaled;
                        }
                        string sum = Next("residual");
                        graph.Nodes.Add(new Node(sum, "Add", "", new[] { current, branch }, new[] { sum }, new Dictionary<string, NodeAttribute>()));
                        current = sum;
                    }
                    break;
                case DeclaredLayerKind.Softmax:
                    string softmax = Next("softmax");
                    graph.Nodes.Add(new Node(softmax, "Softmax", "", new[] { current }, new[] { softmax }, new Dictionary<string, NodeAttribute>()));
                    current = softmax;
                    break;
            }
        }

        // The last value becomes output "y" through an Identity so the output keeps a stable name.
        graph.Nodes.Add(new Node("output", "Identity", "", new[] { current }, new[] { "y" }, new Dictionary<string, NodeAttribute>()));
        graph.Outputs.Add(new ValueInfo("y", type, new[] { Dim.Named("N"), Dim.Of(width) }));
        return graph;
    }

    private static string AddDense(Graph graph, IReadOnlyDictionary<string, TensorData> tensors, WeightLayout layout, int index, DeclaredLayer layer,
        string weightName, string? biasName, string input, int inputs, int outputs, Func<string, string> next)
    {
        string where = $"layer {index + 1} {layer.Describe()}";
        var weight = Find(tensors, weightName, index, where);
        long[] expected = layout == WeightLayout.OutputsByInputs ? new long[] { outputs, inputs } : new long[] { inputs, outputs };
        if (!weight.Dims.SequenceEqual(expected))
            throw new DeclaredNetworkException(index,
                $"{where}: weight '{weightName}' has shape [{string.Join(", ", weight.Dims)}] but the layer needs [{string.Join(", ", expected)}] " +
                $"({(layout == WeightLayout.OutputsByInputs ? "[out, in]" : "[in, out]")} layout, {inputs} inputs → {outputs} outputs)");
        graph.Initializers[weightName] = weight;
        var inputsList = new List<string> { input, weightName };
        if (biasName != null)
        {
            var bias = Find(tensors, biasName, index, where);
            if (bias.ElementCount != outputs || bias.Dims.Length != 1)
                throw new DeclaredNetworkException(index, $"{where}: bias '{biasName}' has shape [{string.Join(", ", bias.Dims)}] but the layer needs [{outputs}]");
            graph.Initializers[biasName] = bias;
            inputsList.Add(biasName);
        }
        string output = next("dense");
        var attributes = new Dictionary<string, NodeAttribute>(StringComparer.Ordinal);
        if (layout == WeightLayout.OutputsByInputs) attributes["transB"] = new NodeAttribute("transB", AttributeKind.Int) { Int = 1 };
        graph.Nodes.Add(new Node(output, "Gemm", "", inputsList, new[] { output }, attributes));
        return output;
    }

    private static string AddActivation(Graph graph, string activation, string input, Func<string, string> next)
    {
        if (activation == "None") return input;
        string output = next(activation.ToLowerInvariant());
        graph.Nodes.Add(new Node(output, activation, "", new[] { input }, new[] { output }, new Dictionary<string, NodeAttribute>()));
        return output;
    }

    private static TensorData Find(IReadOnlyDictionary<string, TensorData> tensors, string name, int index, string where)
    {
        if (tensors.TryGetValue(name, out var tensor)) return tensor;
        var close = tensors.Keys.Where(k => k.IndexOf(name.Split('.').Last(), StringComparison.Ordinal) >= 0).OrderBy(k => k, StringComparer.Ordinal).Take(6).ToList();
        throw new DeclaredNetworkException(index, $"{where}: the weights file has no tensor '{name}'" + (close.Count > 0 ? $" (similar: {string.Join(", ", close)})" : $" ({tensors.Count} tensors in the file)"));
    }
}
