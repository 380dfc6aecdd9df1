extern alias gen;
using System.Diagnostics;
using Mz.Core.Data;
using Mz.Core.Onnx;
using Mz.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using NetworkDeclaration = gen::Mz.Generator.Declarations.NetworkDeclaration;
using NetworkPlanner = gen::Mz.Generator.Planning.NetworkPlanner;
using SidecarReader = gen::Mz.Generator.ModelFiles.SidecarReader;
using SidecarWriter = gen::Mz.Generator.ModelFiles.SidecarWriter;
using TypeDeclarationInfo = gen::Mz.Generator.Model.TypeDeclarationInfo;
using static gen::Mz.Generator.Model.EquatableArray;

namespace Mz.Tests.Reliability;

/// <summary>
/// Malformed inputs derived from the trained models go through the readers and the generator's planner:
/// each must end in a valid plan or a documented diagnostic — never an escaping exception, a hang, an internal
/// error or a runaway allocation. CI runs a fixed-seed share; MZ_FUZZ_CASES raises the count for long runs.
/// </summary>
public sealed class FuzzTests
{
    private static readonly HashSet<string> DocumentedIds = new() { "MZ0101", "MZ0102", "MZ0103", "MZ0104", "MZ0201", "MZ0202", "MZ0203", "MZ0204", "MZ0205", "MZ0301" };
    private const long AllocationLimit = 256L << 20;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(30);

    private readonly ITestOutputHelper _output;

    public FuzzTests(ITestOutputHelper output) { _output = output; }

    private static int CasesPerFile => int.TryParse(Environment.GetEnvironmentVariable("MZ_FUZZ_CASES"), out var n) ? n : 2500;

    private static byte[] Committed(string model, string file) => File.ReadAllBytes(Path.Combine(RepositoryPaths.TrainedModels, model, file));

    [Fact]
    public void OnnxMutationsEndInAPlanOrADocumentedDiagnostic()
    {
        var cases = new List<FuzzCase>();
        cases.AddRange(FuzzCorpus.Mutations("onnx", Committed("stochastic-resnet-2d", "model.onnx"), CasesPerFile, seed: 1));
        cases.AddRange(FuzzCorpus.Mutations("onnx", Committed("cancer-mlp", "model.onnx"), CasesPerFile, seed: 2));
        cases.AddRange(FuzzCorpus.Mutations("onnx", Committed("digits-sklearn-mlp", "model.onnx"), CasesPerFile / 3, seed: 3));
        cases.Add(new FuzzCase("onnx", "nested 100000 deep", FuzzCorpus.DeeplyNestedProtobuf(100000)));
        cases.Add(new FuzzCase("onnx", "empty file", Array.Empty<byte>()));
        RunThroughPlanner(cases, weights: false);
    }

    [Fact]
    public void SafetensorsMutationsEndInAPlanOrADocumentedDiagnostic()
    {
        var cases = new List<FuzzCase>();
        cases.AddRange(FuzzCorpus.Mutations("safetensors", Committed("stochastic-resnet-2d", "weights.safetensors"), CasesPerFile, seed: 4));
        cases.AddRange(FuzzCorpus.HostileSafetensors());
        RunThroughPlanner(cases, weights: true);
    }

    [Fact]
    public void NpzMutationsAreReadOrRejectedCleanly()
    {
        var cases = FuzzCorpus.Mutations("npz", Committed("stochastic-resnet-2d", "reference.npz"), CasesPerFile, seed: 5).ToList();
        var worst = TimeSpan.Zero;
        foreach (var fuzz in cases)
        {
            var timer = Stopwatch.StartNew();
            try { NpzReader.Read(fuzz.Bytes, "fuzz.npz"); }
            catch (DataFormatException) { }
            catch (Exception e) { Assert.Fail($"npz {fuzz.Description}: {e.GetType().Name}: {e.Message}"); }
            worst = timer.Elapsed > worst ? timer.Elapsed : worst;
        }
        _output.WriteLine($"npz: {cases.Count} cases, worst {worst.TotalMilliseconds:F1} ms");
        Assert.True(worst < CaseTimeout);
    }

