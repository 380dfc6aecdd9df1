using System;
using System.Collections.Generic;
using System.Linq;
using Mz.Core.Lowering;

namespace Mz.Core.Interpretation;

/// <summary>
/// The reference interpreter: evaluates a prepared graph node by node in float64. It is the test oracle for
/// generated code, the engine behind calibration at build time, and the fallback for models loaded at run time.
/// </summary>
public sealed class Interpreter
{
    private readonly Dictionary<string, DTensor> _constants;

    public Interpreter(PreparedGraph graph)
    {
        Graph = graph;
        _constants = new Dictionary<string, DTensor>(StringComparer.Ordinal);
        foreach (var pair in graph.Constants) _constants[pair.Key] = GraphPreparer.ToTensor(pair.Value);
    }

    public PreparedGraph Graph { get; }

    /// <summary>Runs the graph; inputs in graph-input order, outputs in graph-output order.</summary>
    public DTensor[] Run(params DTensor[] inputs)
    {
        var values = RunAll(inputs);
        return Graph.Outputs.Select(o => values[o.Name]).ToArray();
    }

    /// <summary>Runs the graph and returns every runtime value by name (for calibration and debugging).</summary>
    public Dictionary<string, DTensor> RunAll(IReadOnlyList<DTensor> inputs, Func<bool>? isCancelled = null)
    {
        if (inputs.Count != Graph.Inputs.Count)
            throw new ArgumentException($"the graph takes {Graph.Inputs.Count} input(s) ({string.Join(", ", Graph.Inputs.Select(i => i.Name))}), got {inputs.Count}");
        var values = new Dictionary<string, DTensor>(StringComparer.Ordinal);
        for (int i = 0; i < inputs.Count; i++)
        {
            var expected = Graph.Shapes[Graph.Inputs[i].Name];
            var actual = inputs[i].Shape;
            bool ok = expected.Length == actual.Length;
            for (int d = 0; ok && d < expected.Length; d++) ok = expected[d].PerBatch ? actual[d] % Math.Max(expected[d].Factor, 1) == 0 : expected[d].Factor == actual[d];
            if (!ok)
                throw new ArgumentException($"input '{Graph.Inputs[i].Name}' must have shape [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
            values[Graph.Inputs[i].Name] = inputs[i];
        }
        foreach (var node in Graph.Nodes)
        {
            if (isCancelled?.Invoke() == true) throw new OperationCanceledException();
            var args = node.Inputs.Select(name => name.Length == 0 ? null : values.TryGetValue(name, out var v) ? v : _constants[name]).ToArray();
            var results = OpRegistry.Evaluate(new OpContext(node, args, Graph.Opset));
            for (int i = 0; i < node.Outputs.Count && i < results.Length; i++)
                if (node.Outputs[i].Length > 0) values[node.Outputs[i]] = results[i];
        }
        foreach (var output in Graph.Outputs)
            if (!values.ContainsKey(output.Name) && _constants.TryGetValue(output.Name, out var c)) values[output.Name] = c;
        return values;
    }
}
