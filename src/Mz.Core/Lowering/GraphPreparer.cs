using System;
using System.Collections.Generic;
using System.Linq;
using Mz.Core.Interpretation;
using Mz.Core.Ir;

namespace Mz.Core.Lowering;

/// <summary>
/// Validates a <see cref="Graph"/> and turns it into a <see cref="PreparedGraph"/>: sorts nodes, folds
/// constants, and infers every shape as a function of the batch by evaluating the graph on zero inputs at two
/// batch sizes (3 and 5): a dimension that does not change is a constant, one that scales is a multiple of N.
/// Evaluating, rather than keeping a second set of shape rules, means shapes can never disagree with the
/// interpreter.
/// </summary>
public static class GraphPreparer
{
    public const long MaxSupportedOpset = 25;
    private const long ProbeBatchA = 3, ProbeBatchB = 5;

    public static PreparedGraph Prepare(Graph graph, Func<bool>? isCancelled = null)
    {
        var prepared = new PreparedGraph(graph);
        CheckOpsets(graph, prepared);
        foreach (var pair in graph.Initializers) prepared.Constants[pair.Key] = pair.Value;
        CheckInterface(graph, prepared);
        var ordered = SortNodes(graph, prepared.Constants);
        FoldConstants(ordered, prepared, isCancelled);
        InferShapes(prepared);
        // Shape/Size of a value whose shape does not depend on the batch is a constant: fold it and everything
        // downstream (decomposed LayerNormalization and friends compute their shape arithmetic this way).
        while (FoldStaticShapeQueries(prepared))
        {
            var remaining = prepared.Nodes.ToList();
            prepared.Nodes.Clear();
            prepared.Shapes.Clear();
            prepared.IntegerValues.Clear();
            prepared.Warnings.Clear();
            prepared.FixedBatch = null;
            FoldConstants(remaining, prepared, isCancelled);
            InferShapes(prepared);
        }
        CheckRuntimeIntegerUses(prepared);
        return prepared;
    }

    /// <summary>Inputs through which a batch-dependent shape may reach a view (the value only renames storage).</summary>
    private static readonly HashSet<string> ShapeOnlyPositions = new(StringComparer.Ordinal) { "Reshape:1", "Squeeze:1", "Unsqueeze:1" };

