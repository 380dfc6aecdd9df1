using Mz.Core.Data;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Data;

/// <summary>
/// The build refuses the calibration references and files the mz tool refuses, in the same words (MZ0106): a damaged
/// .npz entry, a second ':' in the key, a key on a bare .npy.
/// </summary>
public sealed class CalibrationReferenceBuildTests
{
    private static byte[] TrainNpz => File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, "digits-resmlp-deep", "train.npz"));

    private static string Mz0106(string calibration, string path, byte[] bytes, string format)
    {
        var run = new GeneratorHarness()
            .AddSource($$"""
                using Mz;
                namespace A;
                [MzNetwork("m.onnx", Calibration = "{{calibration}}")]
                public static partial class Net { }
                """)
            .AddModel("m.onnx", new TrainedModel("digits-resmlp-deep").OnnxBytes)
            .AddModel(path, bytes, kind: "calibration", format: format)
            .Run();
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("MZ0106", diagnostic.Id);
        return diagnostic.GetMessage();
    }

    [Fact]
    public void ADamagedNpzEntryIsRefused()
    {
        var bytes = TrainNpz;
        // train.npz is stored (numpy.savez): the data of x.npy starts after the local header, its name and extra field.
        int data = 30 + BitConverter.ToUInt16(bytes, 26) + BitConverter.ToUInt16(bytes, 28);
        bytes[data + 1000] ^= 0x01;
        string message = Mz0106("data/train.npz:x", "data/train.npz", bytes, "npz");
        Assert.StartsWith("The calibration data 'data/train.npz' cannot be used: data/train.npz: entry 'x.npy' is damaged: CRC-32 0x", message);
    }

    [Fact]
    public void ASecondColonInTheKeyIsRefusedAsNotAnArrayName() =>
        Assert.Equal("The calibration data 'data/train.npz' cannot be used: data/train.npz: 'x:y' is not an array name; name one array with a single ':key' (it has: x, y_f64)",
            Mz0106("data/train.npz:x:y", "data/train.npz", TrainNpz, "npz"));

    [Fact]
    public void AKeyOnABareNpyIsRefused()
    {
        var npy = NpzReader.ReadArray(TrainNpz, "train.npz", "x");
        byte[] bytes = new Mz.Benchmarks.Models.NpzWriter().Add("x", npy.ToSingles(), npy.Shape).ToArray();
        byte[] rows = ExtractNpy(bytes);
        Assert.Equal("The calibration data 'data/rows.npy' cannot be used: data/rows.npy: a .npy file holds one array; drop ':x'",
            Mz0106("data/rows.npy:x", "data/rows.npy", rows, "npy"));
    }

    private static byte[] ExtractNpy(byte[] npz)
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(npz));
        using var stream = zip.Entries.Single().Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
