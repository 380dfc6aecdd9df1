using System;

namespace Mz.Core.Analysis;

/// <summary>Element-wise activation of a layer map (σ in MZ.md (1.1)).</summary>
public enum Activation
{
    Identity,
    Relu,
    Tanh,
    Sigmoid,
}

/// <summary>Values, derivatives and range sizes of <see cref="Activation"/>.</summary>
public static class ActivationMath
{
    public static double Apply(Activation activation, double a) => activation switch
    {
        Activation.Identity => a,
        Activation.Relu => a > 0 ? a : 0,
        Activation.Tanh => Math.Tanh(a),
        Activation.Sigmoid => 1.0 / (1.0 + Math.Exp(-a)),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    public static double Derivative(Activation activation, double a)
    {
        switch (activation)
        {
            case Activation.Identity: return 1;
            // ReLU is not differentiable at 0; the one-sided value 0 matches what autodiff frameworks return.
            case Activation.Relu: return a > 0 ? 1 : 0;
            case Activation.Tanh:
                double t = Math.Tanh(a);
                return 1 - t * t;
            case Activation.Sigmoid:
                double s = 1.0 / (1.0 + Math.Exp(-a));
                return s * (1 - s);
            default: throw new ArgumentOutOfRangeException(nameof(activation));
        }
    }

    /// <summary>Length of the interval σ maps into (infinite when unbounded); used for range diameters in (F4).</summary>
    public static double RangeLength(Activation activation) => activation switch
    {
        Activation.Tanh => 2,
        Activation.Sigmoid => 1,
        _ => double.PositiveInfinity,
    };

    /// <summary>Global Lipschitz constant of σ.</summary>
    public static double Lipschitz(Activation activation) => activation == Activation.Sigmoid ? 0.25 : 1;
}
