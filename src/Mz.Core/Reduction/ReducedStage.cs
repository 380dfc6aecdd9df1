using System;
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>
/// One step of a reduced network, ẑ_{s+1} = [ẑ_s] + L ẑ_s + B σ(W (F ẑ_s) + b) + Σ_{k=1..K} Ω^(k) ẑ_{s−k} + c
/// (MZ.md (3.1) with the refinements of §5.11): the bracketed identity skip is present for full-width residual states,
/// L is the linear term (Galerkin ΨᵀΦ and/or the lag-0 kernel), F an optional low-rank factor of the pre-activation
/// weight, B the output map of the J evaluated hidden units (null: the identity scaled by <see cref="OutputScale"/>),
/// and Ω^(k) the memory kernels. With J = 0 there is no nonlinear term: the stage is a fitted affine map in reduced
/// coordinates (block replacement, MZ.md §5.9), and the hidden weight has no rows. A stage stands for <see cref="LayerCount"/> consecutive layer maps of the full network
/// (more than one when residual blocks were merged).
/// </summary>
public sealed class ReducedStage
{
    public ReducedStage(int firstLayer, int layerCount, int inputRank, int outputRank, bool identitySkip, Matrix<double>? linear,
        Matrix<double>? hiddenFactor, Matrix<double> hiddenWeight, Vector<double> hiddenBias, Activation activation,
        Matrix<double>? outputMap, double outputScale, IReadOnlyList<Matrix<double>> memoryKernels, Vector<double> offset)
    {
        if (identitySkip && inputRank != outputRank) throw new ArgumentException("an identity skip needs equal input and output ranks");
        if (linear != null && (linear.RowCount != outputRank || linear.ColumnCount != inputRank)) throw new ArgumentException("linear term has the wrong shape");
        int hiddenInput = hiddenFactor?.RowCount ?? inputRank;
        if (hiddenFactor != null && hiddenFactor.ColumnCount != inputRank) throw new ArgumentException("hidden factor has the wrong shape");
        if (hiddenWeight.ColumnCount != hiddenInput || hiddenBias.Count != hiddenWeight.RowCount) throw new ArgumentException("hidden weight or bias has the wrong shape");
        if (outputMap != null && (outputMap.RowCount != outputRank || outputMap.ColumnCount != hiddenWeight.RowCount)) throw new ArgumentException("output map has the wrong shape");
        if (outputMap == null && hiddenWeight.RowCount != 0 && hiddenWeight.RowCount != outputRank) throw new ArgumentException("an identity output map needs as many hidden units as outputs");
        if (offset.Count != outputRank) throw new ArgumentException("offset has the wrong length");
        foreach (var kernel in memoryKernels)
            if (kernel.RowCount != outputRank) throw new ArgumentException("memory kernel has the wrong row count");
        FirstLayer = firstLayer;
        LayerCount = layerCount;
        InputRank = inputRank;
        OutputRank = outputRank;
        IdentitySkip = identitySkip;
        Linear = linear;
        HiddenFactor = hiddenFactor;
        HiddenWeight = hiddenWeight;
        HiddenBias = hiddenBias;
        Activation = activation;
        OutputMap = outputMap;
        OutputScale = outputScale;
        MemoryKernels = memoryKernels;
        Offset = offset;
    }

    /// <summary>Index of the first full-network layer map this stage replaces.</summary>
    public int FirstLayer { get; }

    /// <summary>Number of consecutive full-network layer maps merged into this stage.</summary>
    public int LayerCount { get; }

    public int InputRank { get; }
    public int OutputRank { get; }
    public bool IdentitySkip { get; }
    public Matrix<double>? Linear { get; }
    public Matrix<double>? HiddenFactor { get; }
    public Matrix<double> HiddenWeight { get; }
    public Vector<double> HiddenBias { get; }
    public Activation Activation { get; }
    public Matrix<double>? OutputMap { get; }
    public double OutputScale { get; }

    /// <summary>Ω^(k) for k = 1..K (index k − 1), each OutputRank × rank of ẑ_{s−k}.</summary>
    public IReadOnlyList<Matrix<double>> MemoryKernels { get; }

    public Vector<double> Offset { get; }

    /// <summary>J, the number of hidden units evaluated (activations per call).</summary>
    public int HiddenUnits => HiddenWeight.RowCount;

    /// <summary>No hidden units: the stage replaces its layers by the affine map L ẑ_s + Σ Ω^(k) ẑ_{s−k} + c.</summary>
    public bool IsAffine => HiddenUnits == 0;

