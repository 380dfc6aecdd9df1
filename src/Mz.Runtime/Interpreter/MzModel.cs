using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Mz.Core.Interpretation;
using Mz.Core.Lowering;
using Mz.Core.Onnx;

namespace Mz;

/// <summary>
/// An ONNX model loaded at run time and evaluated by the reference interpreter in float64. Slower than
/// generated code; use it for models that are not known at build time and as an oracle in tests.
/// </summary>
public sealed class MzModel
{
    private readonly Core.Interpretation.Interpreter _interpreter;

    private MzModel(PreparedGraph graph)
    {
        _interpreter = new Core.Interpretation.Interpreter(graph);
        InputNames = graph.Inputs.Select(i => i.Name).ToArray();
        OutputNames = graph.Outputs.Select(o => o.Name).ToArray();
        InputSizes = graph.Inputs.Select(i => (int)graph.SizePerRow(i.Name)).ToArray();
        OutputSizes = graph.Outputs.Select(o => (int)graph.SizePerRow(o.Name)).ToArray();
    }

    /// <summary>Graph input names, in graph order.</summary>
    public IReadOnlyList<string> InputNames { get; }
    /// <summary>Graph output names, in graph order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Values per row of each input.</summary>
    public IReadOnlyList<int> InputSizes { get; }

    /// <summary>Values per row of each output.</summary>
    public IReadOnlyList<int> OutputSizes { get; }

    /// <summary>Loads an ONNX file; external data files are resolved next to it.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid model or uses something Mz does not support.</exception>
    public static MzModel Load(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return Load(File.ReadAllBytes(path), location =>
        {
            var file = Path.GetFullPath(Path.Combine(directory, location));
            return file.StartsWith(directory, StringComparison.Ordinal) && File.Exists(file) ? File.ReadAllBytes(file) : null;
        });
    }

    /// <summary>Loads an ONNX model from a stream (no external data).</summary>
    public static MzModel Load(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Load(buffer.ToArray(), null);
    }

    /// <summary>Loads model bytes; <paramref name="externalData"/> resolves external-data locations.</summary>
    public static MzModel Load(byte[] bytes, Func<string, byte[]?>? externalData)
    {
        try
        {
            return new MzModel(GraphPreparer.Prepare(OnnxModelReader.Read(bytes, externalData)));
        }
        catch (OnnxFormatException e) { throw new InvalidDataException("The model cannot be read: " + e.Message, e); }
        catch (GraphPreparationException e) { throw new InvalidDataException("The model cannot be evaluated: " + e.Message, e); }
    }

    /// <summary>Runs single-input, single-output models on row-major rows.</summary>
    public double[] Run(ReadOnlySpan<float> inputs)
    {
        if (InputSizes.Count != 1 || OutputSizes.Count != 1)
            throw new InvalidOperationException($"the model has {InputSizes.Count} inputs and {OutputSizes.Count} outputs; use RunAll");
        var data = new double[inputs.Length];
        for (int i = 0; i < data.Length; i++) data[i] = inputs[i];
        return RunAll(new[] { data })[0];
    }

    /// <summary>Runs the model; each input holds whole rows of <see cref="InputSizes"/> values.</summary>
    public double[][] RunAll(IReadOnlyList<double[]> inputs)
    {
        if (inputs.Count != InputSizes.Count)
            throw new ArgumentException($"the model takes {InputSizes.Count} inputs, got {inputs.Count}");
        var graph = _interpreter.Graph;
        var tensors = new DTensor[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            var dims = graph.Shapes[graph.Inputs[i].Name];
            int size = InputSizes[i];
            if (size == 0 || inputs[i].Length % size != 0)
                throw new ArgumentException($"input '{InputNames[i]}' must hold whole rows of {size} values, got {inputs[i].Length}");
            long rows = inputs[i].Length / size;
            if (!graph.HasBatch && rows != 1)
                throw new ArgumentException($"input '{InputNames[i]}' has a fixed shape; pass exactly {size} values");
            tensors[i] = new DTensor(dims.Select(d => d.At(rows)).ToArray(), inputs[i]);
        }
        return _interpreter.Run(tensors).Select(t => t.Data).ToArray();
    }
}
