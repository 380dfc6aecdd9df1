using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Reduction;

/// <summary>
/// Chooses which hidden units to evaluate. <see cref="PivotedColumns"/>: greedy column-pivoted QR (modified Gram–Schmidt
/// with largest-remaining-norm pivots) on centred activation snapshots, the selection behind interpolative-decomposition
/// pruning and Q-DEIM (MZ.md §5.3, §5.11 item 1). <see cref="ForTarget"/>: greedy forward selection against the target
/// of a fitted output map. Ties go to the lower index, so the same data always give the same units.
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

    /// <summary>
    /// Greedy forward selection (orthogonal matching pursuit with a multi-column target) for a stage whose output map is
    /// fitted: each step adds the unit whose activation column, orthogonalised against an intercept, the
    /// <paramref name="fixedRegressors"/> and the units already chosen, removes the most residual energy of
    /// <paramref name="target"/>. This is the least-squares problem the stage then solves, so it keeps the units the
    /// reduced coordinates need, where pivoted QR keeps those that span the activations best whether or not the output
    /// sees them. Every snapshot row is used, as the fit uses them all.
    /// </summary>
    /// <param name="activations">Snapshots, samples as rows and units as columns.</param>
    /// <param name="target">What the kept units help predict, samples as rows.</param>
    /// <param name="fixedRegressors">Regressor blocks the fit always includes (samples as rows).</param>
    /// <param name="count">Number of units to keep (capped at the number of columns).</param>
    /// <returns>Selected unit indices in ascending order.</returns>
    public static int[] ForTarget(Matrix<double> activations, Matrix<double> target, IReadOnlyList<Matrix<double>> fixedRegressors, int count)
    {
        int cols = activations.ColumnCount, rows = activations.RowCount;
        count = Math.Min(count, cols);
        if (count >= cols) return Enumerable.Range(0, cols).ToArray();
        if (target.RowCount != rows) throw new ArgumentException("the target needs one row per snapshot");

        // An orthonormal basis of the always-included regressors (intercept first), by modified Gram–Schmidt.
        var fixedBasis = new List<double[]>();
        AddOrthonormalized(fixedBasis, Enumerable.Repeat(1.0, rows).ToArray());
        foreach (var block in fixedRegressors)
        {
            if (block.RowCount != rows) throw new ArgumentException("every regressor block needs one row per snapshot");
            for (int j = 0; j < block.ColumnCount; j++) AddOrthonormalized(fixedBasis, block.Column(j).ToArray());
        }

        var residuals = new double[target.ColumnCount][];
        for (int k = 0; k < residuals.Length; k++) residuals[k] = ProjectedOut(target.Column(k).ToArray(), fixedBasis);
        var columns = new double[cols][];
        var norms = new double[cols];
        var floors = new double[cols];
        var correlations = new double[cols][];
        for (int j = 0; j < cols; j++)
        {
            var raw = activations.Column(j).ToArray();
            columns[j] = ProjectedOut(raw, fixedBasis);
            norms[j] = SumOfSquares(columns[j]);
            // A column left with this little of its own energy is, numerically, already in the span.
            floors[j] = 1e-12 * Math.Max(SumOfSquares(raw), 1e-300);
            correlations[j] = new double[residuals.Length];
            for (int k = 0; k < residuals.Length; k++) correlations[j][k] = Dot(columns[j], residuals[k]);
        }

        var chosen = new bool[cols];
        var selected = new List<int>(count);
        while (selected.Count < count)
        {
            int pivot = -1;
            double bestGain = -1;
            for (int j = 0; j < cols; j++)
            {
                if (chosen[j] || !(norms[j] > floors[j])) continue;
                double explained = 0;
                foreach (var c in correlations[j]) explained += c * c;
                double gain = explained / norms[j];
                if (gain > bestGain) { bestGain = gain; pivot = j; }
            }
            if (pivot < 0) break;
            chosen[pivot] = true;
            selected.Add(pivot);

            double pivotNorm = Math.Sqrt(norms[pivot]);
            var q = columns[pivot];
            for (int i = 0; i < rows; i++) q[i] /= pivotNorm;
            var targetAlongQ = new double[residuals.Length];
            for (int k = 0; k < residuals.Length; k++)
            {
                targetAlongQ[k] = correlations[pivot][k] / pivotNorm;
                Subtract(residuals[k], targetAlongQ[k], q);
            }
            for (int j = 0; j < cols; j++)
            {
                if (chosen[j]) continue;
                double along = Dot(q, columns[j]);
                Subtract(columns[j], along, q);
                norms[j] = SumOfSquares(columns[j]);
                for (int k = 0; k < residuals.Length; k++) correlations[j][k] -= along * targetAlongQ[k];
            }
        }
        // Units that add nothing numerically still count towards J: fill with the lowest unused indices.
        for (int j = 0; j < cols && selected.Count < count; j++)
            if (!chosen[j]) { chosen[j] = true; selected.Add(j); }
        var result = selected.ToArray();
        Array.Sort(result);
        return result;
    }

    private static void AddOrthonormalized(List<double[]> basis, double[] column)
    {
        double original = Math.Sqrt(SumOfSquares(column));
        var v = ProjectedOut(column, basis);
        double norm = Math.Sqrt(SumOfSquares(v));
        if (!(norm > 1e-10 * original)) return;
        for (int i = 0; i < v.Length; i++) v[i] /= norm;
        basis.Add(v);
    }

    private static double[] ProjectedOut(double[] column, List<double[]> orthonormal)
    {
        var v = (double[])column.Clone();
        foreach (var q in orthonormal) Subtract(v, Dot(q, v), q);
        return v;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static void Subtract(double[] v, double scale, double[] q)
    {
        for (int i = 0; i < v.Length; i++) v[i] -= scale * q[i];
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
