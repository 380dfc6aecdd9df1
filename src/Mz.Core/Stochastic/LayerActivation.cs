using System;

namespace Mz.Core.Stochastic;

/// <summary>The element-wise nonlinearities a stochastic layer stack understands.</summary>
public enum LayerActivation
{
    /// <summary>No nonlinearity: the layer is affine (linear-Gaussian networks, plain readouts).</summary>
    Identity,
    Relu,
    Tanh,
    Sigmoid,

    /// <summary>The exact (erf-based) GELU, x·ncdf(x).</summary>
    Gelu,
}

/// <summary>Evaluates a <see cref="LayerActivation"/> and its derivative.</summary>
public static class LayerActivations
{
    public static double Apply(LayerActivation activation, double x) => activation switch
    {
        LayerActivation.Identity => x,
        LayerActivation.Relu => x > 0 ? x : 0,
        LayerActivation.Tanh => Math.Tanh(x),
        LayerActivation.Sigmoid => Logistic(x),
        LayerActivation.Gelu => x * NormalDistribution.Cdf(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    public static double Derivative(LayerActivation activation, double x)
    {
        switch (activation)
        {
            case LayerActivation.Identity: return 1;
            case LayerActivation.Relu: return x > 0 ? 1 : 0;
            case LayerActivation.Tanh: { double t = Math.Tanh(x); return 1 - t * t; }
            case LayerActivation.Sigmoid: { double s = Logistic(x); return s * (1 - s); }
            case LayerActivation.Gelu: return NormalDistribution.Cdf(x) + x * NormalDistribution.Pdf(x);
            default: throw new ArgumentOutOfRangeException(nameof(activation));
        }
    }

    /// <summary>1/(1+e^−x), written so that neither tail overflows.</summary>
    public static double Logistic(double x)
    {
        if (x >= 0) return 1 / (1 + Math.Exp(-x));
        double e = Math.Exp(x);
        return e / (1 + e);
    }
}
