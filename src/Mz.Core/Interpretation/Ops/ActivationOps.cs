using System;
using System.Collections.Generic;

namespace Mz.Core.Interpretation;

/// <summary>
/// Activations with attributes. A missing attribute always means the ONNX default (never 0); the Selu
/// defaults are the exact float32 constants of the spec.
/// </summary>
internal static class ActivationOps
{
    public const double SeluAlpha = 1.67326319217681884765625;
    public const double SeluGamma = 1.05070102214813232421875;

    public static void Register(Dictionary<string, OpEvaluator> table)
    {
        table["LeakyRelu"] = c =>
        {
            double alpha = c.Node.GetFloat("alpha", 0.01f);
            return UnaryOps.Map(c, x => x >= 0 ? x : alpha * x);
        };
        table["Elu"] = c =>
        {
            double alpha = c.Node.GetFloat("alpha", 1f);
            return UnaryOps.Map(c, x => x >= 0 ? x : alpha * (Math.Exp(x) - 1));
        };
        table["Selu"] = c =>
        {
            double alpha = c.Node.Has("alpha") ? c.Node.GetFloat("alpha", 0) : SeluAlpha;
            double gamma = c.Node.Has("gamma") ? c.Node.GetFloat("gamma", 0) : SeluGamma;
            return UnaryOps.Map(c, x => gamma * (x > 0 ? x : alpha * (Math.Exp(x) - 1)));
        };
        table["Celu"] = c =>
        {
            double alpha = c.Node.GetFloat("alpha", 1f);
            return UnaryOps.Map(c, x => double.IsNaN(x) ? x : Math.Max(0, x) + Math.Min(0, alpha * (Math.Exp(x / alpha) - 1)));
        };
        table["ThresholdedRelu"] = c =>
        {
            double alpha = c.Node.GetFloat("alpha", 1f);
            return UnaryOps.Map(c, x => double.IsNaN(x) ? x : x > alpha ? x : 0);
        };
        table["HardSigmoid"] = c =>
        {
            double alpha = c.Node.GetFloat("alpha", 0.2f), beta = c.Node.GetFloat("beta", 0.5f);
            return UnaryOps.Map(c, x => HardSigmoid(x, alpha, beta));
        };
        table["HardSwish"] = c => UnaryOps.Map(c, x => x * HardSigmoid(x, 1.0 / 6, 0.5));
        table["Swish"] = c =>
        {
            double alpha = c.Node.GetFloat("alpha", 1f);
            return UnaryOps.Map(c, x => x * ScalarMath.Sigmoid(alpha * x));
        };
        table["Gelu"] = Gelu;
        table["PRelu"] = PRelu;
        table["Clip"] = Clip;
    }

    private static double HardSigmoid(double x, double alpha, double beta) =>
        double.IsNaN(x) ? x : Math.Max(0, Math.Min(1, alpha * x + beta));

    private static DTensor[] Gelu(OpContext context)
    {
        string approximate = context.Node.GetString("approximate", "none");
        if (approximate == "tanh")
        {
            double k = Math.Sqrt(2 / Math.PI);
            return UnaryOps.Map(context, x => 0.5 * x * (1 + Math.Tanh(k * (x + 0.044715 * x * x * x))));
        }
        if (approximate != "none") throw context.Error($"approximate='{approximate}' is not 'none' or 'tanh'", "attribute");
        double invSqrt2 = 1 / Math.Sqrt(2);
        return UnaryOps.Map(context, x => 0.5 * x * (1 + ScalarMath.Erf(x * invSqrt2)));
    }

    /// <summary>
    /// PRelu: from opset 7 the slope broadcasts (numpy, unidirectional) to X; up to opset 6 a multi-element slope
    /// is per channel (axis 1), which is what the opset-6 PyTorch exports rely on.
    /// </summary>
    private static DTensor[] PRelu(OpContext context)
    {
        var x = context.Input(0);
        var slope = context.Input(1);
        if (context.Opset <= 6 && slope.Data.Length > 1 && x.Rank >= 2 && slope.Rank == 1 && slope.Shape[0] == x.Shape[1])
        {
            var perChannel = new long[x.Rank - 1];
            perChannel[0] = slope.Shape[0];
            for (int i = 1; i < perChannel.Length; i++) perChannel[i] = 1;
            slope = slope.Reshape(perChannel);
        }
        if (!MatrixOps.BroadcastsTo(slope.Shape, x.Shape))
            throw context.Error($"slope of shape [{string.Join(", ", slope.Shape)}] does not broadcast to X [{string.Join(", ", x.Shape)}]");
        return new[] { Broadcast.Binary(x, slope, (v, s) => v >= 0 || double.IsNaN(v) ? v : s * v, context.Where) };
    }

    /// <summary>
    /// Clip: bounds are the min/max attributes before opset 11 and optional scalar inputs from 11. A NaN element
    /// stays NaN; a NaN bound is ignored rather than poisoning every element.
    /// </summary>
    private static DTensor[] Clip(OpContext context)
    {
        double lo, hi;
        if (context.Opset < 11)
        {
            lo = context.Node.Has("min") ? context.Node.GetFloat("min", 0) : double.NegativeInfinity;
            hi = context.Node.Has("max") ? context.Node.GetFloat("max", 0) : double.PositiveInfinity;
        }
        else
        {
            lo = Bound(context, 1, double.NegativeInfinity);
            hi = Bound(context, 2, double.PositiveInfinity);
        }
        if (double.IsNaN(lo)) lo = double.NegativeInfinity;
        if (double.IsNaN(hi)) hi = double.PositiveInfinity;
        return UnaryOps.Map(context, x => double.IsNaN(x) ? x : Math.Min(Math.Max(x, lo), hi), keepInteger: true);
    }

    private static double Bound(OpContext context, int index, double fallback)
    {
        if (context.Optional(index) is not { } t) return fallback;
        if (t.Data.Length != 1) throw context.Error($"input {index} must be a scalar, got shape [{string.Join(", ", t.Shape)}]");
        return t.Data[0];
    }
}
