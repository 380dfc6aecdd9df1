using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CSharp;
using Mz.CodeFixes;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Diagnostics;

/// <summary>
/// The MZ0101 / MZ0105 fix that adds the file to the project's items: run against the diagnostics of the real generator,
/// applied to a project file in a temporary folder, compared with the exact expected text.
/// </summary>
public sealed class AddFileToProjectCodeFixTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mz-addfix-" + Guid.NewGuid().ToString("N"));

    public AddFileToProjectCodeFixTests() { Directory.CreateDirectory(_folder); }

    public void Dispose() { Directory.Delete(_folder, recursive: true); }

    private const string NetworkSource = "using Mz;\n[MzNetwork(\"models/net.onnx\")]\npublic static partial class Net { }";

    private string WriteFile(string relative, byte[] bytes)
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The generator's diagnostic with <paramref name="id"/>, for a project whose build has no such item.</summary>
    private static Diagnostic GeneratorDiagnostic(string source, string id, bool withModel = false)
    {
        var harness = new GeneratorHarness().AddSource(source);
        if (withModel) harness.AddModel("models/net.onnx", new TrainedModel("digits-mlp").OnnxBytes);
        return Assert.Single(harness.Run().GeneratorDiagnostics, d => d.Id == id);
    }

    /// <summary>The same diagnostic (id, span, message, properties) placed on a document of a project with <paramref name="projectFile"/>.</summary>
    private static async Task<(Document Document, Diagnostic Diagnostic)> InWorkspaceAsync(Diagnostic diagnostic, string? projectFile)
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "Fixes", "Fixes", LanguageNames.CSharp,
            filePath: projectFile, compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary), metadataReferences: GeneratorHarness.References));
        var document = project.AddDocument("Net.cs", diagnostic.Location.SourceTree!.ToString());
        var message = diagnostic.GetMessage().Replace("{", "{{").Replace("}", "}}");
        var relocated = Diagnostic.Create(new DiagnosticDescriptor(diagnostic.Id, "t", message, "c", DiagnosticSeverity.Error, true),
            Location.Create((await document.GetSyntaxTreeAsync())!, diagnostic.Location.SourceSpan), diagnostic.Properties);
        return (document, relocated);
    }

    private static async Task<List<CodeAction>> OfferedAsync(Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        await new AddFileToProjectCodeFix().RegisterCodeFixesAsync(new Microsoft.CodeAnalysis.CodeFixes.CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        return actions;
    }

    private static async Task ApplyAsync(Document document, CodeAction action)
    {
        foreach (var operation in await action.GetOperationsAsync(CancellationToken.None))
            operation.Apply(document.Project.Solution.Workspace, CancellationToken.None);
    }

    [Fact]
    public void TheGeneratorSaysWhichItemToAdd()
    {
        var model = GeneratorDiagnostic(NetworkSource, "MZ0101");
        Assert.Equal("MzModel", model.Properties[AddFileToProjectCodeFix.ItemTypeProperty]);
        Assert.Equal("models/net.onnx", model.Properties[AddFileToProjectCodeFix.ItemPathProperty]);
        // The calibration path is the file part of "file.npz:key", normalised as the generator matches it.
        var calibration = GeneratorDiagnostic("using Mz;\n[MzNetwork(\"models/net.onnx\", Calibration = \"./data\\\\train.npz:x\")]\npublic static partial class Net { }", "MZ0105", withModel: true);
        Assert.Equal("MzCalibration", calibration.Properties[AddFileToProjectCodeFix.ItemTypeProperty]);
        Assert.Equal("data/train.npz", calibration.Properties[AddFileToProjectCodeFix.ItemPathProperty]);
    }

    [Fact]
    public async Task AddsTheModelNextToTheProjectsOtherModelItems()
    {
        const string original =
            "<Project Sdk=\"Microsoft.NET.Sdk\">\n" +
            "  <!-- models are listed by hand -->\n" +
            "  <PropertyGroup>\n" +
            "    <EnableDefaultMzModelItems>false</EnableDefaultMzModelItems>\n" +
            "  </PropertyGroup>\n" +
            "  <ItemGroup>\n" +
            "    <MzModel Include=\"models/other.onnx\" />\n" +
            "    <None Include=\"readme.txt\" />   <!-- trailing comment -->\n" +
            "  </ItemGroup>\n" +
            "</Project>";
        string projectFile = WriteFile("App.csproj", Encoding.UTF8.GetBytes(original));
        WriteFile("models/net.onnx", new byte[] { 1, 2, 3 });
        var (document, diagnostic) = await InWorkspaceAsync(GeneratorDiagnostic(NetworkSource, "MZ0101"), projectFile);

        var action = Assert.Single(await OfferedAsync(document, diagnostic));
        Assert.Equal("Add 'models/net.onnx' to the project as MzModel", action.Title);
        await ApplyAsync(document, action);

        string expected = original.Replace("  </ItemGroup>\n", "    <MzModel Include=\"models/net.onnx\" />\n  </ItemGroup>\n");
        Assert.Equal(Encoding.UTF8.GetBytes(expected), File.ReadAllBytes(projectFile));
    }

    [Fact]
    public async Task AddsANewItemGroupKeepingByteOrderMarkAndCrLf()
    {
        const string original =
            "<Project Sdk=\"Microsoft.NET.Sdk\">\r\n" +
            "\t<PropertyGroup>\r\n" +
            "\t\t<EnableDefaultMzModelItems>false</EnableDefaultMzModelItems>\r\n" +
            "\t</PropertyGroup>\r\n" +
            "\t<ItemGroup Condition=\"'$(Configuration)' == 'Debug'\">\r\n" +
            "\t\t<MzModel Include=\"models/debug.onnx\" />\r\n" +
            "\t</ItemGroup>\r\n" +
            "</Project>\r\n";
        var bom = new byte[] { 0xEF, 0xBB, 0xBF };
        string projectFile = WriteFile("App.csproj", bom.Concat(Encoding.UTF8.GetBytes(original)).ToArray());
        WriteFile("models/net.onnx", new byte[] { 1 });
        var (document, diagnostic) = await InWorkspaceAsync(GeneratorDiagnostic(NetworkSource, "MZ0101"), projectFile);

        await ApplyAsync(document, Assert.Single(await OfferedAsync(document, diagnostic)));

        // Not into the conditional group: the model must be there in every configuration.
        string expected = original.Replace("</Project>", "\t<ItemGroup>\r\n\t\t<MzModel Include=\"models/net.onnx\" />\r\n\t</ItemGroup>\r\n</Project>");
        Assert.Equal(bom.Concat(Encoding.UTF8.GetBytes(expected)).ToArray(), File.ReadAllBytes(projectFile));
    }

    [Fact]
    public async Task CalibrationFileBecomesAnMzCalibrationItem()
    {
        const string original = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <OutputType>Exe</OutputType>\n  </PropertyGroup>\n</Project>\n";
        string projectFile = WriteFile("App.csproj", Encoding.UTF8.GetBytes(original));
        WriteFile("data/train.npz", new byte[] { 1 });
        var generated = GeneratorDiagnostic("using Mz;\n[MzNetwork(\"models/net.onnx\", Calibration = \"data/train.npz:x\")]\npublic static partial class Net { }", "MZ0105", withModel: true);
        var (document, diagnostic) = await InWorkspaceAsync(generated, projectFile);

        await ApplyAsync(document, Assert.Single(await OfferedAsync(document, diagnostic)));

        Assert.Equal(original.Replace("</Project>", "  <ItemGroup>\n    <MzCalibration Include=\"data/train.npz\" />\n  </ItemGroup>\n</Project>"), File.ReadAllText(projectFile));
    }

    [Fact]
    public async Task NotOfferedWithoutTheFileOrTheProjectPath()
    {
        const string original = "<Project Sdk=\"Microsoft.NET.Sdk\">\n</Project>\n";
        string projectFile = WriteFile("App.csproj", Encoding.UTF8.GetBytes(original));
        var generated = GeneratorDiagnostic(NetworkSource, "MZ0101");

        // models/net.onnx does not exist: the path is wrong, not the items.
        var (document, diagnostic) = await InWorkspaceAsync(generated, projectFile);
        Assert.Empty(await OfferedAsync(document, diagnostic));

        // The file exists, but a project without a file path has no project file to edit.
        WriteFile("models/net.onnx", new byte[] { 1 });
        var (unsaved, unsavedDiagnostic) = await InWorkspaceAsync(generated, projectFile: null);
        Assert.Empty(await OfferedAsync(unsaved, unsavedDiagnostic));
        Assert.Equal(original, File.ReadAllText(projectFile));
    }

    [Fact]
    public async Task ApplyingTwiceAddsTheItemOnce()
    {
        const string original = "<Project>\n  <ItemGroup>\n    <MzModel Include=\"models/other.onnx\" />\n  </ItemGroup>\n</Project>\n";
        string projectFile = WriteFile("App.csproj", Encoding.UTF8.GetBytes(original));
        WriteFile("models/net.onnx", new byte[] { 1 });
        var (document, diagnostic) = await InWorkspaceAsync(GeneratorDiagnostic(NetworkSource, "MZ0101"), projectFile);
        var action = Assert.Single(await OfferedAsync(document, diagnostic));

        await ApplyAsync(document, action);
        await ApplyAsync(document, action);

        Assert.Equal("<Project>\n  <ItemGroup>\n    <MzModel Include=\"models/other.onnx\" />\n    <MzModel Include=\"models/net.onnx\" />\n  </ItemGroup>\n</Project>\n",
            File.ReadAllText(projectFile));
        // A stale diagnostic (the build has not caught up yet) gets no second offer.
        Assert.Empty(await OfferedAsync(document, diagnostic));
    }

    [Theory]
    [InlineData("models/net.onnx")]
    [InlineData("models\\net.onnx")]
    [InlineData("./models/net.onnx")]
    [InlineData("Models/Net.onnx")]
    [InlineData("models/a.onnx;models/net.onnx")]
    [InlineData("models/n%65t.onnx")]
    public void AnItemListedInAnyEquivalentSpellingIsNotAddedAgain(string listed)
    {
        var project = Encoding.UTF8.GetBytes($"<Project>\n  <Target Name=\"T\">\n    <ItemGroup>\n      <MzModel Include=\"{listed}\" />\n    </ItemGroup>\n  </Target>\n</Project>");
        Assert.True(ProjectFileEditor.ContainsItem(project, "MzModel", "models/net.onnx"));
        Assert.Null(ProjectFileEditor.AddItem(project, "MzModel", "models/net.onnx"));
        // Another item type with the same path is a different item.
        Assert.NotNull(ProjectFileEditor.AddItem(project, "MzCalibration", "models/net.onnx"));
    }

    [Fact]
    public void SpecialCharactersAreEscapedForXmlAndMsBuild()
    {
        var project = Encoding.UTF8.GetBytes("<Project><ItemGroup><MzModel Include=\"a.onnx\" /></ItemGroup></Project>");
        var updated = Encoding.UTF8.GetString(ProjectFileEditor.AddItem(project, "MzModel", "models/R&D;v1 \"50%\".onnx")!);
        // One line in, one line out: the item goes inline, after its sibling.
        Assert.Equal("<Project><ItemGroup><MzModel Include=\"a.onnx\" /><MzModel Include=\"models/R&amp;D%3Bv1 &quot;50%25&quot;.onnx\" /></ItemGroup></Project>", updated);
        Assert.True(ProjectFileEditor.ContainsItem(Encoding.UTF8.GetBytes(updated), "MzModel", "models/R&D;v1 \"50%\".onnx"));
    }

    [Fact]
    public void Utf16ProjectsStayUtf16()
    {
        var encoding = new UnicodeEncoding(bigEndian: false, byteOrderMark: true);
        var original = "<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n<Project>\r\n  <ItemGroup>\r\n    <MzModel Include=\"a.onnx\" />\r\n  </ItemGroup>\r\n</Project>";
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes(original)).ToArray();
        var updated = ProjectFileEditor.AddItem(bytes, "MzModel", "b.onnx")!;
        var expected = original.Replace("  </ItemGroup>", "    <MzModel Include=\"b.onnx\" />\r\n  </ItemGroup>");
        Assert.Equal(encoding.GetPreamble().Concat(encoding.GetBytes(expected)).ToArray(), updated);
    }

    [Theory]
    [InlineData("<Project />")]
    [InlineData("<Project><ItemGroup></Project>")]
    [InlineData("not xml")]
    public void ProjectsThatCannotBeEditedSafelyAreLeftAlone(string project)
    {
        Assert.Null(ProjectFileEditor.AddItem(Encoding.UTF8.GetBytes(project), "MzModel", "a.onnx"));
        // Bytes that are not valid UTF-8 would not survive a round trip.
        Assert.Null(ProjectFileEditor.AddItem(new byte[] { (byte)'<', 0xC3, 0x28, (byte)'>' }, "MzModel", "a.onnx"));
    }

    [Fact]
    public async Task MsBuildSeesTheAddedItem()
    {
        // A project with only Mz's props evaluates in well under a second and needs no restore.
        string props = Path.Combine(RepositoryPaths.Root, "src", "Mz.Runtime", "build", "Mz.props");
        string original = $"<Project>\n  <PropertyGroup>\n    <EnableDefaultMzModelItems>false</EnableDefaultMzModelItems>\n  </PropertyGroup>\n  <Import Project=\"{props}\" />\n</Project>\n";
        string projectFile = WriteFile("App.proj", Encoding.UTF8.GetBytes(original));
        string model = WriteFile("models/net.onnx", new byte[] { 1 });
        var (document, diagnostic) = await InWorkspaceAsync(GeneratorDiagnostic(NetworkSource, "MZ0101"), projectFile);
        Assert.Empty(MzModelItems(projectFile));

        await ApplyAsync(document, Assert.Single(await OfferedAsync(document, diagnostic)));

        Assert.Equal(new[] { Path.GetFullPath(model) }, MzModelItems(projectFile));
    }

    private static string[] MzModelItems(string projectFile)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "msbuild", projectFile, "-getItem:MzModel", "-nologo", "-nodeReuse:false" }) start.ArgumentList.Add(argument);
        start.Environment["MSBUILDNOINPROCNODE"] = "1";
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet msbuild failed:\n{output}\n{error}");
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("Items").TryGetProperty("MzModel", out var items)
            ? items.EnumerateArray().Select(i => i.GetProperty("FullPath").GetString()!).ToArray()
            : Array.Empty<string>();
    }
}
