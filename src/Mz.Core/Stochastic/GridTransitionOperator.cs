using System;
using System.Threading.Tasks;

namespace Mz.Core.Stochastic;

/// <summary>
/// The discretised one-layer operators of (1.2)–(1.3) between the grids of layers n and n+1:
/// the composition operator (ℳ_n u)(x_i) = Σ_k w_k u(H_n(x_i) + β_n z_k), with tensor Gauss–Hermite nodes z_k
/// for the noise and cubic-spline interpolation of u on the next grid; and the transfer operator 𝒩_n, built as the exact
/// adjoint of that matrix under the grid quadrature (Σ_i h^d), so that forward and backward propagation give the
/// same expectations to round-off. Both are matrix-free: each row is recomputed from H_n when applied.
/// </summary>
public sealed class GridTransitionOperator
{
    private readonly StochasticLayer _layer;
    private readonly double[] _nodes;
    private readonly double[] _nodeWeights;

    private readonly double[]? _blurKernel;

    public GridTransitionOperator(StochasticLayer layer, double noiseLevel, StateGrid source, StateGrid target, GaussHermiteRule rule, NoiseIntegration integration = NoiseIntegration.GaussHermite)
    {
        if (source.Dimension != layer.Inputs || target.Dimension != layer.Outputs)
            throw new ArgumentException($"grid dimensions {source.Dimension}→{target.Dimension} do not match the layer {layer.Inputs}→{layer.Outputs}");
        if (Math.Abs(source.Spacing - target.Spacing) > 1e-12 * source.Spacing)
            throw new ArgumentException("all layer grids must share one spacing");
        _layer = layer;
        Source = source;
        Target = target;
        NoiseLevel = noiseLevel;
        // A deterministic layer needs a single node: the transition density is a point mass at H_n(x).
        bool quadrature = noiseLevel > 0 && integration == NoiseIntegration.GaussHermite;
        _nodes = quadrature ? rule.Nodes : new[] { 0.0 };
        _nodeWeights = quadrature ? rule.Weights : new[] { 1.0 };
        if (noiseLevel > 0 && integration == NoiseIntegration.GridConvolution) _blurKernel = BlurKernel(noiseLevel, target.Spacing);
        Integration = noiseLevel > 0 ? integration : NoiseIntegration.GaussHermite;
        _coefficients = CubicSplineCoefficients.Layout(target);
    }

    /// <summary>The layout of the target grid's spline coefficients, which the rows address.</summary>
    private readonly StateGrid _coefficients;

    public NoiseIntegration Integration { get; }

    /// <summary>Gaussian weights at offsets −T..T cells (T covers 7β), normalised to sum to one so that ℳ1 = 1 stays exact.</summary>
    private static double[] BlurKernel(double level, double spacing)
    {
        int half = Math.Max(1, (int)Math.Ceiling(7 * level / spacing));
        var kernel = new double[2 * half + 1];
        double total = 0;
        for (int t = -half; t <= half; t++)
        {
            double r = t * spacing / level;
            total += kernel[t + half] = Math.Exp(-0.5 * r * r);
        }
        for (int t = 0; t < kernel.Length; t++) kernel[t] /= total;
        return kernel;
    }

    /// <summary>
    /// Convolves grid values with the noise kernel along every axis, indices clamped at the edges (the same constant
    /// extension the interpolation uses); with <paramref name="adjoint"/> it applies the transposed matrix instead.
    /// </summary>
    private double[] Blur(double[] values, bool adjoint)
    {
        var kernel = _blurKernel!;
        int half = kernel.Length / 2;
        var current = values;
        for (int a = 0; a < Target.Dimension; a++)
        {
            var next = new double[current.Length];
            int stride = Target.Strides[a], count = Target.Counts[a];
            for (int i = 0; i < current.Length; i++)
            {
                int position = i / stride % count;
                int lineStart = i - position * stride;
                if (!adjoint)
                {
                    double sum = 0;
                    for (int t = -half; t <= half; t++)
                    {
                        int p = position + t;
                        p = p < 0 ? 0 : p >= count ? count - 1 : p;
                        sum += kernel[t + half] * current[lineStart + p * stride];
                    }
                    next[i] = sum;
                }
                else
                {
                    double v = current[i];
                    if (v == 0) continue;
                    for (int t = -half; t <= half; t++)
                    {
                        int p = position + t;
                        p = p < 0 ? 0 : p >= count ? count - 1 : p;
                        next[lineStart + p * stride] += kernel[t + half] * v;
                    }
                }
            }
            current = next;
        }
        return current;
    }

    public StateGrid Source { get; }
    public StateGrid Target { get; }
    public double NoiseLevel { get; }

