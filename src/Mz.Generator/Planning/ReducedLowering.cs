using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Mz.Core.Ir;
using Mz.Core.Reduction;

namespace Mz.Generator.Planning;

/// <summary>
/// Lowers a <see cref="ReducedNetwork"/> (MZ.md (3.1)) to plan steps. Reduced states live in a ring of K + 2 slots —
/// the K + 1 states a stage reads and the one it writes — so scratch does not grow with depth. A stage is one call of
/// the fused stage kernel: the J hidden units with the activation in registers, the output map, the linear term and
/// the offset, summed into the next state (a stage whose hidden units read a low-rank factor takes the panel kernel
/// and the narrow kernel instead). Identity skips and memory kernels are added after it. The input map and the readout
/// are the stage kernel's Map (y = c + M x, same layout); the network's output activation follows the readout. Every
/// matrix is a weight; the MAC count is the sum of the products' K·N, which equals <see cref="ReducedNetwork.MacCount"/> (plus the guard's checks when enabled).
/// </summary>
internal sealed class ReducedLowering
{
    private readonly List<PlanStep> _steps = new();
    private readonly List<PlanBuffer> _buffers = new();
    private readonly List<PlannedWeight> _weights = new();
    private long _macs;

    public static ReducedPlan Lower(string key, ReductionSummary summary, ReducedNetwork network, ReducedStateBounds? guard, OutputActivation outputActivation,
        string input, string output)
    {
        var lowering = new ReducedLowering();
        long scratch = lowering.Run(network, guard, outputActivation, input, output);
        return new ReducedPlan(key, summary, lowering._steps, lowering._buffers, scratch, lowering._weights, lowering._macs);
    }

    private long Run(ReducedNetwork network, ReducedStateBounds? guard, OutputActivation outputActivation, string input, string output)
    {
        var ranks = network.StateRanks;
        int maxRank = ranks.Max();
        int slots = Math.Min(ranks.Count, network.MemoryLength + 2);

        // Scratch per row: the ring of states, then the hidden units (and low-rank factor), the logits, the guard's work row.
        var states = new string[ranks.Count];
        for (int s = 0; s < ranks.Count; s++)
        {
            states[s] = "state" + N(s);
            _buffers.Add(new PlanBuffer(states[s], (s % slots) * (long)maxRank, ranks[s]));
        }
        long offset = (long)slots * maxRank;
        // The fused stage kernel stores whole lane groups of hidden units, so its scratch is padded.
        int hiddenWidth = network.Stages.Count == 0 ? 0 : network.Stages.Max(st => LaneRowLayout.PaddedLength(st.HiddenUnits));
        int factorWidth = network.Stages.Count == 0 ? 0 : network.Stages.Max(st => st.HiddenFactor?.RowCount ?? 0);
        long hiddenOffset = offset;
        offset += hiddenWidth;
        long factorOffset = offset;
        offset += factorWidth;
        string logits = output;
        if (outputActivation != OutputActivation.Identity)
        {
            logits = "logits";
            _buffers.Add(new PlanBuffer(logits, offset, network.OutputWidth));
            offset += network.OutputWidth;
        }
        if (guard != null)
        {
            // The state checks whiten one state at a time; the input check centres the row and projects it.
            long work = Math.Max(maxRank, (long)guard.Input.Width + guard.Input.Rank);
            _buffers.Add(new PlanBuffer("guardWork", offset, work));
            offset += work;
        }

        InputGuard(guard, input);

        // ẑ_0 = A_in u + c_in: the input (embedding included) in reduced coordinates.
        Map($"reduced state ẑ_0 = A u + c: the input in {Basis(network.StateBases[0])} coordinates ({N(network.InputWidth)} → {N(ranks[0])})",
            input, states[0], network.InputMap, "InputMap", network.InputOffset, "InputOffset");
        Guard(guard, 0, states[0], ranks[0]);

        for (int s = 0; s < network.Stages.Count; s++)
        {
            var stage = network.Stages[s];
            string z = states[s], next = states[s + 1], name = "Stage" + N(s);
            string layers = stage.LayerCount > 1
                ? $"layers {N(stage.FirstLayer)}–{N(stage.FirstLayer + stage.LayerCount - 1)} merged ({N(stage.LayerCount)} layer maps evaluated once)"
                : $"layer {N(stage.FirstLayer)}";
            if (stage.IsAffine) AffineStage(stage, name, s, z, next);
            else
            {
                string hidden = "hidden" + N(s);
                // The fused kernel's scratch holds one row of padded units; the separate kernels read and write rows × units.
                _buffers.Add(new PlanBuffer(hidden, hiddenOffset, stage.HiddenFactor == null ? LaneRowLayout.PaddedLength(stage.HiddenUnits) : stage.HiddenUnits));
                string hiddenInput = z;
                if (stage.HiddenFactor != null)
                {
                    hiddenInput = "factor" + N(s);
                    _buffers.Add(new PlanBuffer(hiddenInput, factorOffset, stage.HiddenFactor.RowCount));
                    Narrow($"stage {N(s)}: low-rank factor of the pre-activation weights ({N(stage.InputRank)} → {N(stage.HiddenFactor.RowCount)})",
                        z, hiddenInput, stage.HiddenFactor, name + "Factor", null, "", accumulate: false);
                }
                if (stage.OutputMap == null)
                    throw new NotSupportedException("a stage without an output map (scaled identity) has no generated form");
                if (stage.HiddenFactor == null) FusedStage(stage, name, s, layers, z, next, hidden);
                else SeparateStage(stage, name, s, layers, hiddenInput, z, next, hidden);
            }
            if (stage.IdentitySkip)
                _steps.Add(new AddStep($"stage {N(s)}: identity skip, ẑ_{N(s + 1)} += ẑ_{N(s)}", next, z, next, stage.OutputRank, 1.0));
            for (int k = 1; k <= stage.MemoryLength; k++)
                Narrow($"stage {N(s)}: memory term {N(k)}, ẑ_{N(s + 1)} += Ω^({N(k)}) ẑ_{N(s - k)} (truncated MZ memory)",
                    states[s - k], next, stage.MemoryKernels[k - 1], name + "Memory" + N(k), null, "", accumulate: true);
            Guard(guard, s + 1, next, ranks[s + 1]);
        }

        int last = ranks.Count - 1;
        Map($"readout: logits = R ẑ_{N(last)} + b ({N(ranks[last])} → {N(network.OutputWidth)})",
            states[last], logits, network.Readout, "Readout", network.ReadoutBias, "ReadoutBias");
        if (outputActivation == OutputActivation.Softmax)
            _steps.Add(new SoftmaxStep("output activation: softmax over the logits", logits, output, network.OutputWidth, network.OutputWidth, false));
        else if (outputActivation == OutputActivation.Sigmoid)
            _steps.Add(new ActivationStep("output activation: sigmoid of the logits", logits, output, network.OutputWidth, "Sigmoid"));
        return offset;
    }

