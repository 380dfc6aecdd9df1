using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;
using Xunit;

namespace Mz.Tests.Analysis;

/// <summary>The blocked sample-sized products agree with plain products for every block remainder.</summary>
public sealed class DenseKernelTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 5, 3)]
    [InlineData(1030, 9, 6)]
    [InlineData(515, 16, 17)]
    public void ProductsMatchTheirDefinitions(int samples, int p, int q)
    {
        var random = new DeterministicRandom((ulong)(samples * 1000 + p * 10 + q));
        var a = SyntheticNetworks.Gaussian(samples, p, 1, random);
        var b = SyntheticNetworks.Gaussian(samples, q, 1, random);
        var small = SyntheticNetworks.Gaussian(q, p, 1, random);
        var square = SyntheticNetworks.Gaussian(p, q, 1, random);
        Assert.True(SyntheticNetworks.RelativeError(DenseKernels.TransposeThisAndMultiply(a, b), a.Transpose() * b) <= 1e-13);
        Assert.True(SyntheticNetworks.RelativeError(DenseKernels.TransposeThisAndMultiply(a, a), a.Transpose() * a) <= 1e-13);
        Assert.True(SyntheticNetworks.RelativeError(DenseKernels.TransposeAndMultiply(a, small), a * small.Transpose()) <= 1e-13);
        Assert.True(SyntheticNetworks.RelativeError(DenseKernels.Multiply(a, square), a * square) <= 1e-13);
        var c = b.Clone();
        DenseKernels.SubtractTransposeProduct(c, a, small);
        Assert.True(SyntheticNetworks.RelativeError(c, b - a * small.Transpose()) <= 1e-13);
        Assert.Equal(a.FrobeniusNorm(), DenseKernels.FrobeniusNorm(a), 10);
    }
}
