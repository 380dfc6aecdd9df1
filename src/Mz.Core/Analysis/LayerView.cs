using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Ir;
using Mz.Core.Lowering;

namespace Mz.Core.Analysis;

/// <summary>
/// A feed-forward network read as the discrete dynamical system of MZ.md (1.1): an optional affine input
/// embedding (its output is layer 0), layer maps X_{n+1} = H_n(X_n) for n = 0..L−1, and an affine readout of X_L
/// whose logits the analysis uses (an output Sigmoid/Softmax is recorded but not analysed).
/// </summary>
public sealed class LayerView
{
    public LayerView(int inputWidth, AffineMap? embedding, IReadOnlyList<LayerMap> layers, AffineMap readout,
        OutputActivation outputActivation = OutputActivation.Identity, IReadOnlyList<string>? stateValues = null, string logitValue = "")
    {
        int width = embedding?.OutputWidth ?? inputWidth;
        if (embedding != null && embedding.InputWidth != inputWidth) throw new ArgumentException($"embedding takes {embedding.InputWidth} inputs, the network has {inputWidth}");
        for (int n = 0; n < layers.Count; n++)
        {
            if (layers[n].InputWidth != width) throw new ArgumentException($"layer {n} takes width {layers[n].InputWidth}, layer state {n} has width {width}");
            width = layers[n].OutputWidth;
        }
        if (readout.InputWidth != width) throw new ArgumentException($"readout takes width {readout.InputWidth}, the last state has width {width}");
        if (stateValues != null && stateValues.Count != layers.Count + 1) throw new ArgumentException("one value name per layer state is needed");
        InputWidth = inputWidth;
        Embedding = embedding;
        Layers = layers;
        Readout = readout;
        OutputActivation = outputActivation;
        StateValues = stateValues ?? Enumerable.Repeat("", layers.Count + 1).ToArray();
        LogitValue = logitValue;
    }

    public int InputWidth { get; }
    public AffineMap? Embedding { get; }
    public IReadOnlyList<LayerMap> Layers { get; }
    public AffineMap Readout { get; }
    public OutputActivation OutputActivation { get; }

    /// <summary>Graph value holding layer state n (n = 0..L); empty for hand-built views.</summary>
    public IReadOnlyList<string> StateValues { get; }

    public string LogitValue { get; }

    /// <summary>L, the number of layer maps.</summary>
    public int Depth => Layers.Count;

    public int OutputWidth => Readout.OutputWidth;

    /// <summary>
    /// Whether top-1 agreement means something: several outputs (arg-max) or one sigmoid output (a binary decision,
    /// the logit's sign); a single linear output is a regression.
    /// </summary>
    public bool HasDecision => OutputWidth > 1 || OutputActivation == OutputActivation.Sigmoid;

    /// <summary>N_n, the width of layer state n.</summary>
    public int StateWidth(int n) => n == 0 ? Embedding?.OutputWidth ?? InputWidth : Layers[n - 1].OutputWidth;

    /// <summary>Layer states X_0..X_L for every input row (samples as rows), evaluated in float64 by the layer maps.</summary>
    public IReadOnlyList<Matrix<double>> Forward(Matrix<double> inputs)
    {
        var states = new List<Matrix<double>>(Depth + 1) { Embedding?.ApplyToRows(inputs) ?? inputs };
        foreach (var layer in Layers) states.Add(layer.ApplyToRows(states[states.Count - 1]));
        return states;
    }

    public Matrix<double> Logits(Matrix<double> lastStates) => Readout.ApplyToRows(lastStates);

