namespace Mz.Core.Ir;

/// <summary>
/// The one definition of the packed weight layout the dense kernels read: outputs are grouped into panels of
/// <see cref="Width"/> columns, each panel stored as k consecutive rows of <see cref="Width"/> values, the last
/// panel zero-padded. The generator packs literals with it at build time and the runtime packs resource weights
/// with it at load time, so both always agree.
/// </summary>
public static class PanelLayout
{
    /// <summary>Output columns per panel: two 512-bit vectors, four 256-bit or eight 128-bit ones.</summary>
    public const int Width = 32;

    /// <summary>Panels needed for <paramref name="n"/> outputs.</summary>
    public static int PanelCount(int n) => (n + Width - 1) / Width;

    /// <summary>Length of a bias padded to whole panels.</summary>
    public static int PaddedLength(int n) => PanelCount(n) * Width;

    /// <summary>Length of a packed matrix with <paramref name="k"/> inputs and <paramref name="n"/> outputs.</summary>
    public static int PackedLength(int k, int n) => PanelCount(n) * Width * k;

    /// <summary>Where weight (input <paramref name="p"/>, output <paramref name="j"/>) sits in the packed matrix.</summary>
    public static int PackedIndex(int k, int p, int j) => (j / Width * k + p) * Width + j % Width;
}
