extern alias gen;
using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Mz.Tests.Infrastructure;
using Xunit;
using StepNames = gen::Mz.Generator.MzGenerator.StepNames;

// One in-memory additional-file type for the CLI runner and the tests.
using InMemoryAdditionalText = Mz.Cli.Checking.InMemoryAdditionalText;

namespace Mz.Tests.Incremental;

/// <summary>
/// The pipeline must cache: rerunning on an unchanged compilation redoes nothing, edits only rerun the steps
/// that depend on them, and no step output holds compiler objects that would pin old compilations.
/// </summary>
public sealed class IncrementalityTests
{
    private const string Network = """
        using Mz;
        namespace Samples;
        [MzNetwork("models/net.onnx")]
        public static partial class Net { }
        """;

    private static GeneratorHarness Harness() =>
        new GeneratorHarness().AddSource(Network).AddSource("namespace Samples; public static class Other { }")
            .AddModel("models/net.onnx", new TrainedModel("digits-mlp").OnnxBytes);

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results[0].TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    private static IEnumerable<IncrementalStepRunReason> OutputReasons(GeneratorDriver driver) =>
        driver.GetRunResult().Results[0].TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void RerunOnAnUnchangedCompilationIsFullyCached()
    {
        var run = Harness().Run();
        var driver = run.Driver.RunGenerators(run.Input.Clone());
        foreach (var step in new[] { StepNames.ModelFiles, StepNames.Declarations, StepNames.Plan, StepNames.Output })
            Assert.All(Reasons(driver, step), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        Assert.All(OutputReasons(driver), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void EditingAnUnrelatedFileLeavesThePlanCached()
    {
        var run = Harness().Run();
        var other = run.Input.SyntaxTrees.Single(t => t.ToString().Contains("class Other"));
        var edited = run.Input.ReplaceSyntaxTree(other, other.WithChangedText(other.GetText().WithChanges(new Microsoft.CodeAnalysis.Text.TextChange(new(0, 0), "// edit\n"))));
        var driver = run.Driver.RunGenerators(edited);
        Assert.All(Reasons(driver, StepNames.Plan), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(driver, StepNames.Output), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void ReplacingTheSidecarWithIdenticalBytesLeavesOutputUnchanged_DifferentBytesRegenerate()
    {
        var harness = Harness();
        var sidecar = harness.AdditionalTexts[0];
        var run = harness.Run();

        var same = new InMemoryAdditionalText(sidecar.Path, sidecar.GetText()!.ToString());
        var driver = run.Driver.ReplaceAdditionalText(sidecar, same).RunGenerators(run.Input);
        Assert.All(Reasons(driver, StepNames.Output), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));

        var other = new GeneratorHarness().AddModel("models/net.onnx", new TrainedModel("cancer-mlp").OnnxBytes).AdditionalTexts[0];
        var changed = run.Driver.ReplaceAdditionalText(sidecar, new InMemoryAdditionalText(sidecar.Path, other.GetText()!.ToString())).RunGenerators(run.Input);
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(changed, StepNames.Output));
    }

    [Fact]
    public void MovingTheDeclarationChangesDiagnosticsOnlyNeverTheOutput()
    {
        var harness = Harness();
        var run = harness.Run();
        var tree = run.Input.SyntaxTrees.First();
        var moved = run.Input.ReplaceSyntaxTree(tree, tree.WithChangedText(tree.GetText().WithChanges(new Microsoft.CodeAnalysis.Text.TextChange(new(0, 0), "\n\n"))));
        var driver = run.Driver.RunGenerators(moved);
        Assert.All(Reasons(driver, StepNames.Output), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(OutputReasons(driver), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void ChangingAnAttributeArgumentRegenerates()
    {
        var harness = Harness();
        var run = harness.Run();
        var tree = run.Input.SyntaxTrees.First();
        var text = tree.GetText().ToString().Replace("public static partial class Net", "[global::System.Obsolete] public static partial class Net")
            .Replace("[MzNetwork(\"models/net.onnx\")]", "[MzNetwork(\"models/net.onnx\", Calibration = \"c.npz\")]");
        var edited = run.Input.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text)));
        var driver = run.Driver.RunGenerators(edited);
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver, StepNames.Declarations));
    }

    [Fact]
    public void StepOutputsHoldNoCompilerObjects()
    {
        var run = Harness().Run();
        var ours = new[] { StepNames.ModelFiles, StepNames.Declarations, StepNames.Plan, StepNames.Diagnostics, StepNames.Output };
        foreach (var (name, steps) in run.Result.Results[0].TrackedSteps.Where(p => ours.Contains(p.Key)))
            foreach (var output in steps.SelectMany(s => s.Outputs))
                Walk(output.Value, name, new HashSet<object>(ReferenceEqualityComparer.Instance), allowSyntaxTree: name != StepNames.Output);
    }

    private static readonly Type[] Forbidden = { typeof(Compilation), typeof(ISymbol), typeof(SemanticModel), typeof(SyntaxNode), typeof(Location) };

    private static void Walk(object? value, string step, HashSet<object> seen, bool allowSyntaxTree)
    {
        if (value == null || value is string || value.GetType().IsPrimitive || value is Enum || !seen.Add(value)) return;
        var type = value.GetType();
        Assert.False(Forbidden.Any(f => f.IsAssignableFrom(type)), $"step {step} holds a {type.Name}");
        if (value is SyntaxTree) { Assert.True(allowSyntaxTree, $"step {step} holds a SyntaxTree"); return; }
        if (value is IEnumerable sequence && value is not string)
        {
            foreach (var item in sequence) Walk(item, step, seen, allowSyntaxTree);
            if (type.IsArray) return;
        }
        if (type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true && value is not IEnumerable && !type.IsGenericType) return;
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            if (!field.FieldType.IsPointer) Walk(field.GetValue(value), step, seen, allowSyntaxTree);
    }
}
