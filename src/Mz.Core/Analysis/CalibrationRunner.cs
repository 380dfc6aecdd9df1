using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Interpretation;
using Mz.Core.Lowering;

namespace Mz.Core.Analysis;

/// <summary>
/// Runs the full network on calibration inputs and collects layer states, logits and adjoint Gramians
/// (MZ.md §5.1, step 0). Deterministic networks run through the float64 reference interpreter, so the analysed
/// states are exactly what the graph computes; noisy networks (β_n &gt; 0) run through the layer maps with seeded
/// Gaussian draws, because the graph itself is the noise-free map.
/// </summary>
public static class CalibrationRunner
{
    /// <summary>States of every row through the reference interpreter (samples as rows).</summary>
    public static IReadOnlyList<Matrix<double>> InterpretStates(PreparedGraph graph, LayerView view, Matrix<double> inputs, out Matrix<double> logits)
    {
        if (view.StateValues.Any(v => v.Length == 0)) throw new ArgumentException("the layer view was not read from a graph");
        int rows = inputs.RowCount, width = inputs.ColumnCount;
        var dims = graph.Shapes[graph.Inputs[0].Name];
        // A graph exported with a fixed batch (often 1) takes that many rows per run; the last run is padded with
        // copies of the last row and the copies dropped.
        int batch = dims.Length > 0 && !dims[0].PerBatch ? (int)Math.Max(1, dims[0].Factor) : rows;
        var interpreter = new Mz.Core.Interpretation.Interpreter(graph);
        var names = new List<string>(view.StateValues) { view.LogitValue };
        var results = names.Select(_ => new List<double[]>()).ToArray();
        for (int start = 0; start < rows; start += batch)
        {
            int count = Math.Min(batch, rows - start), runRows = dims.Length > 0 && !dims[0].PerBatch ? batch : count;
            var data = new double[runRows * width];
            for (int i = 0; i < runRows; i++)
                for (int j = 0; j < width; j++) data[i * width + j] = inputs[start + Math.Min(i, count - 1), j];
            // The input in the graph's own shape (an image model takes [rows, 1, 28, 28]; the rows are the same values).
            var shape = dims.Select(d => d.PerBatch ? d.At(runRows) : d.Factor).ToArray();
            var values = interpreter.RunAll(new[] { new DTensor(shape, data) });
            for (int v = 0; v < names.Count; v++)
            {
                var matrix = ToRowMatrix(values[names[v]], runRows);
                for (int i = 0; i < count; i++) results[v].Add(matrix.Row(i).ToArray());
            }
        }
        var matrices = results.Select(r => Matrix<double>.Build.DenseOfRowArrays(r)).ToArray();
        logits = matrices[names.Count - 1];
        return matrices.Take(names.Count - 1).ToArray();
    }

    /// <summary>States through the layer maps with additive Gaussian noise β_n·ξ after layer map n (MZ.md (1.1)).</summary>
    public static IReadOnlyList<Matrix<double>> SimulateStates(LayerView view, Matrix<double> inputs, IReadOnlyList<double> noiseLevels, ulong seed, out Matrix<double> logits)
    {
        if (noiseLevels.Count != view.Depth) throw new ArgumentException($"one noise level per layer map is needed ({view.Depth})");
        var random = new DeterministicRandom(seed);
        var states = new List<Matrix<double>> { view.Embedding?.ApplyToRows(inputs) ?? inputs.Clone() };
        for (int n = 0; n < view.Depth; n++)
        {
            var next = view.Layers[n].ApplyToRows(states[n]);
            double beta = noiseLevels[n];
            if (beta > 0)
            {
                // Row-major draw order keeps the noise of a sample independent of how many rows follow it.
                for (int i = 0; i < next.RowCount; i++)
                    for (int j = 0; j < next.ColumnCount; j++) next[i, j] += beta * random.NextNormal();
            }
            states.Add(next);
        }
        logits = view.Logits(states[view.Depth]);
        return states;
    }

    /// <summary>
    /// Adjoint Gramians (1/S) Σ_s Σ_d λ_n λ_nᵀ for n = 0..L, where d runs over the logits (λ_L = W_outᵀ e_d) and
    /// λ_n = DH_n(x_n)ᵀ λ_{n+1}. One backward pass per sample and output direction.
    /// </summary>
    public static IReadOnlyList<Matrix<double>> AdjointGramians(LayerView view, IReadOnlyList<Matrix<double>> states)
    {
        var gramians = new Matrix<double>[view.Depth + 1];
        int samples = states[0].RowCount;
        // Only one layer's adjoints live at a time: all of them would be (outputs × S × Σ N_n) doubles.
        Backward(view, states, (n, adjoints) => gramians[n] = Gramian(adjoints, samples));
        return gramians;
    }

    /// <summary>
    /// The adjoint snapshots λ_n^(s,d) = (∂y_d/∂x_n)ᵀ at every sample for n = 0..L: row d·S + s of entry n is output
    /// direction d (a logit) at sample s. Memory grows with outputs × samples × widths; prefer the Gramians.
    /// </summary>
    public static IReadOnlyList<Matrix<double>> AdjointSnapshots(LayerView view, IReadOnlyList<Matrix<double>> states)
    {
        var snapshots = new Matrix<double>[view.Depth + 1];
        Backward(view, states, (n, adjoints) => snapshots[n] = adjoints);
        return snapshots;
    }

