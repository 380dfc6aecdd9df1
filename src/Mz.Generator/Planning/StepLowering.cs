using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Mz.Core.Ir;
using Mz.Core.Lowering;
using Mz.Generator.Model;

namespace Mz.Generator.Planning;

/// <summary>
/// Lowers a prepared graph to plan steps: Gemm/MatMul(+Add bias)(+activation) become fused dense layers,
/// residual Add and scalar Mul become vector steps, views (Reshape, Flatten, Identity, inference Dropout)
/// become buffer renames, and any other node becomes an interpreter fallback step. Scratch buffers are
/// reused once their value is dead.
/// </summary>
internal sealed class StepLowering
{
    private static readonly HashSet<string> Activations = new(StringComparer.Ordinal) { "Relu", "Tanh", "Sigmoid" };
    private static readonly HashSet<string> Views = new(StringComparer.Ordinal) { "Reshape", "Flatten", "Identity", "Squeeze", "Unsqueeze", "Dropout" };

    private readonly PreparedGraph _graph;
    private readonly Dictionary<string, string> _refs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _useCount = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _lastUse = new(StringComparer.Ordinal);
    private readonly List<PlanBuffer> _buffers = new();
    private readonly List<int> _freeBuffers = new();
    private readonly Dictionary<string, int> _bufferOf = new(StringComparer.Ordinal);
    private readonly List<PlannedWeight> _weights = new();
    private readonly Dictionary<string, string> _weightIds = new(StringComparer.Ordinal);
    private readonly Identifiers _weightNames = new();
    private long _scratchPerRow;

    public StepLowering(PreparedGraph graph) { _graph = graph; }

    public List<PlanStep> Steps { get; } = new();
    public List<string> Summary { get; } = new();
    public List<(string Node, string Op)> Fallbacks { get; } = new();
    public IReadOnlyList<PlannedWeight> Weights => _weights;
    public IReadOnlyList<PlanBuffer> Buffers => _buffers;
    public long ScratchPerRow => _scratchPerRow;
    public long MultiplyAdds { get; private set; }

    public void Lower(IReadOnlyList<PlanPort> inputs, IReadOnlyList<PlanPort> outputs)
    {
        for (int i = 0; i < inputs.Count; i++) _refs[_graph.Inputs[i].Name] = inputs[i].Identifier;
        CountUses();
        var nodes = _graph.Nodes;
        var consumed = new HashSet<Node>();
        for (int index = 0; index < nodes.Count; index++)
        {
            var node = nodes[index];
            if (consumed.Contains(node)) continue;
            if (node.Outputs.All(o => o.Length == 0 || _graph.IntegerValues.Contains(o))) continue; // shape arithmetic: build-time only
            LowerNode(node, index, consumed);
            Release(index);
        }
        for (int i = 0; i < outputs.Count; i++)
        {
            var name = _graph.Outputs[i].Name;
            if (TryWriteOutputDirectly(_refs[name], outputs[i].Identifier, name)) continue;
            Steps.Add(new CopyStep($"output '{name}'", _refs[name], outputs[i].Identifier, outputs[i].SizePerRow));
        }
    }

    /// <summary>
    /// Lets the step that produces a graph output write into the caller's span instead of scratch followed by a copy.
    /// Only when that step is the value's last writer and nothing after it touches the buffer, the buffer feeds no other
    /// output, and the step reads scratch only: a caller whose output span overlaps the input then still gets what
    /// the copy gave.
    /// </summary>
    private bool TryWriteOutputDirectly(string buffer, string port, string outputName)
    {
        if (!_buffers.Any(b => b.Identifier == buffer) || _graph.Outputs.Count(o => _refs[o.Name] == buffer) != 1) return false;
        int writer = Steps.FindLastIndex(step => WrittenBy(step) == buffer);
        if (writer < 0 || Steps.Skip(writer + 1).Any(step => ReadBy(step).Contains(buffer) || WrittenBy(step) == buffer)) return false;
        if (ReadBy(Steps[writer]).Any(value => !_buffers.Any(b => b.Identifier == value))) return false;
        string comment = Steps[writer].Comment + $", into output '{outputName}'";
        PlanStep? redirected = Steps[writer] switch
        {
            DenseStep d => d with { Output = port, Comment = comment },
            ActivationStep a => a with { Output = port, Comment = comment },
            AddStep a => a with { Output = port, Comment = comment },
            ScaleStep a => a with { Output = port, Comment = comment },
            SoftmaxStep a => a with { Output = port, Comment = comment },
            _ => null,
        };
        if (redirected == null) return false;
        Steps[writer] = redirected;
        // The buffer may now be unused; when it is the last region of scratch, scratch shrinks by its size.
        var last = _buffers[_buffers.Count - 1];
        if (last.Identifier == buffer && !Steps.Any(step => ReadBy(step).Contains(buffer) || WrittenBy(step) == buffer))
        {
            _buffers.RemoveAt(_buffers.Count - 1);
            _scratchPerRow = last.OffsetPerRow;
        }
        return true;
    }

