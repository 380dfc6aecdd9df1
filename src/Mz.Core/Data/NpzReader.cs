using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace Mz.Core.Data;

/// <summary>Reads a NumPy .npz archive (a zip of .npy files, stored or deflated).</summary>
public static class NpzReader
{
    public static Dictionary<string, NpyArray> Read(byte[] bytes, string fileName = "")
    {
        var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            foreach (var entry in zip.Entries)
            {
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
                string key = entry.FullName.Substring(0, entry.FullName.Length - 4);
                if (entry.Length > NpyReader.MaxElements * 8 + 65536)
                    throw new DataFormatException($"{fileName}: entry '{entry.FullName}' is {entry.Length} bytes, too large");
                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                result[key] = NpyReader.Read(buffer.ToArray(), key);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw new DataFormatException($"{fileName}: not a readable .npz archive ({e.Message})");
        }
        return result;
    }

    /// <summary>Reads one array from .npy bytes or from an .npz by key.</summary>
    public static NpyArray ReadArray(byte[] bytes, string fileName, string? key)
    {
        if (bytes.Length >= 6 && bytes[0] == 0x93) return NpyReader.Read(bytes, fileName);
        var arrays = Read(bytes, fileName);
        key ??= "x";
        return arrays.TryGetValue(key, out var array)
            ? array
            : throw new DataFormatException($"{fileName} has no array '{key}' (it has: {string.Join(", ", arrays.Keys.OrderBy(k => k, StringComparer.Ordinal))})");
    }
}
