using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Mz.Core.Interpretation;
using Mz.Core.Ir;

namespace Mz.Interpreter;

/// <summary>
/// A node that generated code could not specialise, evaluated by the shared reference interpreter in float64.
/// Correct for every op the interpreter knows, but it allocates per call; the generator reports MZ0301
/// wherever it is used.
/// </summary>
public sealed class MzFallbackNode<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Node _node;
    private readonly long _opset;
    private readonly MzFallbackInput[] _inputs;
    private readonly long[] _outputSizesPerRow;

    /// <summary>Describes the node once; generated code keeps it in a static field.</summary>
    public MzFallbackNode(string opType, string name, long opset, MzFallbackAttribute[] attributes, MzFallbackInput[] inputs, long[] outputSizesPerRow)
    {
        var attributeTable = attributes.ToDictionary(a => a.Attribute.Name, a => a.Attribute, StringComparer.Ordinal);
        var inputNames = inputs.Select((input, i) => ReferenceEquals(input, MzFallbackInput.Absent) ? "" : "in" + i).ToList();
        var outputNames = outputSizesPerRow.Select((_, i) => "out" + i).ToList();
        _node = new Node(name, opType, "", inputNames, outputNames, attributeTable);
        _opset = opset;
        _inputs = inputs;
        _outputSizesPerRow = outputSizesPerRow;
    }

    /// <summary>Starts one evaluation over <paramref name="rows"/> batch rows.</summary>
    public Call Begin(int rows) => new(this, rows);

    /// <summary>One evaluation: bind runtime inputs, evaluate, copy outputs out.</summary>
    public sealed class Call
    {
        private readonly MzFallbackNode<T> _owner;
        private readonly int _rows;
        private readonly DTensor?[] _values;
        private DTensor[] _results = Array.Empty<DTensor>();

        internal Call(MzFallbackNode<T> owner, int rows)
        {
            _owner = owner;
            _rows = rows;
            _values = owner._inputs.Select(i => i.ConstantValue).ToArray();
        }

        /// <summary>Binds runtime input <paramref name="index"/> for this evaluation.</summary>
        public void Input(int index, ReadOnlySpan<T> values)
        {
            var shape = _owner._inputs[index].ShapeAt(_rows);
            var data = new double[values.Length];
            for (int i = 0; i < data.Length; i++) data[i] = double.CreateTruncating(values[i]);
            _values[index] = new DTensor(shape, data);
        }

        /// <summary>Evaluates the node in float64 with the reference interpreter.</summary>
        public void Evaluate() => _results = OpRegistry.Evaluate(new OpContext(_owner._node, _values, _owner._opset));

        /// <summary>Copies output <paramref name="index"/> into <paramref name="destination"/>, rounded to the network's element type.</summary>
        public void Output(int index, Span<T> destination)
        {
            var data = _results[index].Data;
            if (data.Length != destination.Length)
                throw new InvalidOperationException($"node '{_owner._node.DisplayName}' produced {data.Length} values for output {index}, expected {destination.Length}");
            for (int i = 0; i < data.Length; i++) destination[i] = T.CreateTruncating(data[i]);
        }
    }
}
