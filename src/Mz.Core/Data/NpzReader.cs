using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace Mz.Core.Data;

/// <summary>
/// Reads a NumPy .npz archive (a zip of .npy files, stored or deflated), checking every entry against the CRC-32 the
/// zip recorded for it: ZipArchive does not, and a damaged calibration file must not turn into silently wrong numbers.
/// </summary>
public static class NpzReader
{
    private const string NpySuffix = ".npy";

    public static Dictionary<string, NpyArray> Read(byte[] bytes, string fileName = "") => ReadArchive(bytes, fileName, out _);

    /// <summary>Reads one array from .npy bytes or from an .npz by key.</summary>
    public static NpyArray ReadArray(byte[] bytes, string fileName, string? key)
    {
        if (bytes.Length >= 6 && bytes[0] == 0x93)
        {
            if (key != null) throw new DataFormatException($"{fileName}: a .npy file holds one array; drop ':{key}'");
            return NpyReader.Read(bytes, fileName);
        }
        var arrays = ReadArchive(bytes, fileName, out var otherEntries);
        key ??= "x";
        return arrays.TryGetValue(key, out var array) ? array : throw MissingArray(fileName, key, arrays.Keys, otherEntries);
    }

    /// <summary>
    /// The arrays by name, as numpy.load names them: the entry name less ".npy" when it has that suffix, else the whole
    /// entry name. <paramref name="otherEntries"/> are the entries that are not .npy data (folders, stray files).
    /// </summary>
    private static Dictionary<string, NpyArray> ReadArchive(byte[] bytes, string fileName, out List<string> otherEntries)
    {
        var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        otherEntries = new List<string>();
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            var recordedCrcs = ZipCentralDirectory.Crcs(bytes, fileName);
            if (recordedCrcs.Count != zip.Entries.Count)
                throw new DataFormatException($"{fileName}: the zip central directory lists {recordedCrcs.Count} entries, the archive has {zip.Entries.Count}");
            for (int i = 0; i < zip.Entries.Count; i++)
            {
                var entry = zip.Entries[i];
                if (entry.FullName.EndsWith("/", StringComparison.Ordinal)) continue; // a folder
                byte[] content = ReadEntry(entry, recordedCrcs[i], fileName);
                bool npySuffix = entry.FullName.EndsWith(NpySuffix, StringComparison.Ordinal);
                // numpy.load reads any entry that holds .npy data; a suffix-less entry that does not is left out, not an error.
                if (!npySuffix && !StartsWithNpyMagic(content)) { otherEntries.Add(entry.FullName); continue; }
                string key = npySuffix ? entry.FullName.Substring(0, entry.FullName.Length - NpySuffix.Length) : entry.FullName;
                result[key] = NpyReader.Read(content, key);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw new DataFormatException($"{fileName}: not a readable .npz archive ({e.Message})");
        }
        return result;
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, uint recordedCrc, string fileName)
    {
        if (entry.Length > NpyReader.MaxElements * 8 + 65536)
            throw new DataFormatException($"{fileName}: entry '{entry.FullName}' is {entry.Length} bytes, too large");
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] content = buffer.ToArray();
        uint computed = Crc32.Compute(content);
        if (computed != recordedCrc)
            throw new DataFormatException($"{fileName}: entry '{entry.FullName}' is damaged: CRC-32 0x{recordedCrc:x8} recorded, 0x{computed:x8} computed");
        return content;
    }

    private static bool StartsWithNpyMagic(byte[] content) =>
        content.Length >= 6 && content[0] == 0x93 && content[1] == (byte)'N' && content[2] == (byte)'U' && content[3] == (byte)'M' && content[4] == (byte)'P' && content[5] == (byte)'Y';

    private static DataFormatException MissingArray(string fileName, string key, IEnumerable<string> arrays, List<string> otherEntries)
    {
        string present = string.Join(", ", arrays.OrderBy(k => k, StringComparer.Ordinal));
        string contents = present.Length > 0 ? "it has: " + present
            : otherEntries.Count > 0 ? "it holds no .npy arrays, only: " + string.Join(", ", otherEntries)
            : "it is empty";
        // "file.npz:x:y" splits at the first colon after the file name; the rest cannot name an array.
        return key.IndexOf(':') >= 0
            ? new DataFormatException($"{fileName}: '{key}' is not an array name; name one array with a single ':key' ({contents})")
            : new DataFormatException($"{fileName} has no array '{key}' ({contents})");
    }

    /// <summary>
    /// The CRC-32 of every entry as the zip's central directory records it, in directory order (the order of
    /// ZipArchive.Entries). Read by hand because ZipArchiveEntry.Crc32 does not exist in netstandard2.0, which the
    /// generator compiles this file for.
    /// </summary>
    private static class ZipCentralDirectory
    {
        private const uint EndSignature = 0x06054b50, Zip64LocatorSignature = 0x07064b50, Zip64EndSignature = 0x06064b50, EntrySignature = 0x02014b50;

        public static List<uint> Crcs(byte[] zip, string fileName)
        {
            Locate(zip, fileName, out long count, out long offset);
            var crcs = new List<uint>();
            long p = offset;
            for (long i = 0; i < count; i++)
            {
                if (p < 0 || p + 46 > zip.Length || UInt32(zip, p) != EntrySignature)
                    throw new DataFormatException($"{fileName}: zip central directory entry {i} is damaged");
                crcs.Add(UInt32(zip, p + 16));
                p += 46L + UInt16(zip, p + 28) + UInt16(zip, p + 30) + UInt16(zip, p + 32);
            }
            return crcs;
        }

        /// <summary>The entry count and central directory offset, from the zip64 end record when there is one.</summary>
        private static void Locate(byte[] zip, string fileName, out long count, out long offset)
        {
            long end = FindEndRecord(zip);
            if (end < 0) throw new DataFormatException($"{fileName}: no zip end-of-central-directory record");
            count = UInt16(zip, end + 10);
            offset = UInt32(zip, end + 16);
            long locator = end - 20;
            if (locator < 0 || UInt32(zip, locator) != Zip64LocatorSignature) return;
            long zip64End = (long)UInt64(zip, locator + 8);
            if (zip64End < 0 || zip64End + 56 > zip.Length || UInt32(zip, zip64End) != Zip64EndSignature)
                throw new DataFormatException($"{fileName}: the zip64 end-of-central-directory record is damaged");
            count = (long)Math.Min(UInt64(zip, zip64End + 32), long.MaxValue);
            offset = (long)Math.Min(UInt64(zip, zip64End + 48), long.MaxValue);
        }

        /// <summary>The last end-of-central-directory signature: 22 bytes plus a comment of up to 65535 from the end.</summary>
        private static long FindEndRecord(byte[] zip)
        {
            for (long p = zip.Length - 22; p >= 0 && p >= zip.Length - 22L - ushort.MaxValue; p--)
                if (UInt32(zip, p) == EndSignature) return p;
            return -1;
        }

        private static ushort UInt16(byte[] b, long p) => (ushort)(b[p] | b[p + 1] << 8);
        private static uint UInt32(byte[] b, long p) => (uint)(b[p] | b[p + 1] << 8 | b[p + 2] << 16 | b[p + 3] << 24);
        private static ulong UInt64(byte[] b, long p) => UInt32(b, p) | (ulong)UInt32(b, p + 4) << 32;
    }

    /// <summary>
    /// The zip CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320). Written here because System.IO.Hashing is a
    /// package the generator must not take and netstandard2.0 has no CRC of its own. Table-driven, eight bytes a step
    /// ("slicing-by-8"): a byte at a time would double the time it takes to read a stored archive.
    /// </summary>
    private static class Crc32
    {
        /// <summary>Eight 256-entry tables back to back: table k advances a byte's CRC over k further zero bytes.</summary>
        private static readonly uint[] Tables = BuildTables();

        public static uint Compute(byte[] data)
        {
            var t = Tables;
            uint crc = 0xFFFFFFFF;
            int i = 0;
            for (; i + 8 <= data.Length; i += 8)
            {
                uint low = crc ^ (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
                crc = t[7 * 256 + (low & 0xFF)] ^ t[6 * 256 + (low >> 8 & 0xFF)] ^ t[5 * 256 + (low >> 16 & 0xFF)] ^ t[4 * 256 + (low >> 24)]
                    ^ t[3 * 256 + data[i + 4]] ^ t[2 * 256 + data[i + 5]] ^ t[256 + data[i + 6]] ^ t[data[i + 7]];
            }
            for (; i < data.Length; i++) crc = t[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
            return ~crc;
        }

        private static uint[] BuildTables()
        {
            var tables = new uint[8 * 256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                tables[n] = c;
            }
            for (int k = 1; k < 8; k++)
                for (int n = 0; n < 256; n++)
                {
                    uint previous = tables[(k - 1) * 256 + n];
                    tables[k * 256 + n] = (previous >> 8) ^ tables[previous & 0xFF];
                }
            return tables;
        }
    }
}