    /// <summary>Per-thread buffers: the mapped point, and per axis and node the stencil start and weights.</summary>
    private sealed class RowBuffers
    {
        public RowBuffers(int inputs, int dimension, int nodes)
        {
            Point = new double[inputs];
            Mapped = new double[dimension];
            Starts = new int[dimension * nodes];
            Weights = new double[dimension * nodes * 4];
        }

        public readonly double[] Point, Mapped;
        public readonly int[] Starts;
        public readonly double[] Weights;
    }

    /// <summary>Fills the separable row of one state: per target axis and noise node, the stencil start and weights.</summary>
    private void BuildRow(double[] point, RowBuffers buffers)
    {
        _layer.Apply(point, 0, buffers.Mapped, 0);
        int m = _nodes.Length;
        for (int a = 0; a < Target.Dimension; a++)
            for (int k = 0; k < m; k++)
                buffers.Starts[a * m + k] = CubicSplineStencil.Compute(buffers.Mapped[a] + NoiseLevel * _nodes[k], Target.Origin[a], Target.Spacing, Target.Counts[a], _nodeWeights[k], buffers.Weights, (a * m + k) * 4);
    }

    /// <summary>Σ_j M[row, j]·u_j for a row already built: the tensor sum over nodes and stencil offsets.</summary>
    private double Contract(RowBuffers b, double[] u)
    {
        int m = _nodes.Length;
        var s = b.Starts;
        var w = b.Weights;
        switch (Target.Dimension)
        {
            case 1:
            {
                double sum = 0;
                for (int k = 0; k < m; k++)
                {
                    int j = s[k];
                    sum += w[4 * k] * u[j] + w[4 * k + 1] * u[j + 1] + w[4 * k + 2] * u[j + 2] + w[4 * k + 3] * u[j + 3];
                }
                return sum;
            }
            case 2:
            {
                int stride = _coefficients.Strides[1];
                double sum = 0;
                for (int k1 = 0; k1 < m; k1++)
                {
                    for (int t1 = 0; t1 < 4; t1++)
                    {
                        int row = (s[m + k1] + t1) * stride;
                        double inner = 0;
                        for (int k0 = 0; k0 < m; k0++)
                        {
                            int j = row + s[k0];
                            int o = 4 * k0;
                            inner += w[o] * u[j] + w[o + 1] * u[j + 1] + w[o + 2] * u[j + 2] + w[o + 3] * u[j + 3];
                        }
                        sum += w[4 * (m + k1) + t1] * inner;
                    }
                }
                return sum;
            }
            default:
            {
                int stride1 = _coefficients.Strides[1], stride2 = _coefficients.Strides[2];
                double sum = 0;
                for (int k2 = 0; k2 < m; k2++)
                    for (int t2 = 0; t2 < 4; t2++)
                    {
                        int plane = (s[2 * m + k2] + t2) * stride2;
                        double middle = 0;
                        for (int k1 = 0; k1 < m; k1++)
                            for (int t1 = 0; t1 < 4; t1++)
                            {
                                int row = plane + (s[m + k1] + t1) * stride1;
                                double inner = 0;
                                for (int k0 = 0; k0 < m; k0++)
                                {
                                    int j = row + s[k0];
                                    int o = 4 * k0;
                                    inner += w[o] * u[j] + w[o + 1] * u[j + 1] + w[o + 2] * u[j + 2] + w[o + 3] * u[j + 3];
                                }
                                middle += w[4 * (m + k1) + t1] * inner;
                            }
                        sum += w[4 * (2 * m + k2) + t2] * middle;
                    }
                return sum;
            }
        }
    }

    /// <summary>Adds scale·M[row, j] to v_j for every j of a built row (the adjoint of <see cref="Contract"/>).</summary>
    private void Scatter(RowBuffers b, double scale, double[] v)
    {
        int m = _nodes.Length;
        var s = b.Starts;
        var w = b.Weights;
        int d = Target.Dimension;
        int stride1 = d > 1 ? _coefficients.Strides[1] : 0, stride2 = d > 2 ? _coefficients.Strides[2] : 0;
        int m1 = d > 1 ? m : 1, m2 = d > 2 ? m : 1, t1Count = d > 1 ? 4 : 1, t2Count = d > 2 ? 4 : 1;
        for (int k2 = 0; k2 < m2; k2++)
            for (int t2 = 0; t2 < t2Count; t2++)
            {
                double w2 = d > 2 ? scale * w[4 * (2 * m + k2) + t2] : scale;
                int plane = d > 2 ? (s[2 * m + k2] + t2) * stride2 : 0;
                for (int k1 = 0; k1 < m1; k1++)
                    for (int t1 = 0; t1 < t1Count; t1++)
                    {
                        double w1 = d > 1 ? w2 * w[4 * (m + k1) + t1] : w2;
                        int row = plane + (d > 1 ? (s[m + k1] + t1) * stride1 : 0);
                        for (int k0 = 0; k0 < m; k0++)
                        {
                            int j = row + s[k0];
                            int o = 4 * k0;
                            v[j] += w1 * w[o];
                            v[j + 1] += w1 * w[o + 1];
                            v[j + 2] += w1 * w[o + 2];
                            v[j + 3] += w1 * w[o + 3];
                        }
                    }
            }
    }

