using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Reduction;

/// <summary>
/// Chooses which hidden units to evaluate: greedy column-pivoted QR (modified Gram–Schmidt with largest-remaining-norm
/// pivots) on centred activation snapshots, the selection behind interpolative-decomposition pruning and Q-DEIM
/// (MZ.md §5.3, §5.11 item 1). Ties go to the lower index, so the same data always give the same units.
/// </summary>
public static class NeuronSelection
{
    /// <param name="activations">Snapshots, samples as rows and units as columns.</param>
    /// <param name="count">Number of units to keep (capped at the number of columns).</param>
    /// <returns>Selected unit indices in ascending order.</returns>
    public static int[] PivotedColumns(Matrix<double> activations, int count)
    {
        int cols = activations.ColumnCount;
        count = Math.Min(count, cols);
        if (count >= cols) return Enumerable.Range(0, cols).ToArray();
        // Evenly spaced rows keep the cost of the greedy sweep bounded; the pivots depend on the span of the columns,
        // which a few hundred samples already pin down.
        int rows = Math.Min(activations.RowCount, MaxRows);
        int stride = activations.RowCount;
        var columns = new double[cols][];
        var norms = new double[cols];
        for (int j = 0; j < cols; j++)
        {
            var column = new double[rows];
            double mean = 0;
            for (int i = 0; i < rows; i++) mean += activations[Row(i, rows, stride), j];
            mean /= Math.Max(rows, 1);
            double norm = 0;
            for (int i = 0; i < rows; i++)
            {
                column[i] = activations[Row(i, rows, stride), j] - mean;
                norm += column[i] * column[i];
            }
            columns[j] = column;
            norms[j] = norm;
        }
        var chosen = new bool[cols];
        var selected = new int[count];
        for (int step = 0; step < count; step++)
        {
            int pivot = -1;
            for (int j = 0; j < cols; j++)
                if (!chosen[j] && (pivot < 0 || norms[j] > norms[pivot])) pivot = j;
            chosen[pivot] = true;
            selected[step] = pivot;
            double pivotNorm = Math.Sqrt(SumOfSquares(columns[pivot]));
            if (!(pivotNorm > 1e-300)) continue;
            var q = columns[pivot];
            for (int i = 0; i < rows; i++) q[i] /= pivotNorm;
            for (int j = 0; j < cols; j++)
            {
                if (chosen[j]) continue;
                var c = columns[j];
                double dot = 0;
                for (int i = 0; i < rows; i++) dot += q[i] * c[i];
                for (int i = 0; i < rows; i++) c[i] -= dot * q[i];
                norms[j] = SumOfSquares(c);
            }
        }
        Array.Sort(selected);
        return selected;
    }

    /// <summary>Snapshots used per selection at most.</summary>
    public const int MaxRows = 384;

    private static int Row(int i, int used, int total) => (int)((long)i * total / used);

    private static double SumOfSquares(double[] v)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++) s += v[i] * v[i];
        return s;
    }
}
