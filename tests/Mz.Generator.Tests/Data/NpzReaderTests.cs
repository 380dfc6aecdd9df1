using System.IO.Compression;
using System.Text;
using Mz.Core.Data;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Data;

/// <summary>
/// NpzReader refuses archives whose entries fail their recorded CRC-32 (stored, deflated, zip64), still reads every
/// archive numpy wrote, names arrays as numpy.load does, and refuses a key it cannot honour with a message that says why.
/// </summary>
public sealed class NpzReaderTests
{
    /// <summary>[[0, 0.5, 1, 1.5], [2, ...], [4, ...]] as float64: 128 header bytes, then 96 data bytes.</summary>
    private static readonly byte[] RowsNpy = Npy(Enumerable.Range(0, 12).Select(i => i * 0.5).ToArray(), 3, 4);

    [Fact]
    public void AFlippedByteInAStoredEntryIsRefusedWithBothCrcs()
    {
        var zip = Zip(CompressionLevel.NoCompression, ("x.npy", RowsNpy));
        zip[LocalDataStart(zip) + RowsNpy.Length - 2] ^= 0x01; // 5.5 becomes 5.75: a plausible, wrong number

        var e = Assert.Throws<DataFormatException>(() => NpzReader.Read(zip, "calib.npz"));
        Assert.Equal("calib.npz: entry 'x.npy' is damaged: CRC-32 0xc5da9999 recorded, 0xdcc1a8d8 computed", e.Message);
    }

    [Fact]
    public void ADeflatedEntryThatDisagreesWithItsRecordedCrcIsRefused()
    {
        var zip = Zip(CompressionLevel.Optimal, ("x.npy", RowsNpy));
        // The same damage seen from the other side: the data inflates cleanly, the CRC the zip recorded is another.
        int local = 0, central = CentralDirectoryStart(zip);
        zip[local + 14] ^= 0x01;
        zip[central + 16] ^= 0x01;

        var e = Assert.Throws<DataFormatException>(() => NpzReader.ReadArray(zip, "calib.npz", "x"));
        Assert.Equal("calib.npz: entry 'x.npy' is damaged: CRC-32 0xc5da9998 recorded, 0xc5da9999 computed", e.Message);
    }

    [Fact]
    public void FlippedBytesInADeflatedEntryAreNeverReadSilently()
    {
        var values = Enumerable.Range(0, 4096).Select(i => Math.Sin(i * 0.01)).ToArray();
        var clean = Zip(CompressionLevel.Optimal, ("x.npy", Npy(values, 1024, 4)));
        int start = LocalDataStart(clean), compressed = CompressedSize(clean);
        // Bytes of the deflate stream proper; its last byte may carry only padding bits, which no reader looks at.
        for (int p = start; p < start + compressed - 1; p += 37)
        {
            var zip = (byte[])clean.Clone();
            zip[p] ^= 0x10;
            Assert.Throws<DataFormatException>(() => NpzReader.Read(zip, "calib.npz"));
        }
    }

