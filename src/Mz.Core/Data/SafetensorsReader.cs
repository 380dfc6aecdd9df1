using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Mz.Core.Ir;
using Mz.Core.Onnx;
using Mz.Core.Text;

namespace Mz.Core.Data;

/// <summary>
/// Reads a safetensors file: an 8-byte little-endian header length, a JSON header mapping tensor names to
/// {dtype, shape, data_offsets}, then the raw little-endian data. Offsets are checked against the buffer and
/// the shape before anything is read.
/// </summary>
public static class SafetensorsReader
{
    public const long MaxHeaderBytes = 100L << 20;

    public static Dictionary<string, TensorData> Read(byte[] bytes, string fileName = "")
    {
        if (bytes.Length < 8) throw new DataFormatException($"{fileName}: {bytes.Length} bytes is too short for a safetensors file (no 8-byte header length)");
        ulong headerLength = BitConverter.ToUInt64(bytes, 0);
        if (headerLength > (ulong)Math.Min(MaxHeaderBytes, bytes.Length - 8))
            throw new DataFormatException($"{fileName}: the header claims {headerLength} bytes but the file holds {bytes.Length - 8} after the length prefix");
        int dataStart = 8 + (int)headerLength;
        object? header;
        try { header = MiniJson.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength)); }
        catch (FormatException e) { throw new DataFormatException($"{fileName}: the header is not valid JSON ({e.Message})"); }
        if (header is not Dictionary<string, object?> entries) throw new DataFormatException($"{fileName}: the header is not a JSON object");

        var result = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var pair in entries.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (pair.Key == "__metadata__") continue;
            if (pair.Value is not Dictionary<string, object?> info) throw new DataFormatException($"{fileName}: entry '{pair.Key}' is not an object");
            string dtype = info.TryGetValue("dtype", out var d) && d is string s ? s : throw new DataFormatException($"{fileName}: tensor '{pair.Key}' has no dtype");
            var shape = Numbers(info, "shape", pair.Key, fileName);
            var offsets = Numbers(info, "data_offsets", pair.Key, fileName);
            if (offsets.Length != 2) throw new DataFormatException($"{fileName}: tensor '{pair.Key}' needs data_offsets [begin, end]");
            var (type, size) = dtype switch
            {
                "F32" => (ElementType.Float32, 4),
                "F64" => (ElementType.Float64, 8),
                "F16" => (ElementType.Float16, 2),
                "BF16" => (ElementType.BFloat16, 2),
                "I64" => (ElementType.Int64, 8),
                "I32" => (ElementType.Int32, 4),
                _ => throw new DataFormatException($"{fileName}: tensor '{pair.Key}' has unsupported dtype {dtype} (supported: F32, F64, F16, BF16, I64, I32)"),
            };
            long count = 1;
            foreach (var dim in shape)
            {
                if (dim < 0 || dim > 0 && count > OnnxModelReader.MaxTensorElements / dim) throw new DataFormatException($"{fileName}: tensor '{pair.Key}' has an impossible shape [{string.Join(", ", shape)}]");
                count *= dim;
            }
            long begin = offsets[0], end = offsets[1];
            if (begin < 0 || end < begin || end > bytes.Length - dataStart)
                throw new DataFormatException($"{fileName}: tensor '{pair.Key}' spans bytes {begin}..{end} of a {bytes.Length - dataStart}-byte data section");
            if (end - begin != count * size)
                throw new DataFormatException($"{fileName}: tensor '{pair.Key}' of {dtype}[{string.Join(", ", shape)}] needs {count * size} bytes but spans {end - begin}");
            var tensor = RawTensorDecoder.Decode(pair.Key, type, shape, bytes, dataStart + (int)begin, (int)count);
            if (type == ElementType.Float32) tensor.RawSlice = (dataStart + (int)begin, (int)count * 4);
            result[pair.Key] = tensor;
        }
        return result;
    }

    private static long[] Numbers(Dictionary<string, object?> info, string key, string tensor, string fileName)
    {
        if (!info.TryGetValue(key, out var value) || value is not List<object?> list)
            throw new DataFormatException($"{fileName}: tensor '{tensor}' has no '{key}' array");
        var numbers = new long[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not double v || v != Math.Floor(v) || v < 0 || v > long.MaxValue / 2)
                throw new DataFormatException($"{fileName}: tensor '{tensor}' has a non-integer entry in '{key}'");
            numbers[i] = (long)v;
        }
        return numbers;
    }
}