    /// <summary>The stage in one call of the fused kernel: hidden units, activation, output map, linear term and offset.</summary>
    private void FusedStage(ReducedStage stage, string name, int s, string layers, string z, string next, string hidden)
    {
        int k = stage.HiddenWeight.ColumnCount, units = stage.HiddenUnits, n = stage.OutputRank;
        var outputMap = stage.OutputMap!;
        string activation = KernelActivation(stage.Activation);
        string weight = AddWeight(name + "Hidden", $"stage {N(s)} hidden weights W [{N(k)} inputs, {N(units)} units], input-major, rows padded to {N(LaneRowLayout.Lanes)}-lane groups",
            LaneRows(k, units, (p, j) => stage.HiddenWeight[j, p]));
        string bias = AddWeight(name + "HiddenBias", $"stage {N(s)} hidden bias b [{N(units)}], zero-padded", Padded(units, j => stage.HiddenBias[j]));
        string map = AddWeight(name + "OutputMap", $"stage {N(s)} output map B [{N(units)} units, {N(n)} coordinates], input-major, rows padded",
            LaneRows(units, n, (j, i) => outputMap[i, j]));
        string? linear = stage.Linear == null ? null
            : AddWeight(name + "Linear", $"stage {N(s)} linear term L [{N(k)}, {N(n)}], input-major, rows padded", LaneRows(k, n, (p, i) => stage.Linear[i, p]));
        string? offset = stage.Offset == null ? null : AddWeight(name + "Offset", $"stage {N(s)} offset c [{N(n)}], zero-padded", Padded(n, i => stage.Offset[i]));
        string sum = linear != null ? $"B σ(W ẑ_{N(s)} + b) + L ẑ_{N(s)}" : $"B σ(W ẑ_{N(s)} + b)";
        _steps.Add(new ReducedStageStep($"stage {N(s)}, {layers}: ẑ_{N(s + 1)} = {sum}{(offset != null ? " + c" : "")}, {N(units)} evaluated hidden units" +
            (activation != "None" ? $" through {activation}" : ""), z, next, k, units, n, weight, bias, activation, map, linear, offset, hidden));
        _macs += (long)k * units + (long)units * n + (linear != null ? (long)k * n : 0);
    }

