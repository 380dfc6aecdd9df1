using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Mz.Core.Data;

/// <summary>
/// Reads NumPy's .npy format (versions 1–3): magic, a Python-dict header (descr, fortran_order, shape), then
/// C-order little-endian data. Supported dtypes: f2, f4, f8, i1–i8, u1–u8, b1.
/// </summary>
public static class NpyReader
{
    public const long MaxElements = 1L << 28;

    public static NpyArray Read(byte[] bytes, string name = "")
    {
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new DataFormatException($"'{name}' is not a .npy array (missing the \\x93NUMPY magic)");
        int major = bytes[6];
        int headerLength, headerStart;
        if (major == 1) { headerLength = bytes[8] | bytes[9] << 8; headerStart = 10; }
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12) throw new DataFormatException($"'{name}': truncated .npy header");
            headerLength = (int)BitConverter.ToUInt32(bytes, 8);
            headerStart = 12;
        }
        else throw new DataFormatException($"'{name}': unsupported .npy version {major}");
        if (headerLength < 0 || headerStart + (long)headerLength > bytes.Length)
            throw new DataFormatException($"'{name}': the .npy header claims {headerLength} bytes but the file has {bytes.Length}");
        string header = Encoding.UTF8.GetString(bytes, headerStart, headerLength);
        string descr = ReadValue(header, "descr", name).Trim('\'', '"');
        string fortran = ReadValue(header, "fortran_order", name);
        if (fortran.StartsWith("True", StringComparison.Ordinal))
            throw new DataFormatException($"'{name}': Fortran-order arrays are not supported; save with np.ascontiguousarray");
        var shape = ParseShape(ReadValue(header, "shape", name), name);
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0 || d > 0 && count > MaxElements / d) throw new DataFormatException($"'{name}': shape ({string.Join(", ", shape)}) is too large");
            count *= d;
        }

        char order = descr.Length > 0 ? descr[0] : '?';
        if (order == '>') throw new DataFormatException($"'{name}': big-endian dtype '{descr}' is not supported");
        string kind = descr.TrimStart('<', '|', '=');
        int size = kind.Length >= 2 && int.TryParse(kind.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (size == 0 || "fiub".IndexOf(kind[0]) < 0 || kind[0] == 'f' && size is not (2 or 4 or 8) || kind[0] != 'f' && size is not (1 or 2 or 4 or 8))
            throw new DataFormatException($"'{name}': unsupported dtype '{descr}' (supported: float16/32/64, integers, bool)");
        int dataStart = headerStart + headerLength;
        if ((long)bytes.Length - dataStart < count * size)
            throw new DataFormatException($"'{name}': shape ({string.Join(", ", shape)}) of {descr} needs {count * size} data bytes, the file has {bytes.Length - dataStart}");

        var data = new double[count];
        for (long i = 0; i < count; i++)
        {
            int p = (int)(dataStart + i * size);
            data[i] = kind[0] switch
            {
                'f' when size == 4 => BitConverter.ToSingle(bytes, p),
                'f' when size == 8 => BitConverter.ToDouble(bytes, p),
                'f' => Onnx.OnnxModelReader.HalfToSingle(BitConverter.ToUInt16(bytes, p)),
                'i' when size == 1 => (sbyte)bytes[p],
                'i' when size == 2 => BitConverter.ToInt16(bytes, p),
                'i' when size == 4 => BitConverter.ToInt32(bytes, p),
                'i' => BitConverter.ToInt64(bytes, p),
                'u' when size == 2 => BitConverter.ToUInt16(bytes, p),
                'u' when size == 4 => BitConverter.ToUInt32(bytes, p),
                'u' when size == 8 => BitConverter.ToUInt64(bytes, p),
                _ => bytes[p],
            };
        }
        return new NpyArray(name, descr, shape, data);
    }

    private static string ReadValue(string header, string key, string name)
    {
        int k = header.IndexOf("'" + key + "'", StringComparison.Ordinal);
        if (k < 0) throw new DataFormatException($"'{name}': the .npy header has no '{key}' entry");
        int colon = header.IndexOf(':', k);
        if (colon < 0) throw new DataFormatException($"'{name}': malformed .npy header near '{key}'");
        int start = colon + 1;
        while (start < header.Length && header[start] == ' ') start++;
        int end = start;
        if (end < header.Length && header[end] == '(') end = header.IndexOf(')', end) + 1;
        else while (end < header.Length && header[end] != ',' && header[end] != '}') end++;
        if (end <= start) throw new DataFormatException($"'{name}': malformed .npy header value for '{key}'");
        return header.Substring(start, end - start).Trim();
    }

    private static long[] ParseShape(string text, string name)
    {
        var inner = text.Trim().TrimStart('(').TrimEnd(')');
        var parts = inner.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()).Where(p => p.Length > 0);
        var dims = new List<long>();
        foreach (var part in parts)
        {
            if (!long.TryParse(part.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out var d))
                throw new DataFormatException($"'{name}': malformed .npy shape '{text}'");
            dims.Add(d);
        }
        return dims.ToArray();
    }
}
