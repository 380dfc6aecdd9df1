using System;
using System.Collections.Generic;
using System.Linq;

namespace Mz.Core.Interpretation;

/// <summary>Inference-time normalisations: BatchNormalization, InstanceNormalization, LayerNormalization.</summary>
internal static class NormalizationOps
{
    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        table["BatchNormalization"] = BatchNormalization;
        table["InstanceNormalization"] = InstanceNormalization;
        table["LayerNormalization"] = LayerNormalization;
        table["RMSNormalization"] = RmsNormalization;
    }

    private static string Text(long[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>
    /// y = scale·(x − mean)/√(var + ε) + B per channel (axis 1). Training mode (training_mode=1 from opset 14,
    /// is_test=0 up to opset 6) and the running-statistics outputs are rejected: Mz compiles inference only.
    /// </summary>
    private static DTensor[] BatchNormalization(OpContext context)
    {
        if (context.Node.GetInt("training_mode", 0) != 0)
            throw context.Error("training_mode=1 is not supported: Mz compiles inference graphs only", "training");
        if (context.Opset <= 6 && context.Node.Has("is_test") && context.Node.GetInt("is_test", 1) == 0)
            throw context.Error("is_test=0 (training) is not supported: Mz compiles inference graphs only", "training");
        if (context.Node.Outputs.Skip(1).Any(o => o.Length > 0))
            throw context.Error("the running mean/variance outputs exist only in training mode, which Mz does not support", "training");

        var x = context.Input(0);
        var scale = context.Input(1);
        var bias = context.Input(2);
        var mean = context.Input(3);
        var variance = context.Input(4);
        double epsilon = context.Node.GetFloat("epsilon", 1e-5f);
        if (x.Rank < 2) throw context.Error($"X must have rank ≥ 2 (N, C, ...), got {Text(x.Shape)}");
        long channels = x.Shape[1];
        // Per-channel parameters, or (spatial=0 before opset 9) one per element of a sample.
        long perSample = x.Data.Length / Math.Max(1, x.Shape[0]);
        long inner = perSample / Math.Max(1, channels);
        foreach (var p in new[] { scale, bias, mean, variance })
            if (p.Data.Length != channels && p.Data.Length != perSample)
                throw context.Error($"parameter of shape {Text(p.Shape)} matches neither the {channels} channels nor a sample of X {Text(x.Shape)}");
        var y = new double[x.Data.Length];
        for (long i = 0; i < y.Length; i++)
        {
            long withinSample = i % Math.Max(1, perSample);
            long channel = withinSample / Math.Max(1, inner);
            double Get(DTensor p) => p.Data[p.Data.Length == channels ? channel : withinSample];
            y[i] = Get(scale) * (x.Data[i] - Get(mean)) / Math.Sqrt(Get(variance) + epsilon) + Get(bias);
        }
        return new[] { new DTensor(x.Shape, y) };
    }

    /// <summary>y = scale[c]·(x − μ)/√(σ² + ε) + B[c], with μ, σ² over the spatial values of each (n, c).</summary>
    private static DTensor[] InstanceNormalization(OpContext context)
    {
        var x = context.Input(0);
        var scale = context.Input(1);
        var bias = context.Input(2);
        double epsilon = context.Node.GetFloat("epsilon", 1e-5f);
        if (x.Rank < 2) throw context.Error($"X must have rank ≥ 2 (N, C, ...), got {Text(x.Shape)}");
        long channels = x.Shape[1];
        if (scale.Data.Length != channels || bias.Data.Length != channels)
            throw context.Error($"scale {Text(scale.Shape)} and B {Text(bias.Shape)} must have one value per channel ({channels})");
        long inner = x.Data.Length / Math.Max(1, x.Shape[0] * channels);
        var y = new double[x.Data.Length];
        for (long group = 0; group * inner < x.Data.Length && inner > 0; group++)
        {
            long start = group * inner;
            long channel = group % channels;
            double mu = 0;
            for (long i = 0; i < inner; i++) mu += x.Data[start + i];
            mu /= inner;
            double sigma2 = 0;
            for (long i = 0; i < inner; i++) sigma2 += (x.Data[start + i] - mu) * (x.Data[start + i] - mu);
            sigma2 /= inner;
            double factor = scale.Data[channel] / Math.Sqrt(sigma2 + epsilon);
            for (long i = 0; i < inner; i++) y[start + i] = (x.Data[start + i] - mu) * factor + bias.Data[channel];
        }
        return new[] { new DTensor(x.Shape, y) };
    }

    /// <summary>
    /// LayerNormalization (opset 17): normalise over axes [axis, rank); scale and B broadcast over them. The
    /// optional Mean and InvStdDev outputs have the input's leading dims and 1 for each normalised axis.
    /// </summary>
    private static DTensor[] LayerNormalization(OpContext context)
    {
        var x = context.Input(0);
        var scale = context.Input(1);
        var bias = context.Optional(2);
        int axis = Broadcast.NormalizeAxis(context.Node.GetInt("axis", -1), x.Rank, context.Where);
        double epsilon = context.Node.GetFloat("epsilon", 1e-5f);
        return Normalize(context, x, scale, bias, axis, epsilon, centre: true);
    }

    /// <summary>RMSNormalization (opset 23): x / √(mean(x²) + ε) · scale over axes [axis, rank).</summary>
    private static DTensor[] RmsNormalization(OpContext context)
    {
        var x = context.Input(0);
        int axis = Broadcast.NormalizeAxis(context.Node.GetInt("axis", -1), x.Rank, context.Where);
        double epsilon = context.Node.GetFloat("epsilon", 1e-5f);
        return Normalize(context, x, context.Input(1), null, axis, epsilon, centre: false);
    }

    private static DTensor[] Normalize(OpContext context, DTensor x, DTensor scale, DTensor? bias, int axis, double epsilon, bool centre)
    {
        var normalized = x.Shape.Skip(axis).ToArray();
        long inner = normalized.Aggregate(1L, (a, d) => a * d);
        if (!MatrixOps.BroadcastsTo(scale.Shape, normalized) || bias != null && !MatrixOps.BroadcastsTo(bias.Shape, normalized))
            throw context.Error($"scale {Text(scale.Shape)} / B must broadcast to the normalised shape {Text(normalized)}");
        var scaleMap = Broadcast.IndexMap(scale.Shape, normalized);
        var biasMap = bias != null ? Broadcast.IndexMap(bias.Shape, normalized) : null;
        var y = new double[x.Data.Length];
        long groups = inner == 0 ? 0 : x.Data.Length / inner;
        var means = new double[groups];
        var invStds = new double[groups];
        for (long g = 0; g < groups; g++)
        {
            long start = g * inner;
            double mu = 0;
            if (centre)
            {
                for (long i = 0; i < inner; i++) mu += x.Data[start + i];
                mu /= inner;
            }
            double meanSquare = 0;
            for (long i = 0; i < inner; i++) meanSquare += (x.Data[start + i] - mu) * (x.Data[start + i] - mu);
            meanSquare /= inner;
            double invStd = 1 / Math.Sqrt(meanSquare + epsilon);
            means[g] = mu;
            invStds[g] = invStd;
            for (long i = 0; i < inner; i++)
                y[start + i] = (x.Data[start + i] - mu) * invStd * scale.Data[scaleMap[i]] + (biasMap != null ? bias!.Data[biasMap[i]] : 0);
        }
        var statisticsShape = x.Shape.Select((d, i) => i < axis ? d : 1L).ToArray();
        return new[] { new DTensor(x.Shape, y), new DTensor(statisticsShape, means), new DTensor(statisticsShape, invStds) };
    }
}