    private static string? WrittenBy(PlanStep step) => step switch
    {
        DenseStep d => d.Output,
        ActivationStep a => a.Output,
        AddStep a => a.Output,
        ScaleStep a => a.Output,
        SoftmaxStep a => a.Output,
        CopyStep c => c.Output,
        _ => null, // a fallback step writes several values; never redirected
    };

    private static IEnumerable<string> ReadBy(PlanStep step) => step switch
    {
        DenseStep d => d.Residual == null ? new[] { d.Input } : new[] { d.Input, d.Residual },
        ActivationStep a => new[] { a.Input },
        AddStep a => new[] { a.Left, a.Right },
        ScaleStep a => new[] { a.Input },
        SoftmaxStep a => new[] { a.Input },
        CopyStep c => new[] { c.Input },
        FallbackStep f => f.Inputs.Where(i => i.Value != null).Select(i => i.Value!).Concat(f.Outputs.Where(o => o.Length > 0)),
        _ => Array.Empty<string>(),
    };

    private void CountUses()
    {
        for (int i = 0; i < _graph.Nodes.Count; i++)
            foreach (var input in _graph.Nodes[i].Inputs)
                if (input.Length > 0)
                {
                    _useCount[input] = _useCount.TryGetValue(input, out var c) ? c + 1 : 1;
                    _lastUse[input] = i;
                }
        foreach (var output in _graph.Outputs)
        {
            _useCount[output.Name] = _useCount.TryGetValue(output.Name, out var c) ? c + 1 : 1;
            _lastUse[output.Name] = int.MaxValue;
        }
    }

    private bool IsConstant(string name) => name.Length > 0 && _graph.Constants.ContainsKey(name);
    private int Uses(string name) => _useCount.TryGetValue(name, out var c) ? c : 0;
    private long Size(string value) => _graph.SizePerRow(value);

    /// <summary>The single node consuming <paramref name="value"/> when it is the next node and the value has no other use.</summary>
    private Node? SoleNextConsumer(string value, int index)
    {
        if (Uses(value) != 1 || index + 1 >= _graph.Nodes.Count) return null;
        var next = _graph.Nodes[index + 1];
        return next.Inputs.Contains(value) ? next : null;
    }

