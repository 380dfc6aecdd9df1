using System;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Analysis;

/// <summary>y = W x + b, used for the input embedding and the readout. Weight is (outputs × inputs).</summary>
public sealed class AffineMap
{
    public AffineMap(Matrix<double> weight, Vector<double> bias)
    {
        if (bias.Count != weight.RowCount) throw new ArgumentException($"bias has {bias.Count} entries, weight has {weight.RowCount} rows");
        Weight = weight;
        Bias = bias;
    }

    public Matrix<double> Weight { get; }
    public Vector<double> Bias { get; }
    public int InputWidth => Weight.ColumnCount;
    public int OutputWidth => Weight.RowCount;

    /// <summary>Applies the map to every row of <paramref name="rows"/> (samples as rows).</summary>
    public Matrix<double> ApplyToRows(Matrix<double> rows)
    {
        var result = DenseKernels.TransposeAndMultiply(rows, Weight);
        for (int j = 0; j < result.ColumnCount; j++)
        {
            double b = Bias[j];
            for (int i = 0; i < result.RowCount; i++) result[i, j] += b;
        }
        return result;
    }
}
