namespace Mz.Core.Ir;

/// <summary>
/// The one definition of the layout the reduced-stage kernel reads: a matrix stored input-major (row p holds the
/// weights from input p to every output), each row zero-padded to a whole number of <see cref="Lanes"/> values so a
/// kernel loads whole vectors of outputs on every path (one 512-bit, two 256-bit or four 128-bit vectors per group).
/// The generator packs literals with it at build time and the runtime's tests pack with it, so both always agree.
/// </summary>
public static class LaneRowLayout
{
    /// <summary>Values per padded group: the widest vector, 16 floats.</summary>
    public const int Lanes = 16;

    /// <summary><paramref name="n"/> rounded up to whole groups of <see cref="Lanes"/>.</summary>
    public static int PaddedLength(int n)
    {
        if (n < 0 || n > int.MaxValue - Lanes + 1)
            throw new System.ArgumentOutOfRangeException(nameof(n), n, $"must be between 0 and {int.MaxValue - Lanes + 1}");
        return (n + Lanes - 1) / Lanes * Lanes;
    }

    /// <summary>Length of a padded matrix with <paramref name="k"/> inputs and <paramref name="n"/> outputs.</summary>
    public static int PackedLength(int k, int n) => k * PaddedLength(n);

    /// <summary>Where weight (input <paramref name="p"/>, output <paramref name="j"/>) sits in a matrix with <paramref name="n"/> outputs.</summary>
    public static int PackedIndex(int n, int p, int j) => p * PaddedLength(n) + j;
}