    private void LowerNode(Node node, int index, HashSet<Node> consumed)
    {
        string output = node.Outputs[0];
        switch (node.OpType)
        {
            case "Gemm" when TryDenseFromGemm(node, out var weight, out var bias, out long k, out long n):
            case "MatMul" when TryDenseFromMatMul(node, out weight, out bias, out k, out n):
            {
                string activation = "None";
                int last = index; // the last node folded into this layer
                // Fuse a following bias Add and activation into the dense epilogue.
                if (bias == null && SoleNextConsumer(output, last) is { OpType: "Add" } add && TryBiasOperand(add, output, n, out var addBias))
                {
                    bias = addBias;
                    consumed.Add(add);
                    output = add.Outputs[0];
                    last++;
                }
                if (SoleNextConsumer(output, last) is { } act && Activations.Contains(act.OpType))
                {
                    activation = act.OpType;
                    consumed.Add(act);
                    output = act.Outputs[0];
                    last++;
                }
                // Fuse a residual connection, other + s·layer (Mul then Add) or other + layer, into the epilogue too.
                string? residual = null;
                double residualScale = 1.0;
                if (SoleNextConsumer(output, last) is { OpType: "Mul" } mul && TryScalar(mul, out var scaled, out double scale) && scaled == output
                    && SoleNextConsumer(mul.Outputs[0], last + 1) is { OpType: "Add" } scaledAdd && TryResidualOperand(scaledAdd, mul.Outputs[0], out var scaledOther))
                {
                    residual = scaledOther;
                    residualScale = scale;
                    consumed.Add(mul);
                    consumed.Add(scaledAdd);
                    output = scaledAdd.Outputs[0];
                }
                else if (SoleNextConsumer(output, last) is { OpType: "Add" } plainAdd && TryResidualOperand(plainAdd, output, out var plainOther))
                {
                    residual = plainOther;
                    consumed.Add(plainAdd);
                    output = plainAdd.Outputs[0];
                }
                // The output buffer is allocated while the input and the residual are still live, so it never aliases them.
                var target = Allocate(output);
                string residualText = residual == null ? "" : residualScale == 1.0 ? $", then {residual} + that" : $", then {residual} + {residualScale.ToString("R", CultureInfo.InvariantCulture)}·that";
                Steps.Add(new DenseStep($"{node.OpType} '{node.DisplayName}': {k}→{n}{(bias != null ? " + bias" : "")}{(activation != "None" ? " + " + activation : "")}{residualText}",
                    _refs[node.Inputs[0]], target, k, n, weight!, bias, activation, residual == null ? null : _refs[residual], residualScale));
                Summary.Add($"Dense {k}→{n}{(activation != "None" ? " + " + activation : "")}");
                if (residual != null) Summary.Add(residualScale == 1.0 ? "Residual add" : "Residual add (scaled)");
                MultiplyAdds += Size(node.Inputs[0]) / k * k * n;
                return;
            }
            case var op when Activations.Contains(op):
            {
                var target = AllocateInPlace(output, node.Inputs[0], index);
                Steps.Add(new ActivationStep($"{op} '{node.DisplayName}'", _refs[node.Inputs[0]], target, Size(output), op));
                Summary.Add(op);
                return;
            }
            case "Mul" when TryScalar(node, out var runtimeInput, out double scale):
            {
                // x + s·f(x): fuse the scaling into the residual Add that follows.
                if (SoleNextConsumer(output, index) is { OpType: "Add" } add && add.Inputs.Count == 2 && !IsConstant(add.Inputs[0]) && !IsConstant(add.Inputs[1])
                    && SameShape(add.Inputs[0], add.Inputs[1]))
                {
                    string other = add.Inputs[0] == output ? add.Inputs[1] : add.Inputs[0];
                    consumed.Add(add);
                    var sum = Allocate(add.Outputs[0]);
                    Steps.Add(new AddStep($"residual '{add.DisplayName}': {other} + {scale.ToString("R", CultureInfo.InvariantCulture)}·{runtimeInput}", _refs[other], _refs[runtimeInput], sum, Size(add.Outputs[0]), scale));
                    Summary.Add("Residual add (scaled)");
                    return;
                }
                var target = AllocateInPlace(output, runtimeInput, index);
                Steps.Add(new ScaleStep($"Mul '{node.DisplayName}' by {scale.ToString("R", CultureInfo.InvariantCulture)}", _refs[runtimeInput], target, Size(output), scale));
                return;
            }
            case "Add" when node.Inputs.Count == 2 && !IsConstant(node.Inputs[0]) && !IsConstant(node.Inputs[1]) && SameShape(node.Inputs[0], node.Inputs[1]):
            {
                var target = Allocate(output);
                Steps.Add(new AddStep($"Add '{node.DisplayName}'", _refs[node.Inputs[0]], _refs[node.Inputs[1]], target, Size(output), 1.0));
                Summary.Add("Residual add");
                return;
            }
            case "Softmax" or "LogSoftmax" when IsLastAxisNormalization(node):
            {
                var shape = _graph.Shapes[output];
                var target = AllocateInPlace(output, node.Inputs[0], index);
                Steps.Add(new SoftmaxStep($"{node.OpType} '{node.DisplayName}' over the last axis", _refs[node.Inputs[0]], target, Size(output), shape[shape.Length - 1].Factor, node.OpType == "LogSoftmax"));
                Summary.Add(node.OpType);
                return;
            }
            case var op when Views.Contains(op) && !IsConstant(node.Inputs[0]) && (op != "Dropout" || node.Outputs.Count < 2 || node.Outputs[1].Length == 0 || Uses(node.Outputs[1]) == 0):
                // A view: the output shares the input's storage; no code.
                _refs[output] = _refs[node.Inputs[0]];
                if (_bufferOf.TryGetValue(node.Inputs[0], out var shared)) _bufferOf[output] = shared;
                return;
            default:
                LowerFallback(node);
                return;
        }
    }

