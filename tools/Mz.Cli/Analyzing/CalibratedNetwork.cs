using System;
using System.IO;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Data;
using Mz.Core.Lowering;
using Mz.Core.Onnx;

namespace Mz.Cli.Analyzing;

/// <summary>
/// A prepared model with calibration rows ("file.npz:key") checked as the build checks them (<see cref="CalibrationCheck"/>),
/// shared by analyze and reduce.
/// </summary>
public sealed class CalibratedNetwork
{
    private CalibratedNetwork(PreparedGraph graph, NpyArray rows, int width)
    {
        Graph = graph;
        Rows = rows;
        Inputs = Matrix<double>.Build.Dense((int)rows.Rows, width, (i, j) => rows.Data[(long)i * width + j]);
    }

    public PreparedGraph Graph { get; }
    public Matrix<double> Inputs { get; }
    private NpyArray Rows { get; }

    /// <summary>
    /// The rows a reduction fits and validates on, as [MzReduce] takes them: repeated rows dropped (they would put copies
    /// of fit rows into the validation split), and at least <see cref="CalibrationCheck.MinimumReductionRows"/> distinct.
    /// </summary>
    public Matrix<double> ReductionInputs()
    {
        var distinct = CalibrationCheck.DistinctRows(Rows);
        string? problem = CalibrationCheck.ReductionProblem(Rows.Rows, distinct.Length);
        if (problem != null) throw new AnalysisInputException("cannot reduce on these rows: " + problem);
        return Matrix<double>.Build.Dense(distinct.Length, Inputs.ColumnCount, (i, j) => Inputs[distinct[i], j]);
    }

    public static CalibratedNetwork Load(string modelPath, string calibration)
    {
        var (file, key) = ArrayReference.Split(calibration);
        // Both paths are checked before either file is read: an empty --calibration should not wait for the model to load.
        string? pathProblem = InputPaths.Problem(modelPath, "the model path", InputPaths.OnnxFile) ?? InputPaths.ArrayProblem(calibration, file, "--calibration");
        if (pathProblem != null) throw new AnalysisInputException(pathProblem);

        PreparedGraph graph;
        try { graph = GraphPreparer.Prepare(OnnxModelReader.Read(File.ReadAllBytes(modelPath))); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OnnxFormatException or GraphPreparationException)
        {
            throw new AnalysisInputException($"cannot use model '{modelPath}': {e.Message}");
        }

        NpyArray rows;
        try { rows = NpzReader.ReadArray(File.ReadAllBytes(file), file, key); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DataFormatException)
        {
            throw new AnalysisInputException($"cannot use calibration '{calibration}': {e.Message}");
        }
        string? problem = CalibrationCheck.NetworkProblem(graph.Inputs.Count);
        if (problem != null) throw new AnalysisInputException($"cannot use model '{modelPath}': {problem}");
        long width = graph.SizePerRow(graph.Inputs[0].Name);
        problem = CalibrationCheck.RowsProblem(rows, width);
        if (problem != null) throw new AnalysisInputException($"cannot use calibration '{calibration}': {problem}");
        return new CalibratedNetwork(graph, rows, (int)width);
    }
}
