using Mz.Benchmarks.Models;

// Writes the random-weight models used by bench/Mz.Benchmarks and by the build-time measurement:
//   dotnet run -c Release --project bench/Mz.ModelWriter -- <output folder> [mlp-32-64-64-10] [mlp-512-512-512-10] [mlp-256x24]
// and trains the plain deep tanh MLP of sample/Mz.Sample/models/digits-deep-tanh-mlp from the digits data:
//   dotnet run -c Release --project bench/Mz.ModelWriter -- train-digits-deep-tanh-mlp <digits model folder> <output folder>
if (args.Length == 3 && args[0] == "train-" + DigitsDeepTanhMlpFolder.Name)
{
    DigitsDeepTanhMlpFolder.Write(args[1], args[2]);
    return;
}

var folder = args.Length > 0 ? args[0] : ".";
var names = args.Length > 1 ? args.Skip(1).ToArray() : new[] { "mlp-32-64-64-10", "mlp-512-512-512-10" };
Directory.CreateDirectory(folder);
foreach (var name in names)
{
    int[] widths = name switch
    {
        "mlp-32-64-64-10" => new[] { 32, 64, 64, 10 },
        "mlp-512-512-512-10" => new[] { 512, 512, 512, 10 },
        // 1.5M parameters: 24 Gemm layers of width 256 (24 × (256·256 + 256) = 1,579,008).
        "mlp-256x24" => Enumerable.Repeat(256, 25).ToArray(),
        _ => throw new ArgumentException($"unknown model '{name}'"),
    };
    var bytes = OnnxWriter.WriteMlp(widths, seed: 42);
    File.WriteAllBytes(Path.Combine(folder, name + ".onnx"), bytes);
    Console.WriteLine($"{name}.onnx: {bytes.Length} bytes");
}