    /// <summary>A stage with no hidden units (block replacement): ẑ_{s+1} = L ẑ_s + c through the stage kernel's Map.</summary>
    private void AffineStage(ReducedStage stage, string name, int s, string z, string next)
    {
        if (stage.Linear == null)
            throw new NotSupportedException("an affine stage without a linear term has no generated form");
        string replaced = stage.LayerCount > 1 ? $"layers {N(stage.FirstLayer)}–{N(stage.FirstLayer + stage.LayerCount - 1)}" : $"layer {N(stage.FirstLayer)}";
        Map($"stage {N(s)}, {replaced} replaced by a fitted affine map: ẑ_{N(s + 1)} = L ẑ_{N(s)} + c ({N(stage.InputRank)} → {N(stage.OutputRank)}, no hidden units evaluated)",
            z, next, stage.Linear, name + "Linear", stage.Offset, name + "Offset");
    }

    /// <summary>The stage as separate calls when its hidden units read a low-rank factor rather than the state itself.</summary>
    private void SeparateStage(ReducedStage stage, string name, int s, string layers, string hiddenInput, string z, string next, string hidden)
    {
        var outputMap = stage.OutputMap!;
        string activation = KernelActivation(stage.Activation);
        int hiddenK = stage.HiddenWeight.ColumnCount, hiddenN = stage.HiddenUnits;
        string weight = AddWeight(name + "Hidden", $"stage {N(s)} hidden weights [{N(hiddenK)}, {N(hiddenN)}] in {DensePacking.PanelWidth}-column panels",
            DensePacking.Pack(hiddenK, hiddenN, (p, j) => stage.HiddenWeight[(int)j, (int)p]));
        var paddedBias = new double[DensePacking.PaddedLength(hiddenN)];
        for (int j = 0; j < hiddenN; j++) paddedBias[j] = stage.HiddenBias[j];
        string bias = AddWeight(name + "HiddenBias", $"stage {N(s)} hidden bias [{N(hiddenN)}], zero-padded to whole panels", paddedBias);
        _steps.Add(new DenseStep($"stage {N(s)}, {layers}: the {N(hiddenN)} evaluated hidden units, σ(W ẑ + b){(activation != "None" ? " with " + activation : "")}",
            hiddenInput, hidden, hiddenK, hiddenN, weight, bias, activation, null, 1.0));
        _macs += (long)hiddenK * hiddenN;
        if (stage.Linear != null)
        {
            // Output map and linear term in one pass: the same sums, in the same order, as two calls.
            var second = AddRowMajor(name + "Linear", $"stage {N(s)}: linear term L of ẑ_{N(s + 1)} = B σ(…) + L ẑ_{N(s)} + c", stage.Linear);
            Narrow($"stage {N(s)}: ẑ_{N(s + 1)} = B σ(…) + L ẑ_{N(s)} + c, the hidden units mapped to {N(stage.OutputRank)} reduced coordinates plus the linear term",
                hidden, next, outputMap, name + "OutputMap", stage.Offset, name + "Offset", accumulate: false, (z, second, stage.Linear.ColumnCount));
        }
        else
            Narrow($"stage {N(s)}: ẑ_{N(s + 1)} = B σ(…) + c, the hidden units mapped to {N(stage.OutputRank)} reduced coordinates",
                hidden, next, outputMap, name + "OutputMap", stage.Offset, name + "Offset", accumulate: false);
    }

