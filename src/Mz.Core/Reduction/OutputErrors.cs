using System;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Reduction;

/// <summary>Output comparisons of MZ.md §5.7: relative L² error (RMS error / RMS of the reference) and top-1 agreement.</summary>
public static class OutputErrors
{
    public static double RelativeL2(Matrix<double> actual, Matrix<double> reference)
    {
        double reference2 = reference.FrobeniusNorm();
        double error = (actual - reference).FrobeniusNorm();
        return reference2 > 0 ? error / reference2 : error;
    }

    /// <summary>Fraction of rows whose arg-max agrees (for a single output, the sign agrees).</summary>
    public static double TopOneAgreement(Matrix<double> actual, Matrix<double> reference)
    {
        if (actual.RowCount == 0) return 1;
        int agree = 0;
        for (int i = 0; i < actual.RowCount; i++)
            if (Predicted(actual, i) == Predicted(reference, i)) agree++;
        return (double)agree / actual.RowCount;
    }

    /// <summary>Arg-max of row i (first index on ties); for one output, 1 when the logit is positive.</summary>
    public static int Predicted(Matrix<double> logits, int row)
    {
        if (logits.ColumnCount == 1) return logits[row, 0] > 0 ? 1 : 0;
        int best = 0;
        for (int j = 1; j < logits.ColumnCount; j++)
            if (logits[row, j] > logits[row, best]) best = j;
        return best;
    }

    /// <summary>Fraction of rows whose prediction equals the integer label.</summary>
    public static double Accuracy(Matrix<double> logits, double[] labels)
    {
        if (labels.Length != logits.RowCount) throw new ArgumentException("one label per row is needed");
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
            if (Predicted(logits, i) == (int)labels[i]) correct++;
        return labels.Length == 0 ? 1 : (double)correct / labels.Length;
    }
}
