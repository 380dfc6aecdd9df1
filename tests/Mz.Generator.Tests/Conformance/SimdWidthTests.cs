using System.Diagnostics;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Conformance;

/// <summary>
/// NaN through Relu, Max and Clip with each SIMD width switched off in turn (ONNX-NOTES §11): the `mz` tool runs
/// in a child process with the runtime's hardware-intrinsic switches, over backend-layout cases written here.
/// </summary>
public sealed class SimdWidthTests
{
    public static TheoryData<string> Switches => new() { "", "DOTNET_EnableAVX512=0", "DOTNET_EnableAVX2=0", "DOTNET_EnableHWIntrinsic=0" };

    [Theory]
    [MemberData(nameof(Switches))]
    public async Task NaNSurvivesEveryVectorWidthAndTheScalarTail(string environment)
    {
        var root = Path.Combine(Path.GetTempPath(), "mz-simd-" + Guid.NewGuid().ToString("N"));
        try
        {
            var x = TinyGraphs.SpecialValues(37).Select(v => (float)v).ToArray();
            WriteCase(root, "relu", TinyGraphs.Unary("Relu", x.Length), x, x.Select(v => float.IsNaN(v) ? v : Math.Max(v, 0f)).ToArray());
            var max = new OnnxModelBuilder().Input("x", new long?[] { 1, x.Length }).Output("y", new long?[] { 1, x.Length })
                .Initializer("zero", new long[] { 1 }, new[] { 0f }).Node("Max", new[] { "x", "zero" }, new[] { "y" }).Build();
            WriteCase(root, "max", max, x, x.Select(v => float.IsNaN(v) ? v : v < 0 ? 0f : v).ToArray());
            WriteCase(root, "clip", TinyGraphs.Unary("Clip", x.Length, 6, ("min", -0.5f), ("max", 0.5f)), x,
                x.Select(v => float.IsNaN(v) ? v : v < -0.5f ? -0.5f : v > 0.5f ? 0.5f : v).ToArray());

            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mz.dll"));
            start.ArgumentList.Add("check");
            start.ArgumentList.Add(root);
            if (environment.Length > 0) start.Environment[environment.Split('=')[0]] = environment.Split('=')[1];
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"mz check failed with {environment}:\n{output}\n{await stderr}");
            Assert.Contains("check: passed=3 failed=0 rejected=0", output);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static void WriteCase(string root, string name, byte[] model, float[] x, float[] y)
    {
        var data = Directory.CreateDirectory(Path.Combine(root, name, "test_data_set_0")).FullName;
        File.WriteAllBytes(Path.Combine(root, name, "model.onnx"), model);
        File.WriteAllBytes(Path.Combine(data, "input_0.pb"), OnnxModelBuilder.FloatTensor("x", new long[] { 1, x.Length }, x));
        File.WriteAllBytes(Path.Combine(data, "output_0.pb"), OnnxModelBuilder.FloatTensor("y", new long[] { 1, y.Length }, y));
    }
}
