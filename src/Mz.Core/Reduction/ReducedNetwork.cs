using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>
/// A reduced network (MZ.md (3.1)): ẑ_0 = A_in u + c_in, then the stages of <see cref="ReducedStage"/> with memory over
/// earlier stage outputs, and the logits ŷ = R ẑ_G + b_out. Everything is evaluated in float64.
/// </summary>
public sealed class ReducedNetwork
{
    public ReducedNetwork(string variant, Matrix<double> inputMap, Vector<double> inputOffset, IReadOnlyList<ReducedStage> stages,
        Matrix<double> readout, Vector<double> readoutBias, IReadOnlyList<BasisKind>? stateBases = null)
    {
        if (inputOffset.Count != inputMap.RowCount) throw new ArgumentException("input offset has the wrong length");
        int rank = inputMap.RowCount;
        var ranks = new List<int> { rank };
        foreach (var stage in stages)
        {
            if (stage.InputRank != rank) throw new ArgumentException($"stage at layer {stage.FirstLayer} takes rank {stage.InputRank}, the state has {rank}");
            for (int k = 1; k <= stage.MemoryLength; k++)
            {
                int source = ranks.Count - 1 - k;
                if (source < 0 || stage.MemoryKernels[k - 1].ColumnCount != ranks[source])
                    throw new ArgumentException($"memory kernel {k} of the stage at layer {stage.FirstLayer} does not match an earlier state");
            }
            rank = stage.OutputRank;
            ranks.Add(rank);
        }
        if (readout.ColumnCount != rank || readoutBias.Count != readout.RowCount) throw new ArgumentException("readout has the wrong shape");
        Variant = variant;
        InputMap = inputMap;
        InputOffset = inputOffset;
        Stages = stages;
        Readout = readout;
        ReadoutBias = readoutBias;
        StateRanks = ranks;
        StateBases = stateBases ?? Enumerable.Repeat(BasisKind.Explicit, ranks.Count).ToArray();
    }

    /// <summary>Which pipeline produced the model (e.g. "mz", "mz-k0", "id-pruning", "truncated-svd").</summary>
    public string Variant { get; }

    public Matrix<double> InputMap { get; }
    public Vector<double> InputOffset { get; }
    public IReadOnlyList<ReducedStage> Stages { get; }
    public Matrix<double> Readout { get; }
    public Vector<double> ReadoutBias { get; }

    /// <summary>Width of ẑ_s for s = 0..G.</summary>
    public IReadOnlyList<int> StateRanks { get; }

    /// <summary>Basis kind behind each reduced state (Explicit: full-width coordinates or a caller-supplied basis).</summary>
    public IReadOnlyList<BasisKind> StateBases { get; }

    public int InputWidth => InputMap.ColumnCount;
    public int OutputWidth => Readout.RowCount;

    /// <summary>Number of evaluated stages (the reduced depth).</summary>
    public int Depth => Stages.Count;

    public int MaxRank => StateRanks.Max();
    public int MemoryLength => Stages.Count == 0 ? 0 : Stages.Max(s => s.MemoryLength);
    public int MaxHiddenUnits => Stages.Count == 0 ? 0 : Stages.Max(s => s.HiddenUnits);

    /// <summary>Exact multiply-adds of one evaluation: input map, stages (incl. memory kernels and output maps) and readout.</summary>
    public long MacCount => (long)InputMap.RowCount * InputMap.ColumnCount + Stages.Sum(s => s.MacCount) + (long)Readout.RowCount * Readout.ColumnCount;

    /// <summary>Logits for one input row, with plain loops in a fixed order (the form a code generator would emit).</summary>
    public double[] Evaluate(double[] row)
    {
        if (row.Length != InputWidth) throw new ArgumentException($"expected {InputWidth} inputs, got {row.Length}");
        var states = new List<double[]>(Stages.Count + 1);
        var z0 = new double[InputMap.RowCount];
        for (int i = 0; i < z0.Length; i++)
        {
            double sum = InputOffset[i];
            for (int j = 0; j < row.Length; j++) sum += InputMap[i, j] * row[j];
            z0[i] = sum;
        }
        states.Add(z0);
        foreach (var stage in Stages)
        {
            var history = new double[stage.MemoryLength + 1][];
            for (int k = 0; k < history.Length; k++) history[k] = states[states.Count - 1 - k];
            states.Add(stage.Apply(history));
        }
        var last = states[states.Count - 1];
        var logits = new double[OutputWidth];
        for (int i = 0; i < logits.Length; i++)
        {
            double sum = ReadoutBias[i];
            for (int j = 0; j < last.Length; j++) sum += Readout[i, j] * last[j];
            logits[i] = sum;
        }
        return logits;
    }

    /// <summary>Reduced states ẑ_0..ẑ_G for every row (samples as rows).</summary>
    public IReadOnlyList<Matrix<double>> Rollout(Matrix<double> inputs)
    {
        var z0 = DenseKernels.TransposeAndMultiply(inputs, InputMap);
        AddToColumns(z0, InputOffset);
        var states = new List<Matrix<double>>(Stages.Count + 1) { z0 };
        foreach (var stage in Stages)
        {
            var history = new Matrix<double>[stage.MemoryLength + 1];
            for (int k = 0; k < history.Length; k++) history[k] = states[states.Count - 1 - k];
            states.Add(stage.ApplyToRows(history));
        }
        return states;
    }

    /// <summary>Logits for every row (samples as rows).</summary>
    public Matrix<double> EvaluateRows(Matrix<double> inputs)
    {
        var states = Rollout(inputs);
        var logits = DenseKernels.TransposeAndMultiply(states[states.Count - 1], Readout);
        AddToColumns(logits, ReadoutBias);
        return logits;
    }

    /// <summary>A flat, generator-oriented description of the layers.</summary>
    public ReducedNetworkDescription Describe()
    {
        var stages = Stages.Select((s, i) => new ReducedStageDescription(i, s.FirstLayer, s.LayerCount, s.InputRank, s.OutputRank, StateBases[i + 1],
            s.IdentitySkip, s.Linear != null, s.HiddenFactor?.RowCount ?? 0, s.HiddenUnits, s.Activation, s.OutputMap != null,
            s.MemoryKernels.Select(k => k.ColumnCount).ToArray(), s.MacCount)).ToArray();
        return new ReducedNetworkDescription(Variant, InputWidth, StateRanks[0], StateBases[0], stages, OutputWidth, MacCount);
    }

    internal static void AddToColumns(Matrix<double> rows, Vector<double> bias)
    {
        for (int j = 0; j < rows.ColumnCount; j++)
        {
            double b = bias[j];
            for (int i = 0; i < rows.RowCount; i++) rows[i, j] += b;
        }
    }
}