    private bool SameShape(string a, string b) => _graph.Shapes[a].SequenceEqual(_graph.Shapes[b]);

    private bool IsLastAxisNormalization(Node node)
    {
        var shape = _graph.Shapes[node.Inputs[0]];
        int rank = shape.Length;
        if (rank == 0) return false;
        long axis = node.GetInt("axis", _graph.Opset <= 12 ? 1 : -1);
        if (axis < 0) axis += rank;
        // Opset ≤ 12 normalises everything from the axis on: the same as the last axis only when it is the last.
        return axis == rank - 1 && !shape[rank - 1].PerBatch;
    }

    private bool TryScalar(Node node, out string runtimeInput, out double scale)
    {
        runtimeInput = "";
        scale = 0;
        if (node.Inputs.Count != 2) return false;
        int constIndex = IsConstant(node.Inputs[1]) ? 1 : IsConstant(node.Inputs[0]) ? 0 : -1;
        if (constIndex < 0 || IsConstant(node.Inputs[1 - constIndex])) return false;
        var c = _graph.Constants[node.Inputs[constIndex]];
        if (c.Length != 1 || c.Dims.Length > _graph.Shapes[node.Inputs[1 - constIndex]].Length || node.Has("broadcast") && _graph.Opset <= 6) return false;
        runtimeInput = node.Inputs[1 - constIndex];
        scale = c.GetDouble(0);
        return true;
    }

    private bool TryDenseFromGemm(Node node, out string? weight, out string? bias, out long k, out long n)
    {
        weight = bias = null;
        k = n = 0;
        if (node.GetInt("transA", 0) != 0 || IsConstant(node.Inputs[0]) || !IsConstant(node.Inputs[1])) return false;
        var b = _graph.Constants[node.Inputs[1]];
        if (b.Dims.Length != 2) return false;
        bool transB = node.GetInt("transB", 0) != 0;
        k = transB ? b.Dims[1] : b.Dims[0];
        n = transB ? b.Dims[0] : b.Dims[1];
        double alpha = node.GetFloat("alpha", 1f), beta = node.GetFloat("beta", 1f);
        if (node.HasInput(2))
        {
            if (!IsConstant(node.Inputs[2])) return false;
            var c = _graph.Constants[node.Inputs[2]];
            // Only biases constant along the rows fuse: [], [1], [N], [1, N], [1, 1].
            bool rowConstant = c.Dims.Length == 0 || c.Dims.Length == 1 && (c.Dims[0] == 1 || c.Dims[0] == n) || c.Dims.Length == 2 && c.Dims[0] == 1 && (c.Dims[1] == 1 || c.Dims[1] == n);
            if (!rowConstant) return false;
            var values = new double[DensePacking.PaddedLength(n)];
            for (int j = 0; j < n; j++) values[j] = beta * c.GetDouble(c.Length == 1 ? 0 : j);
            bias = AddWeight(node.Inputs[2] + (beta != 1 || c.Length != n ? "*beta" : "") + "@padded", $"bias of '{node.DisplayName}' [{n}], zero-padded to whole panels", values,
                c.RawSlice is { } biasSlice ? new WeightSource("bias", biasSlice.Offset, c.Length, 1, n, false, beta) : null);
        }
        long kk = k, nn = n;
        var packed = DensePacking.Pack(k, n, (p, j) => alpha * b.GetDouble((int)(transB ? j * kk + p : p * nn + j)));
        weight = AddWeight(node.Inputs[1] + (transB ? "^T" : "") + (alpha != 1 ? "*alpha" : "") + "@panels", $"weight of '{node.DisplayName}' [{k}, {n}] in {DensePacking.PanelWidth}-column panels", packed,
            b.RawSlice is { } slice ? new WeightSource("panels", slice.Offset, b.Length, k, n, transB, alpha) : null);
        return true;
    }

