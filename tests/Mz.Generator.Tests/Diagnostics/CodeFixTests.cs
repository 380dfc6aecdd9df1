extern alias gen;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Mz.CodeFixes;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Diagnostics;

/// <summary>Code fixes applied in a real workspace: the fixed source must no longer produce the diagnostic.</summary>
public sealed class CodeFixTests
{
    private static Document CreateDocument(string source)
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject("Fixes", LanguageNames.CSharp)
            .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
            .WithMetadataReferences(GeneratorHarness.References);
        return project.AddDocument("Net.cs", source);
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Document document)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new gen::Mz.Generator.Diagnostics.Analyzers.NetworkDeclarationAnalyzer());
        return await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();
    }

    private static async Task<string> ApplyAsync(Document document, CodeFixProvider provider, Diagnostic diagnostic, int actionIndex = 0)
    {
        var actions = new List<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        Assert.NotEmpty(actions);
        var operations = await actions[actionIndex].GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
        return (await changed.GetTextAsync()).ToString();
    }

    [Theory]
    [InlineData("[MzNetwork(\"m.onnx\")]\npublic class Net { }", "MZ0001", "[MzNetwork(\"m.onnx\")]\npublic partial class Net { }")]
    [InlineData("[MzNetwork(\"m.onnx\")]\npublic partial class Net { }", "MZ0004", "[MzNetwork(\"m.onnx\")]\npublic static partial class Net { }")]
    [InlineData("[MzNetwork(\"m.onnx\")]\nclass Net { }", "MZ0001", "[MzNetwork(\"m.onnx\")]\npartial class Net { }")]
    [InlineData("public class Outer\n{\n    [MzNetwork(\"m.onnx\")]\n    public static class Net { }\n}", "MZ0001", "public partial class Outer\n{\n    [MzNetwork(\"m.onnx\")]\n    public static partial class Net { }\n}")]
    public async Task ModifierFixesRemoveTheDiagnostic(string declaration, string id, string expected)
    {
        var document = CreateDocument("using Mz;\n" + declaration);
        var diagnostic = Assert.Single(await AnalyzeAsync(document), d => d.Id == id);
        var fixedText = await ApplyAsync(document, new MakeNetworkClassStaticPartialCodeFix(), diagnostic);
        Assert.Equal("using Mz;\n" + expected, fixedText);
        // Fixing MZ0001 on a non-static class leaves MZ0004 to fix next, never MZ0001 again.
        var after = await AnalyzeAsync(CreateDocument(fixedText));
        Assert.DoesNotContain(after, d => d.Id == id);
    }

    [Fact]
    public async Task MissingModelFixOffersTheClosestKnownPathFirst()
    {
        var run = new GeneratorHarness()
            .AddSource("using Mz;\n[MzNetwork(\"models/digit-mlp/model.onnx\")]\npublic static partial class Net { }")
            .AddModel("models/digits-mlp/model.onnx", new TrainedModel("digits-mlp").OnnxBytes)
            .AddModel("models/cancer-mlp/model.onnx", new TrainedModel("cancer-mlp").OnnxBytes)
            .Run();
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("MZ0101", diagnostic.Id);
        var document = CreateDocument(diagnostic.Location.SourceTree!.ToString());
        // The same diagnostic (id, span, message) placed on the workspace's copy of the tree.
        var message = diagnostic.GetMessage();
        var relocated = Diagnostic.Create(new DiagnosticDescriptor(diagnostic.Id, "t", message.Replace("{", "{{").Replace("}", "}}"), "c", DiagnosticSeverity.Error, true),
            Location.Create((await document.GetSyntaxTreeAsync())!, diagnostic.Location.SourceSpan));
        var fixedText = await ApplyAsync(document, new UseKnownModelPathCodeFix(), relocated);
        Assert.Contains("[MzNetwork(\"models/digits-mlp/model.onnx\")]", fixedText);
    }
}
