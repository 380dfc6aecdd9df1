using System;
using System.Collections.Generic;
using Mz.Core.Ir;
using Mz.Core.Lowering;

namespace Mz.Core.Stochastic;

/// <summary>
/// Recognises a feed-forward MLP or residual network in a prepared graph and turns it into a
/// <see cref="StochasticLayerStack"/>. Accepted per layer: Gemm or MatMul (+ Add of a constant bias), one
/// activation (Relu, Tanh, Sigmoid, Gelu) or none, an optional Mul by a constant scalar (the residual step Δ),
/// and an Add of the layer input for residual blocks. The last affine map is the readout, optionally followed
/// by an output activation. Anything else is rejected with a message naming the node, because a silently
/// misread network would make every stochastic estimate wrong.
/// </summary>
public static class StochasticLayerStackReader
{
    private enum Stage { State, Affine, Activated, Scaled }

    /// <summary>What a value in the graph is, relative to the current state X_n.</summary>
    private sealed class Tracked
    {
        public Stage Stage;
        public double[] Weights = Array.Empty<double>();
        public double[] Bias = Array.Empty<double>();
        public int Outputs;
        public LayerActivation Activation = LayerActivation.Identity;
        public double Step = 1;
    }

    public static StochasticLayerStack Read(PreparedGraph graph)
    {
        if (graph.Inputs.Count != 1 || graph.Outputs.Count != 1)
            throw new NotSupportedException($"a stochastic layer stack needs one input and one output; the model has {graph.Inputs.Count} and {graph.Outputs.Count}");
        string input = graph.Inputs[0].Name;
        int inputWidth = checked((int)graph.SizePerRow(input));
        var layers = new List<StochasticLayer>();
        var values = new Dictionary<string, Tracked>(StringComparer.Ordinal) { [input] = new Tracked { Stage = Stage.State, Outputs = inputWidth } };
        string state = input;
        int width = inputWidth;

        foreach (var node in graph.Nodes)
        {
            Tracked Get(int index)
            {
                if (!node.HasInput(index) || !values.TryGetValue(node.Inputs[index], out var t))
                    throw Unsupported(node, "it does not read the network state or a value derived from it");
                return t;
            }

            Tracked result;
            switch (node.OpType)
            {
                case "Identity":
                    result = Get(0);
                    break;
                case "Gemm":
                case "MatMul":
                {
                    var source = Get(0);
                    if (source.Stage is Stage.Activated or Stage.Affine && node.Inputs[0] != state)
                    {
                        // An activated value feeding the next affine map closes a plain MLP layer; an affine one closes
                        // a linear layer (e.g. an input embedding), which is an MLP layer with the identity activation.
                        layers.Add(new StochasticLayer(source.Weights, source.Bias, width, source.Stage == Stage.Affine ? LayerActivation.Identity : source.Activation, null));
                        state = node.Inputs[0];
                        width = source.Outputs;
                        source = new Tracked { Stage = Stage.State, Outputs = width };
                        values[state] = source;
                    }
                    if (source.Stage != Stage.State || node.Inputs[0] != state)
                        throw Unsupported(node, "its input is not the current layer state");
                    result = ReadAffine(graph, node, width);
                    break;
                }
                case "Add":
                {
                    int stateSide = IsTracked(values, node, 0) ? 0 : 1;
                    int otherSide = 1 - stateSide;
                    var first = Get(stateSide);
                    if (!IsTracked(values, node, otherSide))
                    {
                        if (first.Stage != Stage.Affine) throw Unsupported(node, "only a bias may be added to an affine map");
                        var bias = Constant(graph, node, otherSide);
                        if (bias.Length != first.Outputs) throw Unsupported(node, $"the bias has {bias.Length} values for {first.Outputs} outputs");
                        var sum = (double[])first.Bias.Clone();
                        for (int i = 0; i < sum.Length; i++) sum[i] += bias[i];
                        result = new Tracked { Stage = Stage.Affine, Weights = first.Weights, Bias = sum, Outputs = first.Outputs };
                        break;
                    }
                    var a = Get(0);
                    var b = Get(1);
                    var branch = a.Stage == Stage.State && node.Inputs[0] == state ? b : b.Stage == Stage.State && node.Inputs[1] == state ? a : null;
                    if (branch == null || branch.Stage is not (Stage.Activated or Stage.Scaled))
                        throw Unsupported(node, "a residual Add must add an (optionally scaled) activated branch to the layer state");
                    layers.Add(new StochasticLayer(branch.Weights, branch.Bias, width, branch.Activation, branch.Step));
                    state = node.Outputs[0];
                    result = new Tracked { Stage = Stage.State, Outputs = width };
                    break;
                }
                case "Mul":
                {
                    int side = IsTracked(values, node, 0) ? 0 : 1;
                    var source = Get(side);
                    var factor = Constant(graph, node, 1 - side);
                    if (factor.Length != 1 || source.Stage != Stage.Activated) throw Unsupported(node, "only a scalar residual step Δ·σ(·) is supported");
                    result = new Tracked { Stage = Stage.Scaled, Weights = source.Weights, Bias = source.Bias, Outputs = source.Outputs, Activation = source.Activation, Step = source.Step * factor[0] };
                    break;
                }
                case "Relu":
                case "Tanh":
                case "Sigmoid":
                case "Gelu":
                {
                    var source = Get(0);
                    if (source.Stage != Stage.Affine) throw Unsupported(node, "an activation must follow an affine map");
                    if (node.OpType == "Gelu" && node.GetString("approximate", "none") != "none") throw Unsupported(node, "only the exact (erf) GELU is supported");
                    var activation = node.OpType switch
                    {
                        "Relu" => LayerActivation.Relu,
                        "Tanh" => LayerActivation.Tanh,
                        "Sigmoid" => LayerActivation.Sigmoid,
                        _ => LayerActivation.Gelu,
                    };
                    result = new Tracked { Stage = Stage.Activated, Weights = source.Weights, Bias = source.Bias, Outputs = source.Outputs, Activation = activation };
                    break;
                }
                default:
                    throw Unsupported(node, "this op is not part of an MLP or residual layer");
            }
            values[node.Outputs[0]] = result;
        }

        string output = graph.Outputs[0].Name;
        if (!values.TryGetValue(output, out var last) || last.Stage is not (Stage.Affine or Stage.Activated))
            throw new NotSupportedException($"the graph output '{output}' is not an affine readout (optionally followed by an activation)");
        var readout = new StochasticReadout(last.Weights, last.Bias, width, last.Activation);
        return new StochasticLayerStack(inputWidth, layers, readout);
    }