    /// <summary>What the network returns for these logits: the output activation (sigmoid, softmax over each row) applied, or the logits themselves.</summary>
    public Matrix<double> Outputs(Matrix<double> logits)
    {
        switch (OutputActivation)
        {
            case OutputActivation.Sigmoid:
                return logits.Map(v => v >= 0 ? 1 / (1 + Math.Exp(-v)) : Math.Exp(v) / (1 + Math.Exp(v)));
            case OutputActivation.Softmax:
                var outputs = logits.Clone();
                for (int i = 0; i < outputs.RowCount; i++)
                {
                    // Shifted by the row's largest logit, so no term overflows.
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < outputs.ColumnCount; j++) max = Math.Max(max, outputs[i, j]);
                    double sum = 0;
                    for (int j = 0; j < outputs.ColumnCount; j++) sum += outputs[i, j] = Math.Exp(outputs[i, j] - max);
                    for (int j = 0; j < outputs.ColumnCount; j++) outputs[i, j] /= sum;
                }
                return outputs;
            default:
                return logits;
        }
    }

    /// <summary>
    /// Reads the layer structure of a prepared graph. Recognised chains, as exported by PyTorch and scikit-learn:
    /// Gemm, or MatMul followed by Add of a constant, as the affine part; Relu/Tanh/Sigmoid activations; a residual
    /// block Add(x, [Mul(h,] σ(affine(x)) [)]); a first affine without activation is the input embedding; the last
    /// affine, optionally followed by Sigmoid or Softmax, is the readout.
    /// </summary>
    public static LayerView FromGraph(PreparedGraph graph)
    {
        if (graph.Inputs.Count != 1 || graph.Outputs.Count != 1)
            throw new LayerViewException($"the layer view needs exactly one input and one output; the graph has {graph.Inputs.Count} and {graph.Outputs.Count}");
        var reader = new ChainReader(graph);
        return reader.Read();
    }

    private sealed class ChainReader
    {
        private readonly PreparedGraph _graph;
        private readonly Dictionary<string, List<Node>> _consumers = new(StringComparer.Ordinal);
        private readonly HashSet<Node> _used = new();
        private readonly string _output;

        public ChainReader(PreparedGraph graph)
        {
            _graph = graph;
            _output = graph.Outputs[0].Name;
            // A trailing Identity (declared networks and some exporters name the output that way) is the output itself.
            for (var identity = TrailingIdentity(_output); identity != null; identity = TrailingIdentity(_output))
            {
                _used.Add(identity);
                _output = identity.Inputs[0];
            }
            foreach (var node in graph.Nodes)
                foreach (var input in node.Inputs.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal))
                {
                    if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = new List<Node>();
                    list.Add(node);
                }
        }

        public LayerView Read()
        {
            var input = _graph.Inputs[0].Name;
            int inputWidth = checked((int)_graph.SizePerRow(input));
            string state = FlattenedInput(input);
            AffineMap? embedding = null;
            string? embeddingOutput = null;
            var layers = new List<LayerMap>();
            var stateValues = new List<string>();
            while (true)
            {
                state = PassThrough(state);
                var affineNode = Consumers(state).Where(IsAffine).ToList();
                if (affineNode.Count == 0 && state == _output)
                {
                    var last = _graph.Nodes.FirstOrDefault(n => n.Outputs.Contains(state));
                    throw new LayerViewException(last == null
                        ? "the graph has no Gemm or MatMul layer to read"
                        : $"the graph ends in {last.OpType} '{last.DisplayName}' after its last Gemm or MatMul; the analysis needs the network to end in an affine readout, optionally followed by Softmax or Sigmoid");
                }
                if (affineNode.Count != 1)
                {
                    // Name what is there instead, so the message points at the op the analysis does not read.
                    var others = Consumers(state).Where(n => !IsAffine(n)).Select(n => $"{n.OpType} '{n.DisplayName}'").ToList();
                    string found = others.Count > 0 ? "it feeds " + string.Join(", ", others)
                        : affineNode.Count == 0 ? "nothing reads it" : $"it feeds {affineNode.Count} Gemm/MatMul nodes";
                    throw new LayerViewException($"the analysis reads chains of Gemm or MatMul layers with Relu, Tanh or Sigmoid and residual blocks; value '{state}' should feed exactly one Gemm or MatMul, but {found}");
                }
                var (affine, affineOut) = ReadAffine(affineNode[0], state);
                if (affineOut != _output) affineOut = PassThrough(affineOut);
                var next = Consumers(affineOut);
                var activation = next.Count == 1 ? ActivationOf(next[0]) : null;

                if (activation != null && !IsFinalSquash(next[0], out _))
                {
                    var activationNode = next[0];
                    _used.Add(activationNode);
                    string activated = PassThrough(activationNode.Outputs[0]);
                    if (TryReadResidual(state, activated, out double step, out string residualOut))
                    {
                        layers.Add(new LayerMap(LayerMapKind.Residual, affine.Weight, affine.Bias, activation.Value, step, state, residualOut));
                        state = residualOut;
                        continue;
                    }
                    layers.Add(new LayerMap(LayerMapKind.Dense, affine.Weight, affine.Bias, activation.Value, 1.0, state, activated));
                    state = activated;
                    continue;
                }

                // No hidden activation: the readout, or (first) the input embedding, or a linear layer.
                var squash = OutputActivation.Identity;
                bool isReadout = affineOut == _output;
                if (!isReadout && next.Count == 1 && IsFinalSquash(next[0], out squash))
                {
                    _used.Add(next[0]);
                    isReadout = true;
                }
                if (isReadout)
                {
                    if (layers.Count == 0)
                        throw new LayerViewException("the network has no hidden layer between its input and its readout (affine maps and normalisation only): there is no layer memory to analyse and nothing to reduce");
                    stateValues.Add(embeddingOutput ?? FlattenedInput(input));
                    foreach (var layer in layers) stateValues.Add(layer.OutputValue);
                    int unused = _graph.Nodes.Count(n => !_used.Contains(n));
                    if (unused > 0)
                        throw new LayerViewException($"{unused} node(s) are not part of the layer chain, e.g. '{_graph.Nodes.First(n => !_used.Contains(n)).DisplayName}'");
                    return new LayerView(inputWidth, embedding, layers, affine, squash, stateValues, affineOut);
                }
                if (embedding == null && layers.Count == 0)
                {
                    embedding = affine;
                    embeddingOutput = affineOut;
                }
                else layers.Add(new LayerMap(LayerMapKind.Dense, affine.Weight, affine.Bias, Activation.Identity, 1.0, state, affineOut));
                state = affineOut;
            }
        }

        /// <summary>
        /// The input as [batch, features]: the input itself, or the output of the Reshape or Flatten that exporters put
        /// first when the model takes images ([N, 1, 28, 28] → [N, 784]), which only relabels the same row-major values.
        /// </summary>
        private string FlattenedInput(string input)
        {
            var shape = _graph.Shapes[input];
            if (shape.Length == 2) return input;
            var first = Consumers(input);
            if (first.Count == 1 && first[0].OpType is "Reshape" or "Flatten" && first[0].Inputs[0] == input
                && _graph.Shapes.TryGetValue(first[0].Outputs[0], out var flat) && flat.Length == 2 && flat[0].PerBatch && flat[0].Factor == 1
                && _graph.SizePerRow(first[0].Outputs[0]) == _graph.SizePerRow(input))
            {
                _used.Add(first[0]);
                return first[0].Outputs[0];
            }
            throw new LayerViewException($"input '{input}' must be [batch, features] or be flattened to it first; it has shape [{string.Join(", ", shape.Select(d => d.ToString()))}]");
        }

        /// <summary>
        /// Follows <paramref name="value"/> through nodes that pass it on unchanged at inference: Identity, and Dropout
        /// (the graph preparer has already refused training mode) whose mask nobody reads.
        /// </summary>
        private string PassThrough(string value)
        {
            while (value != _output)
            {
                var after = Consumers(value);
                if (after.Count != 1) return value;
                var node = after[0];
                bool unchanged = node.OpType == "Identity"
                    || node.OpType == "Dropout" && node.Outputs.Skip(1).All(mask => mask.Length == 0 || Consumers(mask).Count == 0);
                if (!unchanged || node.Inputs[0] != value) return value;
                _used.Add(node);
                value = node.Outputs[0];
            }
            return value;
        }

        private Node? TrailingIdentity(string value) =>
            _graph.Nodes.FirstOrDefault(n => n.OpType == "Identity" && n.Outputs.Count == 1 && n.Outputs[0] == value && n.Inputs.Count == 1 && !_used.Contains(n));

        private List<Node> Consumers(string value) => _consumers.TryGetValue(value, out var list) ? list : new List<Node>();

        private static bool IsAffine(Node node) => node.OpType is "Gemm" or "MatMul";

        private static Activation? ActivationOf(Node node) => node.OpType switch
        {
            "Relu" => Activation.Relu,
            "Tanh" => Activation.Tanh,
            "Sigmoid" => Activation.Sigmoid,
            _ => null,
        };

        /// <summary>A Sigmoid or Softmax (over the feature axis) whose output is the graph output.</summary>
        private bool IsFinalSquash(Node node, out OutputActivation squash)
        {
            squash = OutputActivation.Identity;
            if (node.Outputs[0] != _output) return false;
            if (node.OpType == "Sigmoid") { squash = OutputActivation.Sigmoid; return true; }
            if (node.OpType == "Softmax" && (node.GetInt("axis", _graph.Opset >= 13 ? -1 : 1) is -1 or 1)) { squash = OutputActivation.Softmax; return true; }
            return false;
        }

        private (AffineMap Map, string Output) ReadAffine(Node node, string input)
        {
            _used.Add(node);
            if (node.Inputs[0] != input) throw new LayerViewException($"node '{node.DisplayName}' must take '{input}' as its first operand");
            var b = Constant(node, 1);
            if (b.Dims.Length != 2) throw new LayerViewException($"node '{node.DisplayName}': the weight must be a matrix");
            var raw = b.ToDoubleArray();
            int rows = (int)b.Dims[0], cols = (int)b.Dims[1];
            if (node.OpType == "Gemm")
            {
                if (node.GetInt("transA", 0) != 0) throw new LayerViewException($"node '{node.DisplayName}': transA is not supported");
                double alpha = node.GetFloat("alpha", 1f), beta = node.GetFloat("beta", 1f);
                bool transB = node.GetInt("transB", 0) != 0;
                // Stored weight is (out × in): B itself when transB, else Bᵀ.
                var weight = transB
                    ? Matrix<double>.Build.Dense(rows, cols, (i, j) => alpha * raw[i * cols + j])
                    : Matrix<double>.Build.Dense(cols, rows, (i, j) => alpha * raw[j * cols + i]);
                var bias = Vector<double>.Build.Dense(weight.RowCount);
                if (node.HasInput(2)) FillBias(node, Constant(node, 2), bias, beta);
                return AbsorbBatchNormalization(weight, bias, node.Outputs[0]);
            }
            var matmulWeight = Matrix<double>.Build.Dense(cols, rows, (i, j) => raw[j * cols + i]);
            var matmulBias = Vector<double>.Build.Dense(cols);
            string output = node.Outputs[0];
            var after = Consumers(output);
            if (after.Count == 1 && after[0].OpType == "Add")
            {
                var add = after[0];
                string other = add.Inputs[0] == output ? add.Inputs[1] : add.Inputs[0];
                if (_graph.Constants.ContainsKey(other))
                {
                    _used.Add(add);
                    FillBias(add, _graph.Constants[other], matmulBias, 1.0);
                    output = add.Outputs[0];
                }
            }
            return AbsorbBatchNormalization(matmulWeight, matmulBias, output);
        }

        /// <summary>
        /// An inference BatchNormalization right after the affine part (PyTorch's Linear → BatchNorm1d) is itself affine
        /// per feature, y = γ (x − μ) / √(σ² + ε) + β, so it folds into the weight and bias; without one, the map as is.
        /// </summary>
        private (AffineMap Map, string Output) AbsorbBatchNormalization(Matrix<double> weight, Vector<double> bias, string output)
        {
            var after = Consumers(output);
            if (after.Count != 1 || after[0].OpType != "BatchNormalization" || after[0].Inputs[0] != output) return (new AffineMap(weight, bias), output);
            var norm = after[0];
            if (norm.GetInt("training_mode", 0) != 0 || norm.Outputs.Count(o => o.Length > 0) != 1) return (new AffineMap(weight, bias), output);
            double epsilon = norm.GetFloat("epsilon", 1e-5f);
            var parts = new double[4][];
            for (int k = 0; k < 4; k++)
            {
                parts[k] = Constant(norm, k + 1).ToDoubleArray();
                if (parts[k].Length != bias.Count)
                    throw new LayerViewException($"node '{norm.DisplayName}': operand {k + 1} has {parts[k].Length} values, expected one per feature ({bias.Count})");
            }
            var (scale, shift, mean, variance) = (parts[0], parts[1], parts[2], parts[3]);
            var folded = weight.Clone();
            var foldedBias = bias.Clone();
            for (int i = 0; i < bias.Count; i++)
            {
                double factor = scale[i] / Math.Sqrt(variance[i] + epsilon);
                for (int j = 0; j < weight.ColumnCount; j++) folded[i, j] *= factor;
                foldedBias[i] = factor * (bias[i] - mean[i]) + shift[i];
            }
            _used.Add(norm);
            return (new AffineMap(folded, foldedBias), norm.Outputs[0]);
        }

        private TensorData Constant(Node node, int index)
        {
            if (!node.HasInput(index) || !_graph.Constants.TryGetValue(node.Inputs[index], out var data))
                throw new LayerViewException($"node '{node.DisplayName}': operand {index} must be a constant");
            return data;
        }

        private static void FillBias(Node node, TensorData data, Vector<double> bias, double scale)
        {
            var values = data.ToDoubleArray();
            if (values.Length != 1 && values.Length != bias.Count)
                throw new LayerViewException($"node '{node.DisplayName}': bias has {values.Length} values, expected {bias.Count}");
            for (int i = 0; i < bias.Count; i++) bias[i] = scale * values[values.Length == 1 ? 0 : i];
        }

        /// <summary>Add(x, h·σ) or Add(x, σ), in either operand order, with h a constant scalar.</summary>
        private bool TryReadResidual(string state, string activated, out double step, out string output)
        {
            step = 1;
            output = "";
            var after = Consumers(activated);
            if (after.Count != 1) return false;
            var node = after[0];
            string branch = activated;
            Node? mul = null;
            if (node.OpType == "Mul")
            {
                string other = node.Inputs[0] == activated ? node.Inputs[1] : node.Inputs[0];
                if (!_graph.Constants.TryGetValue(other, out var h) || h.ElementCount != 1) return false;
                step = h.GetDouble(0);
                mul = node;
                branch = node.Outputs[0];
                var afterMul = Consumers(branch);
                if (afterMul.Count != 1) return false;
                node = afterMul[0];
            }
            if (node.OpType != "Add") return false;
            bool matches = node.Inputs.Count == 2 && (node.Inputs[0] == state && node.Inputs[1] == branch || node.Inputs[1] == state && node.Inputs[0] == branch);
            if (!matches) return false;
            if (mul != null) _used.Add(mul);
            _used.Add(node);
            output = node.Outputs[0];
            return true;
        }
    }
}
