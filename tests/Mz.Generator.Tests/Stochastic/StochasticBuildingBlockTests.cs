using Mz.Core.Stochastic;
using Xunit;

namespace Mz.Tests.Stochastic;

/// <summary>The numerical building blocks, against tabulated constants and independent quadrature.</summary>
public sealed class StochasticBuildingBlockTests
{
    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.0, 0.8413447460685429)]
    [InlineData(-1.96, 0.024997895148220435)]
    [InlineData(2.5, 0.9937903346742238)]
    [InlineData(-3.0, 0.0013498980316300946)]
    [InlineData(-5.0, 2.866515718791939e-07)]
    [InlineData(-8.0, 6.22096057427178e-16)]
    [InlineData(-20.0, 2.7536241186062337e-89)]
    public void NormalCdfMatchesTabulatedValues(double z, double expected)
    {
        double actual = NormalDistribution.Cdf(z);
        Assert.True(Math.Abs(actual - expected) <= 1e-14 * expected + (expected > 1e-3 ? 2e-16 : 0), $"ncdf({z}) = {actual:R}, expected {expected:R}");
    }

    [Fact]
    public void ErfMatchesTabulatedValues()
    {
        Assert.True(Math.Abs(0.5204998778130465 - NormalDistribution.Erf(0.5)) <= 1e-15);
        Assert.True(Math.Abs(0.9953222650189527 - NormalDistribution.Erf(2.0)) <= 1e-15);
        Assert.True(Math.Abs(-0.8427007929497149 - NormalDistribution.Erf(-1.0)) <= 1e-15);
        Assert.True(Math.Abs(0.9999779095030014 - NormalDistribution.Erf(3.0)) <= 1e-15);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(20)]
    [InlineData(40)]
    public void GaussHermiteRuleIntegratesNormalMomentsExactly(int points)
    {
        var rule = GaussHermiteRule.Create(points);
        // E[Z^(2k)] = (2k − 1)!!, odd moments vanish; exact up to degree 2n − 1.
        double doubleFactorial = 1;
        for (int degree = 0; degree <= 2 * points - 1; degree++)
        {
            double moment = 0, scale = 0;
            for (int i = 0; i < points; i++)
            {
                moment += rule.Weights[i] * Math.Pow(rule.Nodes[i], degree);
                scale += rule.Weights[i] * Math.Abs(Math.Pow(rule.Nodes[i], degree));
            }
            double expected = degree % 2 == 1 ? 0 : doubleFactorial;
            Assert.True(Math.Abs(moment - expected) <= 1e-12 * Math.Max(scale, expected), $"{points} points, degree {degree}: {moment} vs {expected}");
            if (degree % 2 == 1) doubleFactorial *= degree; // (2k+1)!! = (2k−1)!!·(2k+1) for the next even degree
        }
    }

    [Fact]
    public void SevenPointRuleHasTheTabulatedLargestNode()
    {
        // Largest root of He_7: 3.7504397177257425.
        Assert.Equal(3.7504397177257425, GaussHermiteRule.Create(7).Nodes[6], 13);
    }

    /// <summary>E[g(m + sZ)] by a fine trapezoid rule on [−12, 12]: independent of the code under test.</summary>
    private static double Trapezoid(Func<double, double> g, double m, double s)
    {
        const int steps = 24000;
        double h = 24.0 / steps, sum = 0;
        for (int i = 0; i <= steps; i++)
        {
            double z = -12 + i * h;
            double weight = (i == 0 || i == steps ? 0.5 : 1) * h * Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);
            sum += weight * g(m + s * z);
        }
        return sum;
    }

    [Theory]
    [InlineData(0.3, 0.5)]
    [InlineData(-1.2, 2.0)]
    [InlineData(2.0, 0.1)]
    public void ActivationMomentsMatchIndependentQuadrature(double m, double v)
    {
        double s = Math.Sqrt(v);
        Func<double, double> relu = a => Math.Max(a, 0);
        Func<double, double> gelu = a => a * NormalDistribution.Cdf(a);
        // Exact closed forms: ReLU mean, variance and slope; GELU mean and slope.
        var r = GaussianActivationMoments.Compute(LayerActivation.Relu, m, v);
        double reluMean = Trapezoid(relu, m, s);
        Assert.Equal(reluMean, r.Mean, 6);
        Assert.Equal(Trapezoid(a => relu(a) * relu(a), m, s) - reluMean * reluMean, r.Variance, 6);
        Assert.Equal(Trapezoid(a => a > 0 ? 1 : 0, m, s), r.MeanSlope, 3);
        var g = GaussianActivationMoments.Compute(LayerActivation.Gelu, m, v);
        Assert.True(Math.Abs(Trapezoid(gelu, m, s) - g.Mean) <= 1e-10);
        Assert.True(Math.Abs(Trapezoid(a => NormalDistribution.Cdf(a) + a * NormalDistribution.Pdf(a), m, s) - g.MeanSlope) <= 1e-10);
        // Smooth activations: variances by quadrature are accurate; the probit means are approximations.
        foreach (var activation in new[] { LayerActivation.Tanh, LayerActivation.Sigmoid, LayerActivation.Gelu })
        {
            Func<double, double> f = a => LayerActivations.Apply(activation, a);
            double mean = Trapezoid(f, m, s);
            double variance = Trapezoid(a => (f(a) - mean) * (f(a) - mean), m, s);
            var closed = GaussianActivationMoments.Compute(activation, m, v);
            var quadrature = GaussianActivationMoments.Compute(activation, m, v, ActivationMomentMethod.Quadrature);
            Assert.True(Math.Abs(variance - closed.Variance) <= 1e-9, $"{activation}: variance {closed.Variance} vs {variance}");
            Assert.True(Math.Abs(mean - quadrature.Mean) <= 1e-9, $"{activation}: mean {quadrature.Mean} vs {mean}");
            double slope = Trapezoid(a => LayerActivations.Derivative(activation, a), m, s);
            Assert.True(Math.Abs(slope - quadrature.MeanSlope) <= 1e-9, $"{activation}: slope {quadrature.MeanSlope} vs {slope}");
            Assert.True(Math.Abs(closed.Mean - mean) <= 0.02, $"{activation}: probit mean {closed.Mean} vs {mean}");
        }
    }

    [Fact]
    public void NoiseSourceIsStandardNormalAndReproducible()
    {
        var a = new GaussianNoiseSource(5, 3);
        var b = new GaussianNoiseSource(5, 3);
        const int count = 400_000;
        double sum = 0, squares = 0, fourth = 0;
        for (int i = 0; i < count; i++)
        {
            double z = a.NextStandardNormal();
            Assert.Equal(z, b.NextStandardNormal());
            sum += z;
            squares += z * z;
            fourth += z * z * z * z;
        }
        Assert.True(Math.Abs(sum / count) <= 4 / Math.Sqrt(count));
        Assert.True(Math.Abs(squares / count - 1) <= 4 * Math.Sqrt(2.0 / count));
        Assert.True(Math.Abs(fourth / count - 3) <= 4 * Math.Sqrt(96.0 / count));
        Assert.NotEqual(new GaussianNoiseSource(5, 4).NextStandardNormal(), new GaussianNoiseSource(5, 3).NextStandardNormal());
    }

    [Fact]
    public void CubicSplineReproducesCubicsAndItsAdjointIsTheTranspose()
    {
        var grid = new StateGrid(new[] { -1.0, 0.5 }, 0.1, new[] { 12, 9 });
        double Cubic(double[] p) => 1 + p[0] - 2 * p[1] + p[0] * p[0] * p[1] - 0.5 * p[1] * p[1] * p[1] + p[0] * p[0] * p[0];
        var values = grid.Sample(Cubic);
        // Natural end conditions are exact only for functions with zero second derivative at the ends, so test an
        // interior point against a cubic and the whole grid against a linear function.
        var coefficients = CubicSplineCoefficients.Compute(grid, grid.Sample(p => 2 - p[0] + 3 * p[1]));
        var point = new[] { -0.537, 0.861 };
        Assert.Equal(2 - point[0] + 3 * point[1], CubicSplineStencil.Evaluate(grid, coefficients, point), 12);
        Assert.Equal(Cubic(new[] { -0.5, 0.9 }), CubicSplineStencil.Interpolate(grid, values, new[] { -0.5, 0.9 }), 12);
        // ⟨C u, g⟩ = ⟨u, Cᵀ g⟩ for random u, g.
        var random = new Random(3);
        var u = Enumerable.Range(0, grid.PointCount).Select(_ => random.NextDouble()).ToArray();
        var layout = CubicSplineCoefficients.Layout(grid);
        var weights = Enumerable.Range(0, layout.PointCount).Select(_ => random.NextDouble()).ToArray();
        double left = CubicSplineCoefficients.Compute(grid, u).Zip(weights, (x, y) => x * y).Sum();
        double right = u.Zip(CubicSplineCoefficients.Adjoint(grid, weights), (x, y) => x * y).Sum();
        Assert.True(Math.Abs(left - right) <= 1e-12 * Math.Abs(left), $"{left} vs {right}");
    }
}