    private static bool IsTracked(Dictionary<string, Tracked> values, Node node, int index) => node.HasInput(index) && values.ContainsKey(node.Inputs[index]);

    /// <summary>Reads W (outputs × inputs, row-major) and b from Gemm or MatMul.</summary>
    private static Tracked ReadAffine(PreparedGraph graph, Node node, int width)
    {
        var data = Tensor(graph, node, 1);
        if (data.Dims.Length != 2) throw Unsupported(node, "the weight must be a matrix");
        var raw = data.ToDoubleArray();
        bool transposed = node.OpType == "Gemm" && node.GetInt("transB", 0) != 0;
        if (node.OpType == "Gemm" && node.GetInt("transA", 0) != 0) throw Unsupported(node, "transA is not supported");
        int rows = (int)data.Dims[0], columns = (int)data.Dims[1];
        int outputs = transposed ? rows : columns, inputs = transposed ? columns : rows;
        if (inputs != width) throw Unsupported(node, $"the weight takes {inputs} values but the state has {width}");
        double alpha = node.OpType == "Gemm" ? node.GetFloat("alpha", 1f) : 1, beta = node.OpType == "Gemm" ? node.GetFloat("beta", 1f) : 1;
        var weights = new double[outputs * inputs];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++)
                weights[o * inputs + i] = alpha * (transposed ? raw[o * columns + i] : raw[i * columns + o]);
        var bias = new double[outputs];
        if (node.OpType == "Gemm" && node.HasInput(2))
        {
            var c = Constant(graph, node, 2);
            if (c.Length != outputs && c.Length != 1) throw Unsupported(node, "the bias does not broadcast over the outputs");
            for (int o = 0; o < outputs; o++) bias[o] = beta * c[c.Length == 1 ? 0 : o];
        }
        return new Tracked { Stage = Stage.Affine, Weights = weights, Bias = bias, Outputs = outputs };
    }

    private static TensorData Tensor(PreparedGraph graph, Node node, int index)
    {
        if (!node.HasInput(index) || !graph.Constants.TryGetValue(node.Inputs[index], out var data))
            throw Unsupported(node, $"input {index} must be a constant");
        return data;
    }

    private static double[] Constant(PreparedGraph graph, Node node, int index) => Tensor(graph, node, index).ToDoubleArray();

    private static NotSupportedException Unsupported(Node node, string why) =>
        new($"node '{node.DisplayName}' ({node.OpType}) cannot be read as part of a feed-forward layer stack: {why}");
}