    /// <summary>An input-major matrix [k, n] in the fused kernel's layout (rows padded to whole lane groups).</summary>
    private static double[] LaneRows(int k, int n, Func<int, int, double> weight)
    {
        var packed = new double[LaneRowLayout.PackedLength(k, n)];
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++) packed[LaneRowLayout.PackedIndex(n, p, j)] = weight(p, j);
        return packed;
    }

    private static double[] Padded(int n, Func<int, double> value)
    {
        var padded = new double[LaneRowLayout.PaddedLength(n)];
        for (int i = 0; i < n; i++) padded[i] = value(i);
        return padded;
    }

    /// <summary>y = c + M x through the stage kernel's Map (M given as [outputs, inputs]; stored input-major, rows padded).</summary>
    private void Map(string comment, string input, string output, Matrix<double> matrix, string weightName, Vector<double>? offset, string offsetName)
    {
        int n = matrix.RowCount, k = matrix.ColumnCount;
        string weight = AddWeight(weightName, $"{comment} — matrix [{N(k)} inputs, {N(n)} outputs], input-major, rows padded to {N(LaneRowLayout.Lanes)}-lane groups",
            LaneRows(k, n, (p, i) => matrix[i, p]));
        string? offsetId = offset == null ? null : AddWeight(offsetName, $"{comment} — offset [{N(n)}], zero-padded", Padded(n, i => offset[i]));
        _steps.Add(new ReducedMapStep(comment, input, output, k, n, weight, offsetId));
        _macs += (long)k * n;
    }

    private void Narrow(string comment, string input, string output, Matrix<double> matrix, string weightName, Vector<double>? bias, string biasName, bool accumulate,
        (string Input, string Weight, int K)? second = null)
    {
        int n = matrix.RowCount, k = matrix.ColumnCount;
        string weight = AddRowMajor(weightName, comment, matrix);
        string? biasId = bias == null ? null : AddWeight(biasName, $"{comment} — offset [{N(n)}]", bias.ToArray());
        var step = new NarrowDenseStep(comment, input, output, k, n, weight, biasId, accumulate);
        _macs += (long)k * n;
        if (second is { } extra)
        {
            step = step with { Input2 = extra.Input, Weight2 = extra.Weight, K2 = extra.K };
            _macs += (long)extra.K * n;
        }
        _steps.Add(step);
    }

    private string AddRowMajor(string weightName, string comment, Matrix<double> matrix)
    {
        int n = matrix.RowCount, k = matrix.ColumnCount;
        var rowMajor = new double[(long)n * k];
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++) rowMajor[(long)j * k + p] = matrix[j, p];
        return AddWeight(weightName, $"{comment} — matrix [{N(n)}, {N(k)}], row-major", rowMajor);
    }

    private void InputGuard(ReducedStateBounds? guard, string input)
    {
        if (guard == null) return;
        var bound = guard.Input;
        int q = bound.Rank, d = bound.Width;
        var directions = new double[(long)q * d];
        for (int k = 0; k < q; k++)
            for (int j = 0; j < d; j++) directions[(long)k * d + j] = bound.Directions[k, j];
        string v = AddWeight("GuardInputDirections", $"guard of the input: its {N(q)} leading principal directions on the calibration rows [{N(q)}, {N(d)}], row-major", directions);
        string m = AddWeight("GuardInputMean", $"guard of the input: the calibration mean [{N(d)}]", bound.Mean.ToArray());
        // Inputs of very large or very small magnitude are checked in units of their typical distance from the mean:
        // squared in float32 they would overflow (or vanish), and every row would look outside the region.
        double typical = Math.Sqrt(bound.Variances.Sum() + bound.ResidualBound);
        double scale = typical > 1e6 || typical < 1e-6 ? 1 / typical : 1;
        string l = AddWeight("GuardInputInverseVariances", $"guard of the input: 1 / variance along each direction [{N(q)}]{(scale != 1 ? ", in units of the input scale" : "")}",
            bound.Variances.Select(x => 1 / (x * scale * scale)).ToArray());
        _steps.Add(new InputGuardStep("guard: how far the input row is from the calibration rows (Mahalanobis distance on its leading directions, energy outside them)",
            input, q, d, v, m, l, bound.MahalanobisBound, bound.ResidualBound * scale * scale, scale));
        _macs += bound.MacCount;
    }

    private void Guard(ReducedStateBounds? guard, int state, string buffer, int rank)
    {
        if (guard == null) return;
        var bound = guard.States[state];
        var whitening = new double[(long)rank * rank];
        for (int i = 0; i < rank; i++)
            for (int j = 0; j < rank; j++) whitening[(long)i * rank + j] = bound.Whitening[i, j];
        string w = AddWeight("Guard" + N(state) + "Whitening", $"guard of ẑ_{N(state)}: whitening matrix [{N(rank)}, {N(rank)}], row-major", whitening);
        string c = AddWeight("Guard" + N(state) + "Offset", $"guard of ẑ_{N(state)}: −W·mean [{N(rank)}]", bound.Offset.ToArray());
        _steps.Add(new GuardStep($"guard: how far ẑ_{N(state)} is from the calibration rows (Mahalanobis distance against its bound)", buffer, rank, w, c, bound.Bound));
        _macs += (long)rank * rank;
    }

    private string AddWeight(string identifier, string description, double[] values)
    {
        _weights.Add(new PlannedWeight(identifier, description, values));
        return identifier;
    }

    private static string KernelActivation(Activation activation) => activation switch
    {
        Activation.Identity => "None",
        Activation.Relu => "Relu",
        Activation.Tanh => "Tanh",
        Activation.Sigmoid => "Sigmoid",
        _ => throw new NotSupportedException("activation " + activation + " has no kernel"),
    };

    private static string Basis(BasisKind kind) => kind switch
    {
        BasisKind.Balanced => "balanced-POD",
        BasisKind.Gradient => "gradient-weighted",
        BasisKind.Pca => "PCA",
        _ => "explicit",
    };

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