    private void RunThroughPlanner(List<FuzzCase> cases, bool weights)
    {
        var declaration = weights
            ? new NetworkDeclaration("F", new[] { new TypeDeclarationInfo("class", "Net", "static partial") }.ToEquatableArray(), "", null, null, EmptyDiagnostics())
            {
                WeightsPath = "w.safetensors",
                InputSize = 2,
                Layers = new[]
                {
                    new gen::Mz.Core.Declared.DeclaredLayer(gen::Mz.Core.Declared.DeclaredLayerKind.Residual, 0, "blocks.{i}.weight", "blocks.{i}.bias", "Tanh", 20, 0.25, 0),
                    new gen::Mz.Core.Declared.DeclaredLayer(gen::Mz.Core.Declared.DeclaredLayerKind.Dense, 1, "out.weight", "out.bias", "Sigmoid", 1, 1, 0),
                }.ToEquatableArray(),
            }
            : new NetworkDeclaration("F", new[] { new TypeDeclarationInfo("class", "Net", "static partial") }.ToEquatableArray(), "m.onnx", null, null, EmptyDiagnostics());

        var ids = new Dictionary<string, int>();
        int plans = 0;
        var worst = TimeSpan.Zero;
        long worstAllocation = 0;
        foreach (var fuzz in cases)
        {
            string path = weights ? "w.safetensors" : "m.onnx";
            var file = SidecarReader.Read(SidecarWriter.Write(path, "model", weights ? "safetensors" : "onnx", fuzz.Bytes), "/obj/" + path + ".mz.txt");
            long before = GC.GetAllocatedBytesForCurrentThread();
            var timer = Stopwatch.StartNew();
            using var cancel = new CancellationTokenSource(CaseTimeout);
            gen::Mz.Generator.Planning.NetworkResult result;
            try { result = NetworkPlanner.Plan(declaration, new[] { file }, cancel.Token); }
            catch (OperationCanceledException) { Assert.Fail($"{fuzz.Target} {fuzz.Description}: exceeded {CaseTimeout.TotalSeconds} s"); return; }
            catch (Exception e) { Assert.Fail($"{fuzz.Target} {fuzz.Description}: {e.GetType().Name} escaped: {e.Message}\n{e.StackTrace}"); return; }
            worst = timer.Elapsed > worst ? timer.Elapsed : worst;
            worstAllocation = Math.Max(worstAllocation, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < AllocationLimit, $"{fuzz.Target} {fuzz.Description}: allocated {(GC.GetAllocatedBytesForCurrentThread() - before) >> 20} MB");
            if (result.Plan != null)
            {
                plans++;
                // Whatever the planner accepts, the emitters must turn into compilable code.
                string code = gen::Mz.Generator.Emit.NetworkEmitter.Emit(result.Plan) + gen::Mz.Generator.Emit.WeightsEmitter.Emit(result.Plan);
                if (plans % 250 == 1) CompileCleanly(result.Plan, fuzz);
            }
            foreach (var diagnostic in result.Diagnostics)
            {
                Assert.True(DocumentedIds.Contains(diagnostic.Id), $"{fuzz.Target} {fuzz.Description}: undocumented outcome {diagnostic.Id} {string.Join(" | ", diagnostic.Arguments)}");
                ids[diagnostic.Id] = ids.TryGetValue(diagnostic.Id, out var c) ? c + 1 : 1;
            }
            Assert.True(result.Plan != null || result.Diagnostics.Count > 0, $"{fuzz.Target} {fuzz.Description}: neither a plan nor a diagnostic");
        }
        _output.WriteLine($"{cases[0].Target}: {cases.Count} cases, {plans} plans, diagnostics {string.Join(", ", ids.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}"))}, worst {worst.TotalMilliseconds:F1} ms, worst allocation {worstAllocation / 1024} KiB");
    }

    private static void CompileCleanly(gen::Mz.Generator.Planning.NetworkPlan plan, FuzzCase fuzz)
    {
        var trees = new[] { gen::Mz.Generator.Emit.NetworkEmitter.Emit(plan), gen::Mz.Generator.Emit.WeightsEmitter.Emit(plan) }
            .Select(text => Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(text.Replace("%VERSION%", "1.0.0.0")));
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Fuzz", trees, GeneratorHarness.References,
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: Microsoft.CodeAnalysis.NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"{fuzz.Target} {fuzz.Description}: generated code does not compile: {string.Join("; ", errors.Take(3))}");
    }

    private static gen::Mz.Generator.Model.EquatableArray<gen::Mz.Generator.Diagnostics.DiagnosticInfo> EmptyDiagnostics() =>
        gen::Mz.Generator.Model.EquatableArray<gen::Mz.Generator.Diagnostics.DiagnosticInfo>.Empty;
}