    private static void Backward(LayerView view, IReadOnlyList<Matrix<double>> states, Action<int, Matrix<double>> visit)
    {
        int samples = states[0].RowCount, directions = view.OutputWidth;
        var adjoints = Matrix<double>.Build.Dense(directions * samples, view.StateWidth(view.Depth));
        for (int d = 0; d < directions; d++)
            for (int j = 0; j < adjoints.ColumnCount; j++)
            {
                double w = view.Readout.Weight[d, j];
                for (int s = 0; s < samples; s++) adjoints[d * samples + s, j] = w;
            }
        visit(view.Depth, adjoints);
        for (int n = view.Depth - 1; n >= 0; n--)
        {
            adjoints = view.Layers[n].PullBack(states[n], adjoints);
            visit(n, adjoints);
        }
    }

    /// <summary>
    /// Snapshots of the selected rows: states, logits and (optionally) adjoint Gramians. The Gramians are averaged over
    /// at most <paramref name="maxAdjointRows"/> evenly spaced rows (0: all), because the backward passes, one per row and
    /// output direction, dominate the cost of the whole analysis.
    /// </summary>
    public static CalibrationSnapshots Select(LayerView view, IReadOnlyList<Matrix<double>> states, Matrix<double> logits, int[] rows, bool withAdjoints, int maxAdjointRows = 0)
    {
        var selected = states.Select(m => SelectRows(m, rows)).ToArray();
        var selectedLogits = SelectRows(logits, rows);
        if (!withAdjoints) return new CalibrationSnapshots(selected, selectedLogits, null);
        if (maxAdjointRows <= 0 || maxAdjointRows >= rows.Length) return new CalibrationSnapshots(selected, selectedLogits, AdjointGramians(view, selected));
        var subset = Enumerable.Range(0, maxAdjointRows).Select(i => (int)((long)i * rows.Length / maxAdjointRows)).ToArray();
        var adjointStates = selected.Select(m => SelectRows(m, subset)).ToArray();
        return new CalibrationSnapshots(selected, selectedLogits, AdjointGramians(view, adjointStates));
    }

    /// <summary>
    /// Layer states of every row through the layer maps, after checking them against the reference interpreter on the
    /// first <paramref name="probeRows"/> rows (relative 1e-9): the interpreter stays the authority on what the graph
    /// computes, while the layer maps evaluate the full calibration set several times faster.
    /// </summary>
    public static IReadOnlyList<Matrix<double>> CheckedStates(PreparedGraph graph, LayerView view, Matrix<double> inputs, out Matrix<double> logits, int probeRows = 16)
    {
        int probe = Math.Min(probeRows, inputs.RowCount);
        var probeInputs = inputs.SubMatrix(0, probe, 0, inputs.ColumnCount);
        var expected = InterpretStates(graph, view, probeInputs, out var expectedLogits);
        var states = view.Forward(inputs);
        logits = view.Logits(states[view.Depth]);
        for (int n = 0; n <= view.Depth; n++) Check(states[n].SubMatrix(0, probe, 0, states[n].ColumnCount), expected[n], $"layer state {n} ('{view.StateValues[n]}')");
        Check(logits.SubMatrix(0, probe, 0, logits.ColumnCount), expectedLogits, $"logits ('{view.LogitValue}')");
        return states;
    }

    private static void Check(Matrix<double> actual, Matrix<double> expected, string what)
    {
        double scale = Math.Max(DenseKernels.FrobeniusNorm(expected), 1e-300);
        double error = DenseKernels.FrobeniusNorm(actual - expected) / scale;
        if (!(error <= 1e-9))
            throw new LayerViewException(string.Format(System.Globalization.CultureInfo.InvariantCulture, "the layer maps disagree with the reference interpreter on {0}: relative error {1:G3}", what, error));
    }

    public static Matrix<double> SelectRows(Matrix<double> source, int[] rows)
    {
        var result = Matrix<double>.Build.Dense(rows.Length, source.ColumnCount);
        for (int j = 0; j < source.ColumnCount; j++)
            for (int i = 0; i < rows.Length; i++) result[i, j] = source[rows[i], j];
        return result;
    }

    private static Matrix<double> Gramian(Matrix<double> adjoints, int samples)
    {
        var gram = DenseKernels.TransposeThisAndMultiply(adjoints, adjoints);
        gram.Multiply(1.0 / samples, gram);
        return gram;
    }

    private static Matrix<double> ToRowMatrix(DTensor tensor, int rows)
    {
        if (tensor.Shape.Length != 2 || tensor.Shape[0] != rows) throw new LayerViewException($"expected a [{rows}, features] value, got [{string.Join(", ", tensor.Shape)}]");
        int cols = (int)tensor.Shape[1];
        var data = tensor.Data;
        return Matrix<double>.Build.Dense(rows, cols, (i, j) => data[i * cols + j]);
    }
}
