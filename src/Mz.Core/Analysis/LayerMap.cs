using System;
using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Analysis;

/// <summary>
/// One layer map X_{n+1} = H_n(X_n) of MZ.md (1.1): dense σ(W x + b) or residual x + Δ·σ(W x + b).
/// Weight is (outputs × inputs). Value names tie the map to the graph it was read from (empty when built by hand).
/// </summary>
public sealed class LayerMap
{
    public LayerMap(LayerMapKind kind, Matrix<double> weight, Vector<double> bias, Activation activation, double step = 1.0, string inputValue = "", string outputValue = "")
    {
        if (bias.Count != weight.RowCount) throw new ArgumentException($"bias has {bias.Count} entries, weight has {weight.RowCount} rows");
        if (kind == LayerMapKind.Residual && weight.RowCount != weight.ColumnCount)
            throw new ArgumentException($"a residual layer needs a square weight, got {weight.RowCount}×{weight.ColumnCount}");
        Kind = kind;
        Weight = weight;
        Bias = bias;
        Activation = activation;
        Step = step;
        InputValue = inputValue;
        OutputValue = outputValue;
    }

    public LayerMapKind Kind { get; }
    public Matrix<double> Weight { get; }
    public Vector<double> Bias { get; }
    public Activation Activation { get; }

    /// <summary>Δ_n of a residual layer (1 for dense layers).</summary>
    public double Step { get; }

    public string InputValue { get; }
    public string OutputValue { get; }
    public int InputWidth => Weight.ColumnCount;
    public int OutputWidth => Weight.RowCount;

    /// <summary>Pre-activations W x + b for every row (samples as rows).</summary>
    [MethodImpl(DenseKernels.Optimised)]
    public Matrix<double> PreActivations(Matrix<double> states)
    {
        var a = DenseKernels.TransposeAndMultiply(states, Weight);
        var data = a.AsColumnMajorArray() ?? throw new InvalidOperationException("dense storage expected");
        int rows = a.RowCount;
        for (int j = 0; j < a.ColumnCount; j++)
        {
            double b = Bias[j];
            for (int i = 0; i < rows; i++) data[j * rows + i] += b;
        }
        return a;
    }

    /// <summary>H(x) for every row of <paramref name="states"/>.</summary>
    [MethodImpl(DenseKernels.Optimised)]
    public Matrix<double> ApplyToRows(Matrix<double> states)
    {
        var result = PreActivations(states);
        var data = result.AsColumnMajorArray()!;
        for (int i = 0; i < data.Length; i++) data[i] = ActivationMath.Apply(Activation, data[i]);
        if (Kind == LayerMapKind.Residual)
        {
            result.Multiply(Step, result);
            result.Add(states, result);
        }
        return result;
    }

    public Vector<double> Apply(Vector<double> x) => ApplyToRows(x.ToRowMatrix()).Row(0);

    /// <summary>DH(x), an (outputs × inputs) matrix.</summary>
    public Matrix<double> Jacobian(Vector<double> x)
    {
        var a = Weight * x + Bias;
        var jacobian = Weight.Clone();
        for (int i = 0; i < jacobian.RowCount; i++)
        {
            double d = ActivationMath.Derivative(Activation, a[i]) * (Kind == LayerMapKind.Residual ? Step : 1);
            for (int j = 0; j < jacobian.ColumnCount; j++) jacobian[i, j] *= d;
        }
        if (Kind == LayerMapKind.Residual)
            for (int i = 0; i < jacobian.RowCount; i++) jacobian[i, i] += 1;
        return jacobian;
    }

    /// <summary>
    /// Adjoint step λ_n = DH(x_n)ᵀ λ_{n+1} for a block of adjoint rows. Row d·S + s of <paramref name="adjoints"/>
    /// is output direction d at sample s, and <paramref name="states"/> holds the S inputs x_n as rows.
    /// </summary>
    [MethodImpl(DenseKernels.Optimised)]
    public Matrix<double> PullBack(Matrix<double> states, Matrix<double> adjoints)
    {
        int samples = states.RowCount;
        if (adjoints.RowCount % samples != 0) throw new ArgumentException("adjoint rows must be a whole number of sample blocks");
        var slopes = PreActivations(states);
        var slope = slopes.AsColumnMajorArray()!;
        double scale = Kind == LayerMapKind.Residual ? Step : 1;
        for (int i = 0; i < slope.Length; i++) slope[i] = scale * ActivationMath.Derivative(Activation, slope[i]);

        var weighted = Matrix<double>.Build.Dense(adjoints.RowCount, adjoints.ColumnCount);
        var source = adjoints.AsColumnMajorArray() ?? adjoints.ToColumnMajorArray();
        var target = weighted.AsColumnMajorArray()!;
        int rows = adjoints.RowCount, blocks = rows / samples;
        for (int j = 0; j < adjoints.ColumnCount; j++)
            for (int block = 0; block < blocks; block++)
            {
                int offset = j * rows + block * samples, slopeOffset = j * samples;
                for (int s = 0; s < samples; s++) target[offset + s] = source[offset + s] * slope[slopeOffset + s];
            }
        var result = DenseKernels.Multiply(weighted, Weight);
        if (Kind == LayerMapKind.Residual) result.Add(adjoints, result);
        return result;
    }
}
