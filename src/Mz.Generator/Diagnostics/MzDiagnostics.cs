using Microsoft.CodeAnalysis;

namespace Mz.Generator.Diagnostics;

/// <summary>
/// Every diagnostic Mz reports, in one table. Bands: MZ00xx declaration, MZ01xx model file, MZ02xx graph
/// validation, MZ03xx code-generation limits, MZ04xx reduction reports, MZ09xx environment/internal.
/// Message arguments are always strings. Each id has docs/diagnostics/MZxxxx.md and a release-file row.
/// </summary>
public static class MzDiagnostics
{
    public const string ClassNotPartialId = "MZ0001";
    public const string GenericContainerId = "MZ0002";
    public const string InvalidAttributeArgumentId = "MZ0003";
    public const string ModelFileMissingId = "MZ0101";
    public const string ModelMalformedId = "MZ0102";
    public const string OpsetUnsupportedId = "MZ0103";
    public const string SidecarInvalidId = "MZ0104";
    public const string UnsupportedOpId = "MZ0201";
    public const string InvalidGraphId = "MZ0202";
    public const string UnsupportedTypeId = "MZ0203";
    public const string FixedBatchId = "MZ0204";
    public const string TrainingModeId = "MZ0205";
    public const string InterpreterFallbackId = "MZ0301";
    public const string InternalErrorId = "MZ0999";

    private const string HelpBase = "https://github.com/mz-nn/mz/blob/main/docs/diagnostics/";

    private static DiagnosticDescriptor Rule(string id, string title, string message, string category, DiagnosticSeverity severity, string description) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpBase + id + ".md");

    public static readonly DiagnosticDescriptor ClassNotPartial = Rule(ClassNotPartialId,
        "Network class must be partial",
        "The class '{0}' marked with [MzNetwork] must be declared 'partial' so Mz can add the generated members",
        "Mz.Usage", DiagnosticSeverity.Error,
        "Mz generates Predict, PredictBatch and the network constants into the other half of a partial class.");

    public static readonly DiagnosticDescriptor GenericContainer = Rule(GenericContainerId,
        "Network class cannot be generic",
        "The class '{0}' marked with [MzNetwork] is generic or nested in a generic type; declare it in a non-generic type",
        "Mz.Usage", DiagnosticSeverity.Error,
        "Generated weights are static data per network; a generic container would duplicate them per instantiation.");

    public static readonly DiagnosticDescriptor InvalidAttributeArgument = Rule(InvalidAttributeArgumentId,
        "Invalid [MzNetwork] argument",
        "The [MzNetwork] argument '{0}' is invalid: {1}",
        "Mz.Usage", DiagnosticSeverity.Error,
        "The attribute needs a model path (an .onnx file that is part of the build).");

    public static readonly DiagnosticDescriptor ModelFileMissing = Rule(ModelFileMissingId,
        "Model file is not part of the build",
        "The model file '{0}' is not part of the build; add <MzModel Include=\"{0}\" /> to the project (model items found: {1})",
        "Mz.Model", DiagnosticSeverity.Error,
        "Model files reach the generator through MSBuild items (MzModel). Every *.onnx file in the project is included by default unless EnableDefaultMzModelItems is false.");

    public static readonly DiagnosticDescriptor ModelMalformed = Rule(ModelMalformedId,
        "Model file cannot be read",
        "The model file '{0}' cannot be read: {1}",
        "Mz.Model", DiagnosticSeverity.Error,
        "The file is truncated, damaged or not an ONNX model.");

    public static readonly DiagnosticDescriptor OpsetUnsupported = Rule(OpsetUnsupportedId,
        "Unsupported opset",
        "The model '{0}' cannot be compiled: {1}",
        "Mz.Model", DiagnosticSeverity.Error,
        "Mz supports the default ONNX domain up to the opset it names.");

    public static readonly DiagnosticDescriptor SidecarInvalid = Rule(SidecarInvalidId,
        "Model sidecar is damaged",
        "The encoded model '{0}' passed to the generator is damaged: {1}; rebuild to regenerate it",
        "Mz.Model", DiagnosticSeverity.Error,
        "The MSBuild step writes a text copy of each model under obj/mz; it was edited or truncated.");

    public static readonly DiagnosticDescriptor UnsupportedOp = Rule(UnsupportedOpId,
        "Unsupported operator",
        "The model '{0}' cannot be compiled: {3}",
        "Mz.Network", DiagnosticSeverity.Error,
        "Mz compiles the default-domain ONNX operators an MLP or residual MLP uses; the message names the node ({1}) and op ({2}) and lists the supported ops.");

    public static readonly DiagnosticDescriptor InvalidGraph = Rule(InvalidGraphId,
        "Invalid graph",
        "The model '{0}' cannot be compiled: {1}",
        "Mz.Network", DiagnosticSeverity.Error,
        "Shapes, attributes or structure of the graph violate the ONNX rules Mz implements.");

    public static readonly DiagnosticDescriptor UnsupportedType = Rule(UnsupportedTypeId,
        "Unsupported tensor type",
        "The model '{0}' cannot be compiled: {1}",
        "Mz.Network", DiagnosticSeverity.Error,
        "Mz computes on float32 and float64 tensors; integer, string, sequence, map and optional values are rejected.");

    public static readonly DiagnosticDescriptor FixedBatch = Rule(FixedBatchId,
        "Model fixes the batch size",
        "The model '{0}': {1}",
        "Mz.Network", DiagnosticSeverity.Warning,
        "Exporters sometimes bake a concrete batch into a Reshape target; the generated code then runs one batch of that size at a time.");

    public static readonly DiagnosticDescriptor TrainingMode = Rule(TrainingModeId,
        "Training-mode operator",
        "The model '{0}' cannot be compiled: {1}",
        "Mz.Network", DiagnosticSeverity.Error,
        "Mz compiles inference graphs: BatchNormalization with training_mode=1 (or is_test=0, or its running-statistics outputs) and Dropout in training mode are rejected; export the model in evaluation mode.");

    public static readonly DiagnosticDescriptor InterpreterFallback = Rule(InterpreterFallbackId,
        "Node runs through the runtime interpreter",
        "Node '{0}' ({1}) of '{2}' has no specialised kernel and runs through the runtime interpreter (slower, allocates)",
        "Mz.CodeGen", DiagnosticSeverity.Info,
        "Ops without a specialised kernel are evaluated by the runtime's reference interpreter so that the model still compiles.");

    public static readonly DiagnosticDescriptor InternalError = Rule(InternalErrorId,
        "Internal generator error",
        "Mz failed while generating '{0}': {1}. Please report this with the model file.",
        "Mz.Internal", DiagnosticSeverity.Error,
        "An unexpected exception inside the generator; no code was generated for this network.");

    public static DiagnosticDescriptor? Find(string id) => id switch
    {
        ClassNotPartialId => ClassNotPartial,
        GenericContainerId => GenericContainer,
        InvalidAttributeArgumentId => InvalidAttributeArgument,
        ModelFileMissingId => ModelFileMissing,
        ModelMalformedId => ModelMalformed,
        OpsetUnsupportedId => OpsetUnsupported,
        SidecarInvalidId => SidecarInvalid,
        UnsupportedOpId => UnsupportedOp,
        InvalidGraphId => InvalidGraph,
        UnsupportedTypeId => UnsupportedType,
        FixedBatchId => FixedBatch,
        TrainingModeId => TrainingMode,
        InterpreterFallbackId => InterpreterFallback,
        InternalErrorId => InternalError,
        _ => null,
    };
}
