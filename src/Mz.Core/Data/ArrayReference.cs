using System;

namespace Mz.Core.Data;

/// <summary>How users name one array of a data file: "data/calib.npz:x" (an .npz and a key) or "rows.npy".</summary>
public static class ArrayReference
{
    /// <summary>
    /// Splits "path:key" at the first colon in the file name, so that "data.npz:x:y" keeps the whole file name and
    /// hands "x:y" to the reader to refuse. A colon that belongs to the path (a drive letter C:\ or C:, or one followed
    /// by a folder separator) is left alone.
    /// </summary>
    public static (string Path, string? Key) Split(string text)
    {
        int fileNameStart = text.LastIndexOfAny(new[] { '/', '\\' }) + 1;
        // Index 1 is never a key's colon: it is a drive letter's.
        int colon = text.IndexOf(':', Math.Min(Math.Max(fileNameStart, 2), text.Length));
        if (colon < 0) return (text.Trim(), null);
        return (text.Substring(0, colon).Trim(), text.Substring(colon + 1).Trim());
    }
}
