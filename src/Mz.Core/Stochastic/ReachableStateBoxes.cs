using System;

namespace Mz.Core.Stochastic;

/// <summary>
/// Sizes the grid of every layer: the bounding box of noisy trajectories started on a lattice over the input box,
/// padded by a multiple of the noise level. Pushing the box itself through the layers (interval arithmetic)
/// would compound the padding at every layer and make the grids uselessly large.
/// </summary>
public static class ReachableStateBoxes
{
    /// <returns>Lower and upper corners per layer n = 0..L; layer 0 is the input box plus two cells.</returns>
    public static (double[] Lower, double[] Upper)[] Compute(StochasticLayerStack stack, LayerNoise noise, double[] inputLower, double[] inputUpper, GridOperatorOptions options)
    {
        int d = stack.InputWidth;
        if (inputLower.Length != d || inputUpper.Length != d) throw new ArgumentException($"the input box must have {d} coordinates");
        var boxes = new (double[] Lower, double[] Upper)[stack.Depth + 1];
        for (int n = 0; n <= stack.Depth; n++)
        {
            int width = stack.Width(n);
            var lower = new double[width];
            var upper = new double[width];
            for (int a = 0; a < width; a++) { lower[a] = double.PositiveInfinity; upper[a] = double.NegativeInfinity; }
            boxes[n] = (lower, upper);
        }
        var pass = new NoisyForwardPass(stack, noise);
        var source = new GaussianNoiseSource(options.Seed, 0x6F78);
        int perAxis = Math.Max(2, options.CloudPointsPerAxis);
        long latticeSize = 1;
        for (int a = 0; a < d; a++) latticeSize *= perAxis;
        var input = new double[d];
        for (long p = 0; p < latticeSize; p++)
        {
            long rest = p;
            for (int a = 0; a < d; a++)
            {
                int i = (int)(rest % perAxis);
                rest /= perAxis;
                input[a] = inputLower[a] + (inputUpper[a] - inputLower[a]) * i / (perAxis - 1);
            }
            for (int r = 0; r < Math.Max(1, options.CloudPassesPerPoint); r++)
            {
                var states = pass.Run(input, source).States;
                for (int n = 0; n <= stack.Depth; n++)
                    for (int a = 0; a < states[n].Length; a++)
                    {
                        boxes[n].Lower[a] = Math.Min(boxes[n].Lower[a], states[n][a]);
                        boxes[n].Upper[a] = Math.Max(boxes[n].Upper[a], states[n][a]);
                    }
            }
        }
        for (int n = 0; n <= stack.Depth; n++)
        {
            double pad = 2 * options.Spacing + (n == 0 ? 0 : options.PaddingInNoiseLevels * noise[n - 1]);
            for (int a = 0; a < boxes[n].Lower.Length; a++)
            {
                boxes[n].Lower[a] -= pad;
                boxes[n].Upper[a] += pad;
            }
        }
        return boxes;
    }
}
