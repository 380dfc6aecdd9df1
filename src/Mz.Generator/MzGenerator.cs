using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Mz.Generator.Declarations;
using Mz.Generator.Diagnostics;
using Mz.Generator.Emit;
using Mz.Generator.Model;
using Mz.Generator.ModelFiles;
using Mz.Generator.Planning;

namespace Mz.Generator;

/// <summary>
/// Compiles [MzNetwork] classes: model sidecars (AdditionalFiles written by Mz.targets) and attribute
/// declarations are reduced to equatable records, planned, and emitted. Diagnostics travel separately from
/// source so a moved line never regenerates code.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class MzGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var modelFiles = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Where(static pair => IsSidecar(pair.Left, pair.Right))
            .Select(static (pair, ct) => SidecarReader.Read(pair.Left.GetText(ct)?.ToString() ?? "", pair.Left.Path))
            .WithTrackingName(StepNames.ModelFiles)
            .Collect()
            .Select(static (files, _) => files.OrderBy(f => f.SourcePath, StringComparer.Ordinal).ToEquatableArray());

        var declarations = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                DeclarationReader.AttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => DeclarationReader.Read(ctx, ct))
            .WithTrackingName(StepNames.Declarations);

        var results = declarations
            .Combine(modelFiles)
            .Select(static (pair, ct) => PlanSafely(pair.Left, pair.Right, ct))
            .WithTrackingName(StepNames.Plan);

        var diagnostics = results
            .Select(static (r, _) => r.Diagnostics)
            .Where(static d => d.Count > 0)
            .WithTrackingName(StepNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (var info in list) spc.ReportDiagnostic(info.ToDiagnostic());
        });

        var plans = results
            .Select(static (r, _) => r.Plan)
            .Where(static p => p is not null)
            .WithTrackingName(StepNames.Output);
        context.RegisterSourceOutput(plans, static (spc, plan) =>
        {
            spc.AddSource(plan!.Declaration.HintStem + ".Mz.g.cs", SourceText.From(Stamp(NetworkEmitter.Emit(plan)), System.Text.Encoding.UTF8));
            spc.AddSource(plan.Declaration.HintStem + ".Mz.Weights.g.cs", SourceText.From(Stamp(WeightsEmitter.Emit(plan)), System.Text.Encoding.UTF8));
            if (plan.Analysis != null)
                spc.AddSource(plan.Declaration.HintStem + ".Mz.Analysis.g.cs", SourceText.From(Stamp(AnalysisEmitter.Emit(plan)), System.Text.Encoding.UTF8));
            if (plan.Reduced != null)
                spc.AddSource(plan.Declaration.HintStem + ".Mz.Reduced.g.cs", SourceText.From(Stamp(ReducedEmitter.Emit(plan)), System.Text.Encoding.UTF8));
            if (plan.Noise != null)
                spc.AddSource(plan.Declaration.HintStem + ".Mz.Noise.g.cs", SourceText.From(Stamp(StochasticEmitter.Emit(plan)), System.Text.Encoding.UTF8));
        });
    }

    private static string Stamp(string text) => text.Replace("%VERSION%", EmitterContext.Version);

    /// <summary>Sidecars carry build_metadata.AdditionalFiles.MzKind; files named *.mz.txt are accepted too (tests).</summary>
    private static bool IsSidecar(AdditionalText text, Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider options)
    {
        var fileOptions = options.GetOptions(text);
        if (fileOptions.TryGetValue("build_metadata.AdditionalFiles.MzKind", out var kind) && kind.Length > 0) return true;
        return text.Path.EndsWith(".mz.txt", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A thrown exception would become CS8785 and silently drop all generated code; report MZ0999 instead.</summary>
    private static NetworkResult PlanSafely(NetworkDeclaration declaration, EquatableArray<ModelFile> files, System.Threading.CancellationToken ct)
    {
        try
        {
            return NetworkPlanner.Plan(declaration, files.ToList(), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var diagnostics = new System.Collections.Generic.List<DiagnosticInfo>();
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.InternalError, declaration.AttributeLocation, declaration.FullName, e.GetType().Name + ": " + e.Message));
            return new NetworkResult(null, diagnostics.ToEquatableArray());
        }
    }
}
