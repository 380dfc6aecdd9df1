using Mz.Cli.Checking;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Conformance;

/// <summary>
/// Runs the `mz check` runner over each public corpus folder (read from ../shared/corpus, never committed):
/// nothing may fail, and exactly the cases the corpus README marks as out of scope are rejected.
/// </summary>
public sealed class CorpusConformanceTests
{
    private static void Check(string folder, params string[] expectedRejections)
    {
        var cases = CaseDiscovery.Find(Path.Combine(RepositoryPaths.Corpus!, folder));
        Assert.NotEmpty(cases);
        var results = cases.Select(CheckRunner.Run).ToList();
        var failures = results.Where(r => r.Outcome == CheckOutcome.Failed).Select(r => r.Line).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} case(s) of {folder} failed:\n" + string.Join("\n", failures));
        var rejected = results.Where(r => r.Outcome == CheckOutcome.Rejected).Select(r => r.Case).OrderBy(c => c, StringComparer.Ordinal).ToList();
        Assert.Equal(expectedRejections.OrderBy(c => c, StringComparer.Ordinal), rejected);
        // A rejection is a diagnostic with an id, never a crash.
        Assert.All(results.Where(r => r.Outcome == CheckOutcome.Rejected), r => Assert.StartsWith("MZ0", r.DiagnosticId));
    }

    [CorpusFact]
    public void OnnxNodeTests() => Check("onnx-node-tests",
        "test_add_int16", "test_add_int8", "test_add_uint16", "test_add_uint32", "test_add_uint64", "test_add_uint8",
        "test_matmulinteger", "test_identity_opt", "test_identity_sequence",
        "test_batchnorm_epsilon_training_mode", "test_batchnorm_example_training_mode");

    [CorpusFact]
    public void OnnxPyTorchTests() => Check("onnx-pytorch-tests", "pytorch-operator/test_operator_non_float_params");

    [CorpusFact]
    public void Onnx2cLocalOps() => Check("onnx2c-local-ops", "test_gemm_CM_transA");

    [CorpusFact]
    public void OpsCases() => Check("ops");

    /// <summary>Every MLP passes; the two small CNNs need Conv, which is later work.</summary>
    [CorpusFact]
    public void ExternalModels() => Check("external-models", "marabou/KJ_TinyTaxiNet", "onnx2c/mnist.simplified");

    [CorpusFact]
    public void TrainedModels() => Check("trained");

    [CorpusFact]
    public void InvalidGemmBiasIsRejectedWithNodeAndShapes()
    {
        var result = CaseDiscovery.Find(Path.Combine(RepositoryPaths.Corpus!, "onnx2c-local-ops", "test_gemm_CM_transA")).Select(CheckRunner.Run).Single();
        Assert.Equal(CheckOutcome.Rejected, result.Outcome);
        Assert.Equal("MZ0202", result.DiagnosticId);
        Assert.Contains("sclbl-onnx-node1", result.Detail);
        Assert.Contains("[2]", result.Detail);
        Assert.Contains("[2, 4]", result.Detail);
    }

    [CorpusFact]
    public void CommandPrintsOneLinePerCaseAndTheSummary()
    {
        var output = new StringWriter();
        int exit = Mz.Cli.CheckCommand.Run(new[] { Path.Combine(RepositoryPaths.Corpus!, "onnx2c-local-ops") }, output);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(0, exit);
        Assert.Contains("PASS test_matmul_precision", lines);
        Assert.Contains(lines, l => l.StartsWith("REJECTED test_gemm_CM_transA: MZ0202 ", StringComparison.Ordinal));
        Assert.Equal("check: passed=38 failed=0 rejected=1", lines[^1]);
    }
}