    [Fact]
    public void AZip64ArchiveWithGoodCrcsStillLoads()
    {
        var zip = ToZip64(Zip(CompressionLevel.NoCompression, ("x.npy", RowsNpy), ("y.npy", RowsNpy)));
        var arrays = NpzReader.Read(zip, "calib.npz");
        Assert.Equal(new[] { "x", "y" }, arrays.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(5.5, arrays["y"].Data[11]);
    }

    [Fact]
    public void ADamagedEntryOfAZip64ArchiveIsRefused()
    {
        var zip = Zip(CompressionLevel.NoCompression, ("x.npy", RowsNpy));
        zip[LocalDataStart(zip) + RowsNpy.Length - 2] ^= 0x01;
        var e = Assert.Throws<DataFormatException>(() => NpzReader.Read(ToZip64(zip), "calib.npz"));
        Assert.Equal("calib.npz: entry 'x.npy' is damaged: CRC-32 0xc5da9999 recorded, 0xdcc1a8d8 computed", e.Message);
    }

    /// <summary>numpy's own archives: stored and deflated, with zip64 extra fields in the local headers.</summary>
    [Fact]
    public void EveryCommittedArchiveStillLoads()
    {
        var files = Directory.GetFiles(RepositoryPaths.TrainedModels, "*.npz", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files) Assert.NotEmpty(NpzReader.Read(File.ReadAllBytes(file), file));
    }

    [CorpusFact]
    public void EveryCorpusArchiveStillLoads()
    {
        var files = Directory.GetFiles(RepositoryPaths.Corpus!, "*.npz", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files) Assert.NotEmpty(NpzReader.Read(File.ReadAllBytes(file), file));
    }

    /// <summary>numpy.load reads any entry that holds .npy data, stripping ".npy" when the name has it.</summary>
    [Fact]
    public void AnEntryWithoutTheNpySuffixIsAnArrayNamedByTheEntry()
    {
        var zip = Zip(CompressionLevel.Optimal, ("x", RowsNpy), ("notes.txt", Encoding.ASCII.GetBytes("not an array")));
        Assert.Equal(new[] { "x" }, NpzReader.Read(zip, "calib.npz").Keys);
        Assert.Equal(new long[] { 3, 4 }, NpzReader.ReadArray(zip, "calib.npz", "x").Shape);
    }

    [Fact]
    public void AnArchiveWithoutArraysSaysWhatItHolds()
    {
        var zip = Zip(CompressionLevel.Optimal, ("notes.txt", Encoding.ASCII.GetBytes("not an array")));
        var e = Assert.Throws<DataFormatException>(() => NpzReader.ReadArray(zip, "calib.npz", null));
        Assert.Equal("calib.npz has no array 'x' (it holds no .npy arrays, only: notes.txt)", e.Message);
    }

    [Fact]
    public void AKeyOnABareNpyFileIsRefused()
    {
        var e = Assert.Throws<DataFormatException>(() => NpzReader.ReadArray(RowsNpy, "rows.npy", "anything"));
        Assert.Equal("rows.npy: a .npy file holds one array; drop ':anything'", e.Message);
        Assert.Equal(new long[] { 3, 4 }, NpzReader.ReadArray(RowsNpy, "rows.npy", null).Shape);
    }

    [Fact]
    public void ASecondColonIsRefusedAsNotAnArrayName()
    {
        var (path, key) = ArrayReference.Split("data/train.npz:x:y");
        Assert.Equal(("data/train.npz", "x:y"), (path, key));
        var zip = Zip(CompressionLevel.Optimal, ("x.npy", RowsNpy), ("y_f64.npy", RowsNpy));
        var e = Assert.Throws<DataFormatException>(() => NpzReader.ReadArray(zip, path, key));
        Assert.Equal("data/train.npz: 'x:y' is not an array name; name one array with a single ':key' (it has: x, y_f64)", e.Message);
    }

    [Theory]
    [InlineData("data/train.npz:x", "data/train.npz", "x")]
    [InlineData("data/train.npz:x:y", "data/train.npz", "x:y")]
    [InlineData("rows.npy", "rows.npy", null)]
    [InlineData(@"C:\data\train.npz", @"C:\data\train.npz", null)]
    [InlineData(@"C:\data\train.npz:x", @"C:\data\train.npz", "x")]
    [InlineData("C:train.npz:x", "C:train.npz", "x")]
    [InlineData("odd:folder/train.npz", "odd:folder/train.npz", null)]
    [InlineData(" data/train.npz : x ", "data/train.npz", "x")]
    [InlineData("a", "a", null)]
    [InlineData("", "", null)]
    public void ReferencesSplitAtTheFirstColonOfTheFileName(string text, string path, string? key) =>
        Assert.Equal((path, key), ArrayReference.Split(text));

    private static byte[] Npy(double[] values, params long[] shape)
    {
        string header = $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}), }}";
        header = header.PadRight(header.Length + (64 - (10 + header.Length + 1) % 64) % 64) + "\n";
        using var npy = new MemoryStream();
        npy.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
        npy.Write(BitConverter.GetBytes((ushort)header.Length));
        npy.Write(Encoding.ASCII.GetBytes(header));
        foreach (var v in values) npy.Write(BitConverter.GetBytes(v));
        return npy.ToArray();
    }

    private static byte[] Zip(CompressionLevel level, params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = zip.CreateEntry(name, level);
                entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var stream = entry.Open();
                stream.Write(content);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Where the first entry's data starts: after its 30-byte local header, name and extra field.</summary>
    private static int LocalDataStart(byte[] zip) => 30 + BitConverter.ToUInt16(zip, 26) + BitConverter.ToUInt16(zip, 28);

    /// <summary>The first entry's compressed size, from its central directory record (the local one may defer it).</summary>
    private static int CompressedSize(byte[] zip) => BitConverter.ToInt32(zip, CentralDirectoryStart(zip) + 20);

    private static int CentralDirectoryStart(byte[] zip) => BitConverter.ToInt32(zip, EndRecord(zip) + 16);

    private static int EndRecord(byte[] zip)
    {
        for (int p = zip.Length - 22; p >= 0; p--)
            if (BitConverter.ToUInt32(zip, p) == 0x06054b50) return p;
        throw new InvalidOperationException("no end record");
    }

    /// <summary>
    /// The same archive with a zip64 end record and locator, the classic end record's fields set to "see zip64" as
    /// writers do past 65535 entries or 4 GB.
    /// </summary>
    private static byte[] ToZip64(byte[] zip)
    {
        int end = EndRecord(zip);
        ushort count = BitConverter.ToUInt16(zip, end + 10);
        uint size = BitConverter.ToUInt32(zip, end + 12), offset = BitConverter.ToUInt32(zip, end + 16);
        using var result = new MemoryStream();
        result.Write(zip, 0, end);
        long zip64End = result.Position;
        var w = new BinaryWriter(result);
        w.Write(0x06064b50u); w.Write(44UL); w.Write((ushort)45); w.Write((ushort)45); w.Write(0u); w.Write(0u);
        w.Write((ulong)count); w.Write((ulong)count); w.Write((ulong)size); w.Write((ulong)offset);
        w.Write(0x07064b50u); w.Write(0u); w.Write((ulong)zip64End); w.Write(1u);
        w.Write(0x06054b50u); w.Write((ushort)0); w.Write((ushort)0); w.Write(ushort.MaxValue); w.Write(ushort.MaxValue);
        w.Write(uint.MaxValue); w.Write(uint.MaxValue); w.Write((ushort)0);
        w.Flush();
        return result.ToArray();
    }
}
