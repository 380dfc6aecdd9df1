extern alias gen;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using MzGenerator = gen::Mz.Generator.MzGenerator;
using SidecarWriter = gen::Mz.Generator.ModelFiles.SidecarWriter;

// One in-memory additional-file type for the CLI runner and the tests.
using InMemoryAdditionalText = Mz.Cli.Checking.InMemoryAdditionalText;

namespace Mz.Tests.Infrastructure;

/// <summary>
/// Runs the real generator over in-memory sources and sidecars with offline reference assemblies, then
/// compiles (and optionally loads) the result. No file IO inside the generator, no downloads.
/// </summary>
public sealed class GeneratorHarness
{
    public static readonly ImmutableArray<MetadataReference> References =
        Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(MzModel).Assembly.Location))
            .ToImmutableArray();

    public List<string> Sources { get; } = new();
    public List<AdditionalText> AdditionalTexts { get; } = new();
    public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.Latest;
    public bool AllowUnsafe { get; set; } = true;

    /// <summary>Release by default, as users build: Debug IL would distort allocation and code-size checks.</summary>
    public OptimizationLevel OptimizationLevel { get; set; } = OptimizationLevel.Release;

    /// <summary>Models above this size travel as a manifest resource, as Mz.targets does with MzInlineWeightsMaxBytes.</summary>
    public int InlineWeightsMaxBytes { get; set; } = SidecarWriter.DefaultInlineWeightsMaxBytes;

    /// <summary>Manifest resources the emitted assembly carries (large models), as MSBuild would embed them.</summary>
    public List<ResourceDescription> Resources { get; } = new();

    /// <summary>The logical names of <see cref="Resources"/>, in order.</summary>
    public List<string> ResourceNames { get; } = new();

    public GeneratorHarness AddSource(string source) { Sources.Add(source); return this; }

    /// <summary>Adds a model as MSBuild would: a sidecar whose header names <paramref name="projectPath"/>.</summary>
    public GeneratorHarness AddModel(string projectPath, byte[] bytes, string kind = "model", string format = "onnx", IEnumerable<KeyValuePair<string, byte[]>>? parts = null,
        string? fullPath = null)
    {
        string? resource = null;
        if (kind == "model" && bytes.Length > InlineWeightsMaxBytes)
        {
            // What Mz.targets does: embed the model under a content-derived name and say so in the sidecar.
            resource = SidecarWriter.ResourceNameFor(gen::Mz.Generator.Model.ContentHash.Of(bytes));
            if (!ResourceNames.Contains(resource))
            {
                ResourceNames.Add(resource);
                Resources.Add(new ResourceDescription(resource, () => new MemoryStream(bytes, writable: false), isPublic: true));
            }
        }
        AdditionalTexts.Add(new InMemoryAdditionalText("/obj/mz/" + projectPath.Replace('/', '_') + ".mz.txt", SidecarWriter.Write(projectPath, kind, format, bytes, parts, resource, fullPath)));
        return this;
    }

    public CSharpCompilation CreateCompilation() =>
        CSharpCompilation.Create("MzTestAssembly" + Guid.NewGuid().ToString("N"),
            Sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion), path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: AllowUnsafe, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999, optimizationLevel: OptimizationLevel));

    public GeneratorRun Run()
    {
        var compilation = CreateCompilation();
        var driver = CSharpGeneratorDriver.Create(
            new[] { new MzGenerator().AsSourceGenerator() },
            AdditionalTexts,
            (CSharpParseOptions)compilation.SyntaxTrees.First().Options,
            optionsProvider: null,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var updated = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return new GeneratorRun((CSharpCompilation)output, generatorDiagnostics, updated.GetRunResult(), updated, compilation) { Resources = Resources.ToList(), ResourceNames = ResourceNames.ToList() };
    }
}

/// <summary>The outcome of one generator run and helpers to compile and load it.</summary>
public sealed record GeneratorRun(CSharpCompilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorDriverRunResult Result, GeneratorDriver Driver, CSharpCompilation Input)
{
    public IReadOnlyList<GeneratedSourceResult> GeneratedSources => Result.Results.SelectMany(r => r.GeneratedSources).ToList();

    /// <summary>Manifest resources passed to Emit: the large models the generated code slices its weights from.</summary>
    public IReadOnlyList<ResourceDescription> Resources { get; init; } = Array.Empty<ResourceDescription>();

    /// <summary>The logical names of <see cref="Resources"/>, in order.</summary>
    public IReadOnlyList<string> ResourceNames { get; init; } = Array.Empty<string>();

    /// <summary>Runs Mz's analyzers over the compilation including generated code; pragma suppressions apply.</summary>
    public IReadOnlyList<Diagnostic> AnalyzerDiagnostics()
    {
        var analyzers = ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(
            new gen::Mz.Generator.Diagnostics.Analyzers.NetworkDeclarationAnalyzer(),
            new gen::Mz.Generator.Diagnostics.Analyzers.SpanLengthAnalyzer());
        return Output.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult()
            .Where(d => d.Id.StartsWith("MZ", StringComparison.Ordinal)).ToList();
    }

    /// <summary>Emits the compilation; fails with the numbered source when anything of Warning severity or worse is reported.</summary>
    public Assembly EmitAndLoad()
    {
        using var stream = new MemoryStream();
        var result = Output.Emit(stream, manifestResources: Resources);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.IsSuppressed).ToList();
        if (!result.Success || problems.Count > 0)
        {
            var listing = string.Join("\n\n", GeneratedSources.Select(s => s.HintName + ":\n" + Numbered(s.SourceText.ToString())));
            throw new Xunit.Sdk.XunitException("generated code does not compile cleanly:\n" + string.Join("\n", problems) + "\n\n" + Truncate(listing, 20000));
        }
        stream.Position = 0;
        var context = new AssemblyLoadContext("mz-test-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        context.Resolving += (ctx, name) => name.Name == typeof(MzModel).Assembly.GetName().Name ? typeof(MzModel).Assembly : null;
        return context.LoadFromStream(stream);
    }

    private static string Numbered(string text) =>
        string.Join("\n", text.Split('\n').Select((line, i) => $"{i + 1,5}: {line}"));

    private static string Truncate(string text, int length) => text.Length <= length ? text : text.Substring(0, length) + "\n...";
}