    public int MemoryLength => MemoryKernels.Count;

    /// <summary>Multiply-adds of the matrix-vector products of one evaluation; bias adds, skips, scales and activations excluded.</summary>
    public long MacCount
    {
        get
        {
            long macs = 0;
            if (Linear != null) macs += (long)Linear.RowCount * Linear.ColumnCount;
            if (HiddenFactor != null) macs += (long)HiddenFactor.RowCount * HiddenFactor.ColumnCount;
            macs += (long)HiddenWeight.RowCount * HiddenWeight.ColumnCount;
            if (OutputMap != null) macs += (long)OutputMap.RowCount * OutputMap.ColumnCount;
            foreach (var kernel in MemoryKernels) macs += (long)kernel.RowCount * kernel.ColumnCount;
            return macs;
        }
    }

    /// <summary>One sample: <paramref name="history"/>[0] is ẑ_s, history[k] is ẑ_{s−k}. Plain loops, in a fixed order.</summary>
    public double[] Apply(IReadOnlyList<double[]> history)
    {
        var z = history[0];
        var result = new double[OutputRank];
        for (int i = 0; i < OutputRank; i++) result[i] = Offset[i] + (IdentitySkip ? z[i] : 0);
        if (Linear != null) MultiplyAdd(Linear, z, result);
        if (!IsAffine) AddNonlinearTerm(z, result);
        for (int k = 1; k <= MemoryKernels.Count; k++) MultiplyAdd(MemoryKernels[k - 1], history[k], result);
        return result;
    }

    /// <summary>result += B σ(W (F z) + b), or the scaled identity in place of B.</summary>
    private void AddNonlinearTerm(double[] z, double[] result)
    {
        var hiddenInput = z;
        if (HiddenFactor != null)
        {
            hiddenInput = new double[HiddenFactor.RowCount];
            MultiplyAdd(HiddenFactor, z, hiddenInput);
        }
        var hidden = new double[HiddenUnits];
        for (int j = 0; j < hidden.Length; j++) hidden[j] = HiddenBias[j];
        MultiplyAdd(HiddenWeight, hiddenInput, hidden);
        for (int j = 0; j < hidden.Length; j++) hidden[j] = ActivationMath.Apply(Activation, hidden[j]);
        if (OutputMap != null) MultiplyAdd(OutputMap, hidden, result);
        else for (int i = 0; i < OutputRank; i++) result[i] += OutputScale * hidden[i];
    }

    /// <summary>Every sample at once (samples as rows); <paramref name="history"/>[k] holds ẑ_{s−k}.</summary>
    public Matrix<double> ApplyToRows(IReadOnlyList<Matrix<double>> history)
    {
        var z = history[0];
        int rows = z.RowCount;
        var result = IsAffine ? Matrix<double>.Build.Dense(rows, OutputRank) : NonlinearTermOfRows(z);
        if (IdentitySkip) result.Add(z, result);
        if (Linear != null) result.Add(DenseKernels.TransposeAndMultiply(z, Linear), result);
        for (int k = 1; k <= MemoryKernels.Count; k++) result.Add(DenseKernels.TransposeAndMultiply(history[k], MemoryKernels[k - 1]), result);
        for (int j = 0; j < OutputRank; j++)
        {
            double c = Offset[j];
            for (int i = 0; i < rows; i++) result[i, j] += c;
        }
        return result;
    }

    /// <summary>B σ(W (F z) + b) for every row of <paramref name="z"/>, or the scaled identity in place of B.</summary>
    private Matrix<double> NonlinearTermOfRows(Matrix<double> z)
    {
        var hiddenInput = HiddenFactor != null ? DenseKernels.TransposeAndMultiply(z, HiddenFactor) : z;
        var hidden = DenseKernels.TransposeAndMultiply(hiddenInput, HiddenWeight);
        for (int j = 0; j < hidden.ColumnCount; j++)
        {
            double b = HiddenBias[j];
            for (int i = 0; i < z.RowCount; i++) hidden[i, j] = ActivationMath.Apply(Activation, hidden[i, j] + b);
        }
        if (OutputMap != null) return DenseKernels.TransposeAndMultiply(hidden, OutputMap);
        hidden.Multiply(OutputScale, hidden);
        return hidden;
    }

    private static void MultiplyAdd(Matrix<double> matrix, double[] x, double[] y)
    {
        for (int i = 0; i < matrix.RowCount; i++)
        {
            double sum = 0;
            for (int j = 0; j < matrix.ColumnCount; j++) sum += matrix[i, j] * x[j];
            y[i] += sum;
        }
    }
}
