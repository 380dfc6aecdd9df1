extern alias gen;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Mz.Tests.Infrastructure;
using Xunit;
using GeneratedMemberNames = gen::Mz.Generator.Emit.GeneratedMemberNames;

namespace Mz.Tests.Diagnostics;

/// <summary>
/// MZ0008: a network class named like a member Mz generates into it, or declaring such a member itself, is reported at
/// the declaration instead of failing inside generated files; the list it checks against covers what the emitters write.
/// </summary>
public sealed class GeneratedNameClashTests
{
    private static byte[] Rows()
    {
        var x = new TrainedModel("cancer-mlp").Reference["x"].ToSingles();
        return new Mz.Benchmarks.Models.NpzWriter().Add("x", x, x.Length / 30, 30).ToArray();
    }

    private static GeneratorRun Run(string attributes, string body = "", string name = "Net") =>
        new GeneratorHarness()
            .AddSource("using Mz;\nnamespace R;\n" + attributes + "\npublic static partial class " + name + " {\n" + body + "\n}\n")
            .AddModel("m.onnx", new TrainedModel("cancer-mlp").OnnxBytes)
            .AddModel("data/rows.npz", Rows(), kind: "calibration", format: "npz")
            .Run();

    /// <summary>Every member the emitters declare in the class, for each feature, is on the list the check uses.</summary>
    [Theory]
    [InlineData("[MzNetwork(\"m.onnx\")]", false, false, false, false, 0)]
    [InlineData("[MzNetwork(\"m.onnx\", MaxThreads = 2)]", false, false, false, false, 2)]
    [InlineData("[MzNetwork(\"m.onnx\", Calibration = \"data/rows.npz:x\")]", true, false, false, false, 0)]
    [InlineData("[MzNetwork(\"m.onnx\", Calibration = \"data/rows.npz:x\")][MzReduce(Tolerance = 0.05, Guard = true)]", true, true, true, false, 0)]
    [InlineData("[MzNetwork(\"m.onnx\", Calibration = \"data/rows.npz:x\")][MzReduce(Tolerance = 1e-9, Guard = true)]", true, true, true, false, 0)]
    [InlineData("[MzNetwork(\"m.onnx\", Noise = 0.01)]", false, false, false, true, 0)]
    public void TheListCoversEveryGeneratedMember(string attributes, bool calibrated, bool reduced, bool guarded, bool noisy, int threads)
    {
        var run = Run(attributes);
        var expected = GeneratedMemberNames.For(calibrated, reduced, guarded, noisy, threads);
        var declared = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var source in run.GeneratedSources)
            foreach (var type in CSharpSyntaxTree.ParseText(source.SourceText).GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Where(c => c.Identifier.Text == "Net"))
                foreach (var member in type.Members)
                {
                    var names = member switch
                    {
                        MethodDeclarationSyntax m => new[] { m.Identifier.Text },
                        PropertyDeclarationSyntax p => new[] { p.Identifier.Text },
                        FieldDeclarationSyntax f => f.Declaration.Variables.Select(v => v.Identifier.Text).ToArray(),
                        BaseTypeDeclarationSyntax t => new[] { t.Identifier.Text },
                        _ => new[] { "unlisted " + member.Kind() },
                    };
                    // Methods and other members are told apart for the overload rule.
                    foreach (var name in names) Assert.Equal(member is MethodDeclarationSyntax, GeneratedMemberNames.IsMethod(name));
                    declared.UnionWith(names);
                }
        Assert.Contains("Predict", declared);
        Assert.True(declared.IsSubsetOf(expected), "not on the list: " + string.Join(", ", declared.Except(expected)));
        // The analyzer sees the generated members too, and must not take them for the user's.
        Assert.DoesNotContain(run.AnalyzerDiagnostics(), d => d.Id == "MZ0008");
    }

    [Theory]
    [InlineData("Reduction", "[MzNetwork(\"m.onnx\", Calibration = \"data/rows.npz:x\")][MzReduce(Tolerance = 0.05)]")]
    [InlineData("Analysis", "[MzNetwork(\"m.onnx\", Calibration = \"data/rows.npz:x\")]")]
    [InlineData("Predict", "[MzNetwork(\"m.onnx\")]")]
    public void AClassNamedLikeAGeneratedMemberIsReportedAtItsName(string name, string attributes)
    {
        var run = Run(attributes, name: name);
        var clash = Assert.Single(run.AnalyzerDiagnostics(), d => d.Id == "MZ0008");
        Assert.Equal(DiagnosticSeverity.Error, clash.Severity);
        Assert.Equal(name, clash.Location.SourceTree!.GetText().ToString(clash.Location.SourceSpan));
        Assert.Contains($"Mz generates a member named '{name}'", clash.GetMessage());
        // Nothing is generated, so the compiler has no error of its own inside generated files.
        Assert.Empty(run.GeneratedSources);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "CS0542" or "CS0102");
    }

    [Fact]
    public void AMemberNamedLikeAGeneratedOneIsReportedAtThatMember()
    {
        var run = Run("[MzNetwork(\"m.onnx\", Calibration = \"data/rows.npz:x\")][MzReduce(Tolerance = 0.05)]", "public static int PredictReduced => 0;");
        var clash = Assert.Single(run.AnalyzerDiagnostics(), d => d.Id == "MZ0008");
        Assert.StartsWith("public static int PredictReduced", clash.Location.SourceTree!.GetText().ToString(clash.Location.SourceSpan));
        Assert.Contains("declares 'PredictReduced'", clash.GetMessage());
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "CS0542" or "CS0102");
    }

    /// <summary>A method of the user's beside a generated one is an overload, which C# accepts: no MZ0008.</summary>
    [Fact]
    public void OverloadsOfGeneratedMethodsAreAllowed()
    {
        var run = Run("[MzNetwork(\"m.onnx\")]", "public static float Predict(float[] row) { var y = new float[1]; Predict(row, y); return y[0]; }");
        Assert.DoesNotContain(run.AnalyzerDiagnostics(), d => d.Id == "MZ0008");
        Assert.NotNull(run.EmitAndLoad().GetType("R.Net")!.GetMethod("Predict", new[] { typeof(float[]) }));
    }

    /// <summary>Names only a feature the class does not use are free: "Analysis" without calibration rows compiles.</summary>
    [Fact]
    public void NamesOfFeaturesNotDeclaredAreFree()
    {
        var run = Run("[MzNetwork(\"m.onnx\")]", "public static int Analysis => 1; public static int Reduction => 2;");
        Assert.DoesNotContain(run.AnalyzerDiagnostics(), d => d.Id == "MZ0008");
        Assert.NotNull(run.EmitAndLoad().GetType("R.Net"));
    }
}
