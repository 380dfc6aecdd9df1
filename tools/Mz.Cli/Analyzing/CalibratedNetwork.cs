using System;
using System.IO;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Data;
using Mz.Core.Lowering;
using Mz.Core.Onnx;

namespace Mz.Cli.Analyzing;

/// <summary>A prepared model with validated calibration rows ("file.npz:key"), shared by analyze and reduce.</summary>
public sealed class CalibratedNetwork
{
    private CalibratedNetwork(PreparedGraph graph, Matrix<double> inputs)
    {
        Graph = graph;
        Inputs = inputs;
    }

    public PreparedGraph Graph { get; }
    public Matrix<double> Inputs { get; }

    public static CalibratedNetwork Load(string modelPath, string calibration)
    {
        PreparedGraph graph;
        try { graph = GraphPreparer.Prepare(OnnxModelReader.Read(File.ReadAllBytes(modelPath))); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OnnxFormatException or GraphPreparationException)
        {
            throw new AnalysisInputException($"cannot use model '{modelPath}': {e.Message}");
        }

        var (file, key) = ArrayReference.Split(calibration);
        NpyArray rows;
        try { rows = NpzReader.ReadArray(File.ReadAllBytes(file), file, key); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DataFormatException)
        {
            throw new AnalysisInputException($"cannot use calibration '{calibration}': {e.Message}");
        }
        long width = graph.Inputs.Count == 1 ? graph.SizePerRow(graph.Inputs[0].Name) : -1;
        if (rows.Shape.Length != 2 || rows.Shape[1] != width)
            throw new AnalysisInputException($"calibration array '{rows.Name}' has shape [{string.Join(", ", rows.Shape)}]; the model needs [rows, {width}]");
        if (rows.Data.Any(v => double.IsNaN(v) || double.IsInfinity(v)))
            throw new AnalysisInputException($"calibration array '{rows.Name}' contains NaN or infinity");
        return new CalibratedNetwork(graph, Matrix<double>.Build.Dense((int)rows.Rows, (int)width, (i, j) => rows.Data[i * width + j]));
    }
}
