using System;
using System.Collections.Generic;

namespace Mz.Core.Stochastic;

/// <summary>
/// Run-time operator propagation for states of dimension ≤ 3 (MZ.md §5.10): every layer's state space is
/// discretised on a regular grid; conditional expectations q_n = ℳ_n q_{n+1} (1.4) are swept backward from the
/// output (one sweep serves every input in the input box), and densities p_{n+1} = 𝒩_n p_n forward.
/// </summary>
public sealed class GridOperatorPropagator
{
    public GridOperatorPropagator(StochasticLayerStack stack, LayerNoise noise, double[] inputLower, double[] inputUpper, GridOperatorOptions? options = null)
    {
        noise.CheckMatches(stack);
        options ??= new GridOperatorOptions();
        for (int n = 0; n <= stack.Depth; n++)
            if (stack.Width(n) > StateGrid.MaxDimension)
                throw new NotSupportedException($"grid operators need states of dimension ≤ {StateGrid.MaxDimension}; layer {n} has {stack.Width(n)}");
        Stack = stack;
        Noise = noise;
        Options = options;
        var boxes = ReachableStateBoxes.Compute(stack, noise, inputLower, inputUpper, options);
        var grids = new StateGrid[stack.Depth + 1];
        for (int n = 0; n <= stack.Depth; n++) grids[n] = StateGrid.Covering(boxes[n].Lower, boxes[n].Upper, options.Spacing);
        Grids = grids;
        var rule = GaussHermiteRule.Create(options.HermitePoints);
        var operators = new GridTransitionOperator[stack.Depth];
        for (int n = 0; n < stack.Depth; n++) operators[n] = new GridTransitionOperator(stack.Layers[n], noise[n], grids[n], grids[n + 1], rule, options.NoiseIntegration);
        Operators = operators;
    }

    public StochasticLayerStack Stack { get; }
    public LayerNoise Noise { get; }
    public GridOperatorOptions Options { get; }

    /// <summary>The grid of each layer n = 0..L.</summary>
    public IReadOnlyList<StateGrid> Grids { get; }

    /// <summary>The discretised ℳ_n / 𝒩_n for n = 0..L−1.</summary>
    public IReadOnlyList<GridTransitionOperator> Operators { get; }

    /// <summary>q(x_L) = readout output <paramref name="output"/> sampled on the last grid.</summary>
    public double[] ReadoutOnLastGrid(int output = 0)
    {
        if (output < 0 || output >= Stack.Readout.Outputs) throw new ArgumentOutOfRangeException(nameof(output));
        return Grids[Stack.Depth].Sample(x => Stack.Readout.Evaluate(x, 0, output));
    }

    /// <summary>
    /// Backward propagation (1.4): q_L = <paramref name="finalValues"/> on the last grid, q_n = ℳ_n q_{n+1}.
    /// Returns q_n on every grid, n = 0..L (index n).
    /// </summary>
    public double[][] Backward(double[] finalValues)
    {
        var result = new double[Stack.Depth + 1][];
        result[Stack.Depth] = finalValues;
        for (int n = Stack.Depth - 1; n >= 0; n--) result[n] = Operators[n].Compose(result[n + 1], Options.MaxParallelism);
        return result;
    }

    /// <summary>q_n(x) for a state x on layer n, by cubic-spline interpolation of the swept values.</summary>
    public double Interpolate(int layer, double[] values, double[] state) => CubicSplineStencil.Interpolate(Grids[layer], values, state);

    /// <summary>
    /// E[q(X_L) | X_0 = x] for an input x exactly, from q_1: one Gauss–Hermite step from x itself, so the input
    /// need not sit on the layer-0 grid and no interpolation error is added on layer 0.
    /// </summary>
    public double ExpectationAt(double[] input, double[][] backward) => Operators[0].ComposeAt(input, backward[1]);

    /// <summary><see cref="ExpectationAt"/> for many inputs, preparing the layer-1 spline once.</summary>
    public double[] ExpectationsAt(IReadOnlyList<double[]> inputs, double[][] backward)
    {
        var coefficients = Operators[0].Coefficients(backward[1]);
        var result = new double[inputs.Count];
        for (int i = 0; i < result.Length; i++) result[i] = Operators[0].ComposeAtCoefficients(inputs[i], coefficients);
        return result;
    }

    /// <summary>
    /// Forward propagation of a point mass at input x: returns the densities of X_1..X_L (index n; index 0 is null)
    /// on their grids. It is the exact adjoint of <see cref="ExpectationAt"/>: Σ_j h^d p_L[j] q(y_j) equals the
    /// backward value to round-off.
    /// </summary>
    public double[]?[] ForwardFromInput(double[] input, ICollection<int>? keepLayers = null)
    {
        var densities = new double[]?[Stack.Depth + 1];
        var current = Operators[0].TransferPoint(input);
        for (int n = 1; n <= Stack.Depth; n++)
        {
            if (keepLayers == null || keepLayers.Contains(n) || n == Stack.Depth) densities[n] = current;
            if (n < Stack.Depth) current = Operators[n].Transfer(current);
        }
        return densities;
    }

    /// <summary>Forward propagation of a density on the input grid: p_0..p_L (index n).</summary>
    public double[][] Forward(double[] inputDensity)
    {
        var densities = new double[Stack.Depth + 1][];
        densities[0] = inputDensity;
        for (int n = 0; n < Stack.Depth; n++) densities[n + 1] = Operators[n].Transfer(densities[n]);
        return densities;
    }

    /// <summary>∫ u p on layer n's grid (Σ_i h^d u_i p_i).</summary>
    public double Integrate(int layer, double[] values, double[] density)
    {
        double sum = 0;
        for (int i = 0; i < values.Length; i++) sum += values[i] * density[i];
        return sum * Grids[layer].CellVolume;
    }
}
