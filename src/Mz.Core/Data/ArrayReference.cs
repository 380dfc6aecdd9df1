namespace Mz.Core.Data;

/// <summary>How users name one array of a data file: "data/calib.npz:x" (an .npz and a key) or "rows.npy".</summary>
public static class ArrayReference
{
    /// <summary>Splits "path:key" into its parts; a colon that belongs to the path (C:\..., or followed by a folder) is left alone.</summary>
    public static (string Path, string? Key) Split(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 1 || text.IndexOfAny(new[] { '/', '\\' }, colon) >= 0) return (text.Trim(), null);
        return (text.Substring(0, colon).Trim(), text.Substring(colon + 1).Trim());
    }
}
