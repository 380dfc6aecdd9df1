using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;

namespace Mz.Tests.Analysis;

/// <summary>Small seeded networks and data for the property tests of MZ.md §7.2.</summary>
internal static class SyntheticNetworks
{
    public static Matrix<double> Gaussian(int rows, int cols, double scale, DeterministicRandom random) =>
        Matrix<double>.Build.Dense(rows, cols, (_, _) => scale * random.NextNormal());

    /// <summary>A dense network d → width → … → width (layers maps) with a readout to <paramref name="outputs"/>.</summary>
    public static LayerView DenseNetwork(int inputWidth, int width, int layers, int outputs, Activation activation, ulong seed, double gain = 1.5)
    {
        var random = new DeterministicRandom(seed);
        var maps = new List<LayerMap>();
        int previous = inputWidth;
        for (int n = 0; n < layers; n++)
        {
            var weight = Gaussian(width, previous, gain / Math.Sqrt(previous), random);
            var bias = Vector<double>.Build.Dense(width, _ => 0.3 * random.NextNormal());
            maps.Add(new LayerMap(LayerMapKind.Dense, weight, bias, activation));
            previous = width;
        }
        var readout = new AffineMap(Gaussian(outputs, width, 1 / Math.Sqrt(width), random), Vector<double>.Build.Dense(outputs, _ => random.NextNormal()));
        return new LayerView(inputWidth, null, maps, readout);
    }

    /// <summary>Linear layers with per-layer widths (widths[0] is the input).</summary>
    public static LayerView LinearNetwork(int[] widths, int outputs, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var maps = new List<LayerMap>();
        for (int n = 0; n + 1 < widths.Length; n++)
        {
            var weight = Gaussian(widths[n + 1], widths[n], 1 / Math.Sqrt(widths[n]), random);
            var bias = Vector<double>.Build.Dense(widths[n + 1], _ => random.NextNormal());
            maps.Add(new LayerMap(LayerMapKind.Dense, weight, bias, Activation.Identity));
        }
        int last = widths[widths.Length - 1];
        var readout = new AffineMap(Gaussian(outputs, last, 1 / Math.Sqrt(last), random), Vector<double>.Build.Dense(outputs, _ => random.NextNormal()));
        return new LayerView(widths[0], null, maps, readout);
    }

    /// <summary>Inputs with correlated, non-isotropic coordinates (so every covariance is non-trivial).</summary>
    public static Matrix<double> Inputs(int rows, int cols, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var mixing = Gaussian(cols, cols, 1 / Math.Sqrt(cols), random) + Matrix<double>.Build.DenseIdentity(cols);
        return Gaussian(rows, cols, 1, random) * mixing;
    }

    /// <summary>PCA bases of the given states with the requested ranks (built through the code under test).</summary>
    public static LayerBasis[] PcaBases(IReadOnlyList<Matrix<double>> states, Func<int, int> rank) =>
        states.Select((x, n) => BasisBuilder.Build(x, null, new BasisOptions { Kind = BasisKind.Pca, Rank = rank(n) })).ToArray();

    /// <summary>Random full-column-rank restriction/lift pairs: exercises the identities in arbitrary (non-orthogonal) bases.</summary>
    public static LayerBasis[] RandomBases(IReadOnlyList<Matrix<double>> states, Func<int, int> rank, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        return states.Select((x, n) =>
        {
            var mean = x.ColumnSums() / x.RowCount;
            var restrict = Gaussian(x.ColumnCount, rank(n), 1, random);
            return new LayerBasis(BasisKind.Explicit, mean, restrict.Clone(), restrict);
        }).ToArray();
    }

    /// <summary>max |a − b| / max(RMS(a), tiny).</summary>
    public static double RelativeError(Matrix<double> actual, Matrix<double> expected)
    {
        double scale = expected.FrobeniusNorm() / Math.Sqrt(Math.Max(1, expected.RowCount * expected.ColumnCount));
        return (actual - expected).FrobeniusNorm() / Math.Sqrt(Math.Max(1, expected.RowCount * expected.ColumnCount)) / Math.Max(scale, 1e-300);
    }

    /// <summary>Least-squares coefficients B minimising ‖Y − X B‖ by QR (independent of the code under test).</summary>
    public static Matrix<double> LeastSquares(Matrix<double> x, Matrix<double> y) => x.QR().Solve(y);
}