    private bool TryDenseFromMatMul(Node node, out string? weight, out string? bias, out long k, out long n)
    {
        weight = bias = null;
        k = n = 0;
        if (IsConstant(node.Inputs[0]) || !IsConstant(node.Inputs[1])) return false;
        var b = _graph.Constants[node.Inputs[1]];
        var aShape = _graph.Shapes[node.Inputs[0]];
        if (b.Dims.Length != 2 || aShape.Length < 2) return false;
        k = b.Dims[0];
        n = b.Dims[1];
        long nn = n;
        weight = AddWeight(node.Inputs[1] + "@panels", $"weight of '{node.DisplayName}' [{k}, {n}] in {DensePacking.PanelWidth}-column panels", DensePacking.Pack(k, n, (p, j) => b.GetDouble((int)(p * nn + j))),
            b.RawSlice is { } slice ? new WeightSource("panels", slice.Offset, b.Length, k, n, false, 1.0) : null);
        return true;
    }

    /// <summary>An Add of the dense output and a constant that broadcasts along the last axis only.</summary>
    private bool TryBiasOperand(Node add, string denseOutput, long n, out string? bias)
    {
        bias = null;
        if (add.Inputs.Count != 2 || add.Has("broadcast") && _graph.Opset <= 6) return false;
        string other = add.Inputs[0] == denseOutput ? add.Inputs[1] : add.Inputs[0];
        if (other == denseOutput || !IsConstant(other)) return false;
        var c = _graph.Constants[other];
        if (c.Length != n && c.Length != 1) return false;
        if (c.Dims.Length > 0 && c.Dims.Take(c.Dims.Length - 1).Any(d => d != 1)) return false;
        if (c.Dims.Length > _graph.Shapes[denseOutput].Length) return false;
        var values = new double[DensePacking.PaddedLength(n)];
        for (int j = 0; j < n; j++) values[j] = c.GetDouble(c.Length == 1 ? 0 : j);
        bias = AddWeight(other + "@padded", $"bias of '{add.DisplayName}' [{n}], zero-padded to whole panels", values,
            c.RawSlice is { } slice ? new WeightSource("bias", slice.Offset, c.Length, 1, n, false, 1.0) : null);
        return true;
    }

    /// <summary>An Add of <paramref name="value"/> and another runtime value of the same shape: a residual connection.</summary>
    private bool TryResidualOperand(Node add, string value, out string? other)
    {
        other = null;
        if (add.Inputs.Count != 2 || add.Has("broadcast") && _graph.Opset <= 6) return false;
        string candidate = add.Inputs[0] == value ? add.Inputs[1] : add.Inputs[0];
        if (candidate == value || IsConstant(candidate) || !_refs.ContainsKey(candidate) || !SameShape(add.Inputs[0], add.Inputs[1])) return false;
        other = candidate;
        return true;
    }

    private string AddWeight(string key, string description, double[] values, WeightSource? source = null)
    {
        if (_weightIds.TryGetValue(key, out var id)) return id;
        id = _weightNames.Create(key, camelCase: false);
        _weightIds[key] = id;
        _weights.Add(new PlannedWeight(id, description, values) { Source = source });
        return id;
    }

    private string Allocate(string value)
    {
        long size = Size(value);
        int chosen = -1;
        foreach (var candidate in _freeBuffers)
            if (_buffers[candidate].SizePerRow == size) { chosen = candidate; break; }
        if (chosen >= 0) _freeBuffers.Remove(chosen);
        else
        {
            chosen = _buffers.Count;
            _buffers.Add(new PlanBuffer("buffer" + chosen.ToString(CultureInfo.InvariantCulture), _scratchPerRow, size));
            _scratchPerRow += size;
        }
        _bufferOf[value] = chosen;
        _refs[value] = _buffers[chosen].Identifier;
        return _refs[value];
    }

