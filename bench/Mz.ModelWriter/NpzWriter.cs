using System.IO.Compression;
using System.Text;

namespace Mz.Benchmarks.Models;

/// <summary>
/// Writes NumPy .npz archives (a zip of version 1.0 .npy files, deflated like numpy.savez_compressed) for the arrays a
/// model folder carries: float32 / float64 matrices and vectors, int64 labels and boolean masks.
/// </summary>
public sealed class NpzWriter
{
    private readonly List<(string Name, byte[] Npy)> _entries = new();

    public NpzWriter Add(string name, float[] values, params long[] shape) =>
        AddRaw(name, "<f4", shape, values.Length, span => { foreach (var v in values) span.Write(BitConverter.GetBytes(v)); });

    public NpzWriter Add(string name, double[] values, params long[] shape) =>
        AddRaw(name, "<f8", shape, values.Length, span => { foreach (var v in values) span.Write(BitConverter.GetBytes(v)); });

    public NpzWriter Add(string name, long[] values, params long[] shape) =>
        AddRaw(name, "<i8", shape, values.Length, span => { foreach (var v in values) span.Write(BitConverter.GetBytes(v)); });

    public NpzWriter Add(string name, bool[] values, params long[] shape) =>
        AddRaw(name, "|b1", shape, values.Length, span => { foreach (var v in values) span.WriteByte(v ? (byte)1 : (byte)0); });

    public byte[] ToArray()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, npy) in _entries)
            {
                var entry = zip.CreateEntry(name + ".npy", CompressionLevel.SmallestSize);
                // A fixed timestamp keeps the archive bytes reproducible from run to run.
                entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var stream = entry.Open();
                stream.Write(npy);
            }
        }
        return buffer.ToArray();
    }

    private NpzWriter AddRaw(string name, string dtype, long[] shape, int count, Action<Stream> writeValues)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the .npy dtypes written here are little-endian");
        long expected = shape.Aggregate(1L, (a, d) => a * d);
        if (expected != count) throw new ArgumentException($"'{name}': shape [{string.Join(", ", shape)}] holds {expected} values, got {count}");
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string header = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shapeText}, }}";
        // Magic (6) + version (2) + header length (2) + header + '\n' is padded with spaces to a multiple of 64 bytes.
        int unpadded = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - unpadded % 64) % 64) + "\n";
        using var npy = new MemoryStream();
        npy.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
        npy.Write(BitConverter.GetBytes((ushort)header.Length));
        npy.Write(Encoding.ASCII.GetBytes(header));
        writeValues(npy);
        _entries.Add((name, npy.ToArray()));
        return this;
    }
}
