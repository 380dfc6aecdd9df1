extern alias gen;
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MzGenerator = gen::Mz.Generator.MzGenerator;
using SidecarWriter = gen::Mz.Generator.ModelFiles.SidecarWriter;

namespace Mz.Cli.Checking;

/// <summary>
/// Compiles a model the way a user build does, but in memory: a declaration with [MzNetwork], the model as a
/// sidecar additional file, the real generator, Roslyn against offline reference assemblies, then loads the
/// assembly into a collectible context. A small adapter is compiled alongside so the span-based
/// PredictBatch can be called with arrays through reflection.
/// </summary>
public static class NetworkCompiler
{
    public const string ModelPath = "model.onnx";
    private const string Namespace = "MzCheck", TypeName = "Network", AdapterName = "CheckAdapter";

    private static readonly ImmutableArray<MetadataReference> References =
        Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(MzModel).Assembly.Location))
            .ToImmutableArray();

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>Runs the generator; returns its error diagnostics (a rejection) or the loaded network.</summary>
    public static CompileOutcome Compile(byte[] model, IEnumerable<KeyValuePair<string, byte[]>> externalParts, int inputCount, int outputCount)
    {
        var declaration = CSharpSyntaxTree.ParseText(
            $"using Mz;\nnamespace {Namespace};\n[MzNetwork(\"{ModelPath}\")]\npublic static partial class {TypeName} {{ }}\n", ParseOptions, path: "Declaration.cs");
        var compilation = CSharpCompilation.Create("MzCheck" + Guid.NewGuid().ToString("N"), new[] { declaration }, References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        var sidecar = new InMemoryAdditionalText("/obj/mz/model.onnx.mz.txt", SidecarWriter.Write(ModelPath, "model", "onnx", model, externalParts));
        var driver = CSharpGeneratorDriver.Create(new[] { new MzGenerator().AsSourceGenerator() }, new[] { sidecar }, ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var generated, out var diagnostics);

        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0) return CompileOutcome.Rejected(errors[0].Id, errors[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var network = generated.GetTypeByMetadataName(Namespace + "." + TypeName)
            ?? throw new InvalidOperationException("the generator produced no network type");
        var predict = network.GetMembers("PredictBatch").OfType<IMethodSymbol>().FirstOrDefault()
            ?? throw new InvalidOperationException("the generated network has no PredictBatch method");
        if (predict.Parameters.Length != inputCount + outputCount)
            throw new InvalidOperationException($"PredictBatch takes {predict.Parameters.Length} spans, expected {inputCount} inputs + {outputCount} outputs");
        string element = ((INamedTypeSymbol)predict.Parameters[0].Type).TypeArguments[0].ToDisplayString();
        var arguments = Enumerable.Range(0, inputCount).Select(i => $"inputs[{i}]").Concat(Enumerable.Range(0, outputCount).Select(i => $"outputs[{i}]"));
        var adapter = CSharpSyntaxTree.ParseText(
            $"namespace {Namespace};\npublic static class {AdapterName}\n{{\n" +
            $"    public static void RunBatch({element}[][] inputs, {element}[][] outputs) => {TypeName}.PredictBatch({string.Join(", ", arguments)});\n" +
            $"    public static void RunOne({element}[][] inputs, {element}[][] outputs) => {TypeName}.Predict({string.Join(", ", arguments)});\n}}\n",
            ParseOptions, path: "Adapter.cs");
        var final = generated.AddSyntaxTrees(adapter);

        using var stream = new MemoryStream();
        var result = final.Emit(stream);
        if (!result.Success)
            throw new InvalidOperationException("generated code does not compile: " + string.Join("; ", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(3)));
        stream.Position = 0;
        var context = new AssemblyLoadContext("mz-check-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        var runtime = typeof(MzModel).Assembly;
        context.Resolving += (_, name) => name.Name == runtime.GetName().Name ? runtime : null;
        var assembly = context.LoadFromStream(stream);
        var adapterType = assembly.GetType(Namespace + "." + AdapterName)!;
        return CompileOutcome.Compiled(new LoadedNetwork(context, adapterType.GetMethod("RunBatch")!, adapterType.GetMethod("RunOne")!, element == "double"));
    }
}

/// <summary>Either a rejection (the generator's first error) or a loaded network.</summary>
public sealed class CompileOutcome
{
    private CompileOutcome(string? id, string? message, LoadedNetwork? network) { DiagnosticId = id; Message = message; Network = network; }

    public string? DiagnosticId { get; }
    public string? Message { get; }
    public LoadedNetwork? Network { get; }

    public static CompileOutcome Rejected(string id, string message) => new(id, message, null);
    public static CompileOutcome Compiled(LoadedNetwork network) => new(null, null, network);
}

/// <summary>A generated network in its own load context; <see cref="Dispose"/> unloads it.</summary>
public sealed class LoadedNetwork : IDisposable
{
    private readonly AssemblyLoadContext _context;
    private readonly MethodInfo _runBatch, _runOne;

    internal LoadedNetwork(AssemblyLoadContext context, MethodInfo runBatch, MethodInfo runOne, bool computesInDouble)
    {
        _context = context;
        _runBatch = runBatch;
        _runOne = runOne;
        ComputesInDouble = computesInDouble;
    }

    /// <summary>True when the generated API takes double spans (a float64 model).</summary>
    public bool ComputesInDouble { get; }

    /// <summary>
    /// Calls PredictBatch (<paramref name="batch"/>) or Predict for fixed-shape networks; float32 networks get their
    /// inputs rounded to float, outputs widened back.
    /// </summary>
    public double[][] Run(IReadOnlyList<double[]> inputs, IReadOnlyList<int> outputLengths, bool batch)
    {
        var method = batch ? _runBatch : _runOne;
        try
        {
            if (ComputesInDouble)
            {
                var outputs = outputLengths.Select(n => new double[n]).ToArray();
                method.Invoke(null, new object[] { inputs.Select(i => (double[])i.Clone()).ToArray(), outputs });
                return outputs;
            }
            var singles = outputLengths.Select(n => new float[n]).ToArray();
            method.Invoke(null, new object[] { inputs.Select(i => i.Select(v => (float)v).ToArray()).ToArray(), singles });
            return singles.Select(o => o.Select(v => (double)v).ToArray()).ToArray();
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            throw e.InnerException;
        }
    }

    public void Dispose() => _context.Unload();
}