    /// <summary>
    /// Integer values computed at run time are shape arithmetic on the batch size. Generated code may only use them
    /// to rename storage (Reshape and friends); any other consumer, and a graph output that folded to a constant,
    /// is reported here instead of failing later in code generation.
    /// </summary>
    private static void CheckRuntimeIntegerUses(PreparedGraph prepared)
    {
        foreach (var node in prepared.Nodes)
        {
            if (node.Outputs.All(o => o.Length == 0 || prepared.IntegerValues.Contains(o))) continue;
            for (int i = 0; i < node.Inputs.Count; i++)
                if (prepared.IntegerValues.Contains(node.Inputs[i]) && !ShapeOnlyPositions.Contains(node.OpType + ":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                    throw new GraphPreparationException("shape",
                        $"node '{node.DisplayName}' ({node.OpType}) uses '{node.Inputs[i]}', an integer value that depends on the batch size at run time; Mz needs it at build time (give the input a fixed shape)",
                        node.DisplayName, node.OpType);
        }
        foreach (var output in prepared.Outputs)
            if (!prepared.Shapes.ContainsKey(output.Name))
                throw new GraphPreparationException("structure", $"graph output '{output.Name}' does not depend on any input (it folds to a constant); Mz compiles outputs computed from the inputs", output.Name);
    }

    private static bool FoldStaticShapeQueries(PreparedGraph prepared)
    {
        bool folded = false;
        foreach (var node in prepared.Nodes.ToList())
        {
            if (node.OpType is not ("Shape" or "Size") || node.Inputs.Count == 0 || node.Outputs.Count == 0 || node.Outputs[0].Length == 0) continue;
            if (!prepared.Shapes.TryGetValue(node.Inputs[0], out var shape) || shape.Any(d => d.PerBatch)) continue;
            var probe = DTensor.Zeros(shape.Select(d => d.Factor).ToArray());
            DTensor result;
            try { result = OpRegistry.Evaluate(new OpContext(node, new DTensor?[] { probe }, prepared.Opset))[0]; }
            catch (InterpreterException e) { throw new GraphPreparationException(e.Kind, e.Message, node.DisplayName, node.OpType); }
            prepared.Constants[node.Outputs[0]] = TensorData.FromDoubles(node.Outputs[0], result.Shape, result.Data, ElementType.Int64);
            prepared.Nodes.Remove(node);
            folded = true;
        }
        return folded;
    }

    private static void CheckOpsets(Graph graph, PreparedGraph prepared)
    {
        long opset = graph.OpsetOf("");
        if (opset > MaxSupportedOpset)
            throw new GraphPreparationException("opset",
                $"the model imports the default domain (ai.onnx) at opset {opset} for {string.Join(", ", graph.Nodes.Where(n => OpRegistry.IsDefaultDomain(n.Domain)).Select(n => n.OpType).Distinct().Take(8))}; Mz supports opsets 1 to {MaxSupportedOpset} and never falls back to an older definition",
                op: "opset_import");
        prepared.Opset = opset == 0 ? MaxSupportedOpset : opset;
        foreach (var node in graph.Nodes)
            if (!OpRegistry.IsDefaultDomain(node.Domain))
                throw new GraphPreparationException("unsupported-op", $"node '{node.DisplayName}' uses op '{node.OpType}' from domain '{node.Domain}'; only the default ONNX domain is supported", node.DisplayName, node.OpType);
    }

    private static void CheckInterface(Graph graph, PreparedGraph prepared)
    {
        foreach (var input in graph.DeclaredInputs)
        {
            if (prepared.Constants.ContainsKey(input.Name)) continue;
            if (input.NonTensorKind != null)
                throw new GraphPreparationException("unsupported-type", $"graph input '{input.Name}' is a non-tensor value ({input.NonTensorKind}); only dense float tensors are supported", input.Name);
            if (!ElementTypes.IsFloat(input.Type) && IsShapeOperand(graph, input.Name))
                throw new GraphPreparationException("unsupported-type", $"graph input '{input.Name}' ({ElementTypes.Describe(input.Type)}) carries a shape, axes or indices; Mz needs it at build time: store it as an initializer or a Constant node", input.Name);
            if (!ElementTypes.IsFloat(input.Type))
                throw new GraphPreparationException("unsupported-type", $"graph input '{input.Name}' has element type {ElementTypes.Describe(input.Type)}; integer and bool tensors are not supported (only float32, float64 and float16 data)", input.Name);
            if (input.Shape == null)
                throw new GraphPreparationException("shape", $"graph input '{input.Name}' declares no shape; Mz needs a static shape (a symbolic leading batch dimension is fine)", input.Name);
            prepared.Inputs.Add(input);
        }
        if (prepared.Inputs.Count == 0)
            throw new GraphPreparationException("structure", "the graph has no runtime inputs");
        foreach (var output in graph.Outputs)
        {
            if (output.NonTensorKind != null)
                throw new GraphPreparationException("unsupported-type", $"graph output '{output.Name}' is a non-tensor value ({output.NonTensorKind}); only dense float tensors are supported", output.Name);
            prepared.Outputs.Add(output);
        }
        if (prepared.Outputs.Count == 0)
            throw new GraphPreparationException("structure", "the graph has no outputs");
        var types = prepared.Inputs.Select(i => i.Type).Distinct().ToList();
        prepared.ComputeType = types.Contains(ElementType.Float64) ? ElementType.Float64 : ElementType.Float32;
    }

    /// <summary>(op, input index) pairs that read a shape, axes or index list rather than data.</summary>
    private static readonly HashSet<string> ShapeOperands = new(StringComparer.Ordinal)
    {
        "Reshape:1", "Expand:1", "Tile:1", "Squeeze:1", "Unsqueeze:1", "Slice:1", "Slice:2", "Slice:3", "Slice:4", "Split:1",
        "ConstantOfShape:0", "Gather:1", "ReduceSum:1", "ReduceMean:1", "ReduceMax:1", "ReduceMin:1", "ReduceProd:1",
        "ReduceSumSquare:1", "ReduceL1:1", "ReduceL2:1", "ReduceLogSum:1", "ReduceLogSumExp:1",
    };

    /// <summary>True when every consumer of <paramref name="value"/> reads it as a shape, axes or index list (never as data).</summary>
    public static bool IsShapeOperand(Graph graph, string value)
    {
        bool used = false;
        foreach (var node in graph.Nodes)
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (node.Inputs[i] != value) continue;
                if (!ShapeOperands.Contains(node.OpType + ":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))) return false;
                used = true;
            }
        return used;
    }

    /// <summary>Stable topological sort (first appearance breaks ties); rejects cycles and dangling inputs.</summary>
    private static List<Node> SortNodes(Graph graph, Dictionary<string, TensorData> constants)
    {
        var available = new HashSet<string>(constants.Keys, StringComparer.Ordinal);
        foreach (var input in graph.DeclaredInputs) available.Add(input.Name);
        var producers = new HashSet<string>(graph.Nodes.SelectMany(n => n.Outputs).Where(o => o.Length > 0), StringComparer.Ordinal);
        var pending = new List<Node>(graph.Nodes);
        var ordered = new List<Node>(pending.Count);
        while (pending.Count > 0)
        {
            int index = pending.FindIndex(n => n.Inputs.All(i => i.Length == 0 || available.Contains(i)));
            if (index < 0)
            {
                var stuck = pending[0];
                var missing = stuck.Inputs.First(i => i.Length > 0 && !available.Contains(i));
                throw producers.Contains(missing)
                    ? new GraphPreparationException("structure", $"the graph has a cycle through node '{stuck.DisplayName}' (input '{missing}')", stuck.DisplayName, stuck.OpType)
                    : new GraphPreparationException("structure", $"node '{stuck.DisplayName}' ({stuck.OpType}) reads '{missing}', which no node, input or initializer provides", stuck.DisplayName, stuck.OpType);
            }
            var node = pending[index];
            pending.RemoveAt(index);
            ordered.Add(node);
            foreach (var o in node.Outputs) if (o.Length > 0) available.Add(o);
        }
        foreach (var output in graph.Outputs)
            if (!available.Contains(output.Name))
                throw new GraphPreparationException("structure", $"graph output '{output.Name}' is produced by no node");
        return ordered;
    }

    /// <summary>Evaluates Constant nodes and nodes whose inputs are all constant once, at build time.</summary>
    private static void FoldConstants(List<Node> ordered, PreparedGraph prepared, Func<bool>? isCancelled)
    {
        foreach (var node in ordered)
        {
            if (isCancelled?.Invoke() == true) throw new OperationCanceledException();
            bool constant = node.Inputs.All(i => i.Length == 0 || prepared.Constants.ContainsKey(i));
            if (!constant || !OpRegistry.IsSupported(node.OpType) && node.OpType != "Constant")
            {
                if (!OpRegistry.IsSupported(node.OpType))
                    throw new GraphPreparationException("unsupported-op",
                        $"node '{node.DisplayName}' uses op '{node.OpType}', which Mz does not support. Supported: {string.Join(", ", OpRegistry.SupportedOps.Concat(new[] { "Constant" }).OrderBy(s => s, StringComparer.Ordinal))}",
                        node.DisplayName, node.OpType);
                prepared.Nodes.Add(node);
                continue;
            }
            DTensor[] results;
            try
            {
                results = node.OpType == "Constant"
                    ? new[] { ConstantValue(node) }
                    : OpRegistry.Evaluate(new OpContext(node, node.Inputs.Select(i => i.Length == 0 ? null : ToTensor(prepared.Constants[i])).ToArray(), prepared.Opset));
            }
            catch (InterpreterException e)
            {
                throw new GraphPreparationException(e.Kind, e.Message, node.DisplayName, node.OpType);
            }
            for (int i = 0; i < node.Outputs.Count && i < results.Length; i++)
            {
                if (node.Outputs[i].Length == 0) continue;
                var type = results[i].IsInteger ? ElementType.Int64 : prepared.ComputeType;
                prepared.Constants[node.Outputs[i]] = TensorData.FromDoubles(node.Outputs[i], results[i].Shape, results[i].Data, type);
            }
        }
    }

    private static DTensor ConstantValue(Node node)
    {
        foreach (var attribute in node.Attributes.Values)
        {
            switch (attribute.Name)
            {
                case "value" when attribute.Tensor != null: return ToTensor(attribute.Tensor);
                case "value_float": return DTensor.Scalar(attribute.Float);
                case "value_floats": return new DTensor(new long[] { attribute.Floats.Count }, attribute.Floats.Select(f => (double)f).ToArray());
                case "value_int": return DTensor.Scalar(attribute.Int, isInteger: true);
                case "value_ints": return new DTensor(new long[] { attribute.Ints.Count }, attribute.Ints.Select(f => (double)f).ToArray(), isInteger: true);
            }
        }
        throw new GraphPreparationException("attribute", $"Constant node '{node.DisplayName}' carries no supported value attribute (value, value_float(s), value_int(s))", node.DisplayName, "Constant");
    }

    public static DTensor ToTensor(TensorData data)
    {
        if (!ElementTypes.IsFloat(data.SourceType) && data.Int64 == null)
            throw new InterpreterException($"tensor '{data.Name}' has unsupported type {ElementTypes.Describe(data.SourceType)}");
        return new DTensor(data.Dims, data.ToDoubleArray(), isInteger: data.Int64 != null);
    }

    private static void InferShapes(PreparedGraph prepared)
    {
        bool hasBatch = prepared.Inputs.Any(i => i.Shape!.Length > 0 && !i.Shape[0].IsKnown);
        foreach (var input in prepared.Inputs)
            for (int d = 1; d < input.Shape!.Length; d++)
                if (!input.Shape[d].IsKnown)
                    throw new GraphPreparationException("shape", $"graph input '{input.Name}' has unresolved dimension {d} ('{input.Shape[d]}'); only the leading (batch) dimension may be symbolic", input.Name);
        prepared.HasBatch = hasBatch;

        Dictionary<string, DTensor> a, b;
        if (!hasBatch)
        {
            a = b = Probe(prepared, 1);
        }
        else
        {
            try
            {
                a = Probe(prepared, ProbeBatchA);
                b = Probe(prepared, ProbeBatchB);
            }
            catch (GraphPreparationException first) when (first.Code == "shape")
            {
                // Exporters often bake batch 1 into a constant Reshape target: specialise to it rather than reject.
                try { a = b = Probe(prepared, 1); }
                catch (GraphPreparationException) { throw first; }
                prepared.FixedBatch = 1;
                prepared.Warnings.Add("the model's shape arithmetic fixes the batch size to 1 although its input declares a symbolic batch; the generated code processes one row at a time");
            }
        }

        foreach (var pair in a)
        {
            var sa = pair.Value.Shape;
            var sb = b[pair.Key].Shape;
            if (sa.Length != sb.Length)
                throw new GraphPreparationException("shape", $"the rank of '{pair.Key}' depends on the batch size");
            var dims = new SymDim[sa.Length];
            int perBatch = 0;
            for (int d = 0; d < sa.Length; d++)
            {
                if (sa[d] == sb[d] || prepared.FixedBatch != null || !hasBatch) dims[d] = new SymDim(sa[d], false);
                else if (sa[d] % ProbeBatchA == 0 && sa[d] / ProbeBatchA * ProbeBatchB == sb[d]) { dims[d] = new SymDim(sa[d] / ProbeBatchA, true); perBatch++; }
                else throw new GraphPreparationException("shape", $"dimension {d} of '{pair.Key}' is not a fixed multiple of the batch size");
            }
            if (perBatch > 1)
                throw new GraphPreparationException("shape", $"'{pair.Key}' has the batch size in more than one dimension");
            prepared.Shapes[pair.Key] = dims;
            if (pair.Value.IsInteger) prepared.IntegerValues.Add(pair.Key);
        }
        // Generated code walks the batch in chunks of whole rows: that is only the memory layout when the batch is
        // the leading axis. A Gemm with the weight first (W·xᵀ) puts it last; pin the batch in the model instead.
        foreach (var output in prepared.Outputs)
            if (prepared.Shapes.TryGetValue(output.Name, out var dims) && dims.Skip(1).Any(d => d.PerBatch))
                throw new GraphPreparationException("shape",
                    $"graph output '{output.Name}' has shape [{string.Join(", ", dims.Select(d => d.ToString()))}]: the batch is not its leading axis, so rows cannot be processed independently; give the inputs a fixed batch size",
                    output.Name);
        foreach (var output in prepared.Outputs)
            if (prepared.IntegerValues.Contains(output.Name))
                throw new GraphPreparationException("unsupported-type", $"graph output '{output.Name}' holds integers; only float outputs are supported", output.Name);
    }

    /// <summary>Evaluates the runtime part of the graph on zero inputs at one batch size, returning every value.</summary>
    private static Dictionary<string, DTensor> Probe(PreparedGraph prepared, long batch)
    {
        var values = new Dictionary<string, DTensor>(StringComparer.Ordinal);
        foreach (var input in prepared.Inputs)
        {
            var shape = input.Shape!.Select((d, i) => d.Value ?? (i == 0 ? batch : 1)).ToArray();
            try { values[input.Name] = DTensor.Zeros(shape); }
            catch (Exception e) when (e is InterpreterException or OverflowException)
            {
                throw new GraphPreparationException("shape", $"graph input '{input.Name}' declares an impossible shape [{string.Join(", ", input.Shape!.Select(s => s.ToString()))}]: {e.Message}", input.Name);
            }
        }
        foreach (var node in prepared.Nodes)
        {
            var inputs = node.Inputs.Select(i => i.Length == 0 ? null : values.TryGetValue(i, out var v) ? v : ToTensor(prepared.Constants[i])).ToArray();
            DTensor[] results;
            try { results = OpRegistry.Evaluate(new OpContext(node, inputs, prepared.Opset)); }
            catch (InterpreterException e) { throw new GraphPreparationException(e.Kind, e.Message, node.DisplayName, node.OpType); }
            catch (OverflowException) { throw new GraphPreparationException("shape", $"node '{node.DisplayName}' ({node.OpType}) produces a tensor too large to evaluate", node.DisplayName, node.OpType); }
            for (int i = 0; i < node.Outputs.Count; i++)
            {
                if (node.Outputs[i].Length == 0) continue;
                if (i >= results.Length)
                    throw new GraphPreparationException("unsupported-op", $"node '{node.DisplayName}' ({node.OpType}) requests output {i}, which Mz does not produce", node.DisplayName, node.OpType);
                values[node.Outputs[i]] = results[i];
            }
        }
        return values;
    }
}