    /// <summary>Elementwise steps may overwrite their input when it dies here and lives in scratch.</summary>
    private string AllocateInPlace(string value, string input, int index)
    {
        if (_bufferOf.TryGetValue(input, out var buffer) && _lastUse.TryGetValue(input, out var last) && last == index
            && !_bufferOf.Where(p => p.Key != input && p.Value == buffer).Any(p => _lastUse.TryGetValue(p.Key, out var l) && l > index)
            && _buffers[buffer].SizePerRow == Size(value))
        {
            _bufferOf[value] = buffer;
            _refs[value] = _buffers[buffer].Identifier;
            return _refs[value];
        }
        return Allocate(value);
    }

    /// <summary>Returns buffers whose every value is dead after node <paramref name="index"/> to the free list.</summary>
    private void Release(int index)
    {
        var live = new HashSet<int>();
        foreach (var pair in _bufferOf)
            if (!_lastUse.TryGetValue(pair.Key, out var last) || last > index) live.Add(pair.Value);
        foreach (var pair in _bufferOf.ToList())
            if (!live.Contains(pair.Value) && !_freeBuffers.Contains(pair.Value)) _freeBuffers.Add(pair.Value);
        foreach (var pair in _bufferOf.ToList())
            if (!live.Contains(pair.Value)) _bufferOf.Remove(pair.Key);
    }

    private void LowerFallback(Node node)
    {
        var inputs = new List<FallbackInput>();
        foreach (var input in node.Inputs)
        {
            if (input.Length == 0) inputs.Add(new FallbackInput(null, null, EquatableArray<string>.Empty));
            else if (IsConstant(input))
            {
                var c = _graph.Constants[input];
                string id = AddWeight(input, $"constant '{input}' [{string.Join(", ", c.Dims)}]", c.ToDoubleArray());
                inputs.Add(new FallbackInput(null, id, c.Dims.Select(d => d.ToString(CultureInfo.InvariantCulture) + ":0").ToEquatableArray()));
            }
            else
                inputs.Add(new FallbackInput(_refs[input], null, _graph.Shapes[input].Select(d => d.Factor.ToString(CultureInfo.InvariantCulture) + (d.PerBatch ? ":1" : ":0")).ToEquatableArray()));
        }
        var outputs = new List<string>();
        var sizes = new List<long>();
        foreach (var output in node.Outputs)
        {
            if (output.Length == 0 || !_graph.Shapes.ContainsKey(output) || _graph.IntegerValues.Contains(output)) { outputs.Add(""); sizes.Add(0); continue; }
            outputs.Add(Allocate(output));
            sizes.Add(Size(output));
        }
        var attributes = node.Attributes.Values.OrderBy(a => a.Name, StringComparer.Ordinal).Select(ToFallbackAttribute).Where(a => a != null).Select(a => a!);
        Steps.Add(new FallbackStep($"{node.OpType} '{node.DisplayName}' (runtime interpreter)", node.OpType, node.DisplayName, _graph.Opset,
            attributes.ToEquatableArray(), inputs.ToEquatableArray(), outputs.ToEquatableArray(), sizes.ToEquatableArray()));
        Summary.Add(node.OpType + " (interpreted)");
        Fallbacks.Add((node.DisplayName, node.OpType));
    }

    private static FallbackAttribute? ToFallbackAttribute(NodeAttribute a)
    {
        string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return a.Kind switch
        {
            AttributeKind.Float => new FallbackAttribute(a.Name, "float", new[] { R(a.Float) }.ToEquatableArray()),
            AttributeKind.Int => new FallbackAttribute(a.Name, "int", new[] { a.Int.ToString(CultureInfo.InvariantCulture) }.ToEquatableArray()),
            AttributeKind.String => new FallbackAttribute(a.Name, "string", new[] { a.String }.ToEquatableArray()),
            AttributeKind.Floats => new FallbackAttribute(a.Name, "floats", a.Floats.Select(f => R(f)).ToEquatableArray()),
            AttributeKind.Ints => new FallbackAttribute(a.Name, "ints", a.Ints.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToEquatableArray()),
            _ => null,
        };
    }
}
