using System.IO.Compression;
using System.Text;

namespace Mz.Tests.Infrastructure;

/// <summary>Writes float32 arrays as an uncompressed .npz (version 1.0 .npy entries), as np.savez does.</summary>
public static class NpzWriter
{
    public static byte[] Write(IReadOnlyDictionary<string, (long[] Shape, float[] Data)> arrays)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, (shape, data)) in arrays)
            {
                var entry = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression);
                using var stream = entry.Open();
                var bytes = Npy(shape, data);
                stream.Write(bytes, 0, bytes.Length);
            }
        }
        return buffer.ToArray();
    }

    public static byte[] Npy(long[] shape, float[] data)
    {
        string dims = shape.Length == 1 ? shape[0] + "," : string.Join(", ", shape);
        string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        var result = new List<byte> { 0x93 };
        result.AddRange(Encoding.ASCII.GetBytes("NUMPY"));
        result.AddRange(new byte[] { 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8) });
        result.AddRange(Encoding.ASCII.GetBytes(header));
        var payload = new byte[data.Length * 4];
        Buffer.BlockCopy(data, 0, payload, 0, payload.Length);
        result.AddRange(payload);
        return result.ToArray();
    }
}