    /// <summary>ℳ_n: values of u on the target grid → values of ℳ_n u on the source grid.</summary>
    public double[] Compose(double[] nextValues, int maxParallelism = 1)
    {
        if (nextValues.Length != Target.PointCount) throw new ArgumentException($"expected {Target.PointCount} values on the layer-(n+1) grid, got {nextValues.Length}");
        var coefficients = Coefficients(nextValues);
        var result = new double[Source.PointCount];
        int chunks = Math.Max(1, Math.Min(maxParallelism * 4, Source.Counts[Source.Dimension - 1]));
        int chunkSize = (Source.PointCount + chunks - 1) / chunks;
        void RunChunk(int chunk)
        {
            var buffers = new RowBuffers(_layer.Inputs, Target.Dimension, _nodes.Length);
            int end = Math.Min(Source.PointCount, (chunk + 1) * chunkSize);
            for (int i = chunk * chunkSize; i < end; i++)
            {
                Source.GetPoint(i, buffers.Point);
                BuildRow(buffers.Point, buffers);
                result[i] = Contract(buffers, coefficients);
            }
        }
        if (maxParallelism <= 1) for (int c = 0; c < chunks; c++) RunChunk(c);
        else Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism }, RunChunk);
        return result;
    }

    /// <summary>(ℳ_n u)(x) at an arbitrary state x (not necessarily a grid point).</summary>
    public double ComposeAt(double[] point, double[] nextValues)
    {
        return ComposeAtCoefficients(point, Coefficients(nextValues));
    }

    /// <summary>(ℳ_n u)(x) from u's precomputed <see cref="Coefficients"/> (for many points).</summary>
    public double ComposeAtCoefficients(double[] point, double[] coefficients)
    {
        if (point.Length != _layer.Inputs) throw new ArgumentException($"the layer takes {_layer.Inputs} values, got {point.Length}");
        if (coefficients.Length != _coefficients.PointCount) throw new ArgumentException($"expected {_coefficients.PointCount} coefficients, got {coefficients.Length}");
        var buffers = new RowBuffers(_layer.Inputs, Target.Dimension, _nodes.Length);
        BuildRow(point, buffers);
        return Contract(buffers, coefficients);
    }

    /// <summary>Spline coefficients of the (blurred, in convolution mode) next-layer values: what a row contracts with.</summary>
    public double[] Coefficients(double[] nextValues)
    {
        if (_blurKernel != null) nextValues = Blur(nextValues, adjoint: false);
        return CubicSplineCoefficients.Compute(Target, nextValues);
    }

    /// <summary>The transpose of <see cref="Coefficients"/>: weights on coefficients → density values on the target grid.</summary>
    private double[] CoefficientsAdjoint(double[] coefficientWeights)
    {
        var values = CubicSplineCoefficients.Adjoint(Target, coefficientWeights);
        return _blurKernel != null ? Blur(values, adjoint: true) : values;
    }

    /// <summary>𝒩_n: a density on the source grid → the density on the target grid (the exact discrete adjoint of ℳ_n).</summary>
    public double[] Transfer(double[] density)
    {
        if (density.Length != Source.PointCount) throw new ArgumentException($"expected {Source.PointCount} density values, got {density.Length}");
        var result = new double[_coefficients.PointCount];
        var buffers = new RowBuffers(_layer.Inputs, Target.Dimension, _nodes.Length);
        double volumeRatio = Source.CellVolume / Target.CellVolume;
        for (int i = 0; i < Source.PointCount; i++)
        {
            if (density[i] == 0) continue;
            Source.GetPoint(i, buffers.Point);
            BuildRow(buffers.Point, buffers);
            Scatter(buffers, density[i] * volumeRatio, result);
        }
        return CoefficientsAdjoint(result);
    }

    /// <summary>The density on the target grid of X_{n+1} given X_n = x exactly (a point mass at x pushed through 𝒩_n).</summary>
    public double[] TransferPoint(double[] point)
    {
        var result = new double[_coefficients.PointCount];
        var buffers = new RowBuffers(_layer.Inputs, Target.Dimension, _nodes.Length);
        BuildRow(point, buffers);
        Scatter(buffers, 1 / Target.CellVolume, result);
        return CoefficientsAdjoint(result);
    }
}
