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
    public const string ClassNotStaticId = "MZ0004";
    public const string SpanLengthMismatchId = "MZ0005";
    public const string InvalidNoiseId = "MZ0006";
    public const string MissingNetworkAttributeId = "MZ0007";
    public const string GeneratedNameClashId = "MZ0008";
    public const string ModelFileMissingId = "MZ0101";
    public const string ModelMalformedId = "MZ0102";
    public const string OpsetUnsupportedId = "MZ0103";
    public const string SidecarInvalidId = "MZ0104";
    public const string CalibrationFileMissingId = "MZ0105";
    public const string CalibrationInvalidId = "MZ0106";
    public const string UnsupportedOpId = "MZ0201";
    public const string InvalidGraphId = "MZ0202";
    public const string UnsupportedTypeId = "MZ0203";
    public const string FixedBatchId = "MZ0204";
    public const string DeclaredLayerMismatchId = "MZ0205";
    public const string TrainingModeId = "MZ0206";
    public const string NoiseLayerCountMismatchId = "MZ0207";
    public const string NoisyNetworkUnsupportedId = "MZ0208";
    public const string InterpreterFallbackId = "MZ0301";
    public const string AnalysisSummaryId = "MZ0401";
    public const string AnalysisWarningId = "MZ0402";
    public const string AnalysisUnavailableId = "MZ0403";
    public const string ReductionChosenId = "MZ0404";
    public const string ReductionNotMetId = "MZ0405";
    public const string ReductionUnavailableId = "MZ0406";
    public const string ReductionSampleLimitedId = "MZ0407";
    public const string InternalErrorId = "MZ0999";

    /// <summary>
    /// Diagnostic properties of MZ0101 / MZ0105 for the add-to-project code fix: the MSBuild item type that would make
    /// the file part of the build (MzModel, MzCalibration) and the path to include, relative to the project folder.
    /// </summary>
    public const string ItemTypeProperty = "MzItemType";
    public const string ItemPathProperty = "MzItemPath";

    /// <summary>
    /// Marks an error about an optional part of a declaration ([MzReduce]) that still lets the network itself be
    /// generated: the build fails on that one error instead of on every member the user calls as well.
    /// </summary>
    public const string OptionalPartProperty = "MzOptionalPart";

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
        "Invalid Mz attribute argument",
        "The argument '{0}' is invalid: {1}",
        "Mz.Usage", DiagnosticSeverity.Error,
        "[MzNetwork] needs a model path (an .onnx file that is part of the build) or a weights file with layer attributes; [MzReduce] needs a positive Tolerance and calibration rows.");

    public static readonly DiagnosticDescriptor ClassNotStatic = Rule(ClassNotStaticId,
        "Network class should be static",
        "The class '{0}' marked with [MzNetwork] should be 'static': all generated members are static",
        "Mz.Usage", DiagnosticSeverity.Warning,
        "The generated network is a set of static members; a static class prevents meaningless instances.");

    public static readonly DiagnosticDescriptor SpanLengthMismatch = Rule(SpanLengthMismatchId,
        "Span length does not match the network",
        "'{0}' gets {1} values here, but {2} needs {3}; the call will throw ArgumentException",
        "Mz.Usage", DiagnosticSeverity.Warning,
        "A constant-length array or stackalloc passed to Predict must hold exactly one row; to PredictBatch a whole number of rows.");

    public static readonly DiagnosticDescriptor MissingNetworkAttribute = Rule(MissingNetworkAttributeId,
        "Mz attribute without [MzNetwork]",
        "'{0}' has [{1}] but no [MzNetwork], so nothing is generated for it; add [MzNetwork(\"model.onnx\")] (or Weights = ... for a declared network), or remove [{1}]",
        "Mz.Usage", DiagnosticSeverity.Warning,
        "[MzReduce] and the layer attributes ([MzDense], [MzResidual], [MzSoftmax]) only take effect next to [MzNetwork] on the same class.");

    public static readonly DiagnosticDescriptor GeneratedNameClash = Rule(GeneratedNameClashId,
        "Name clashes with a generated member",
        "'{0}': {1}",
        "Mz.Usage", DiagnosticSeverity.Error,
        "Mz adds Predict, PredictBatch, the size constants and, depending on the attributes, Analysis, Reduction, PredictReduced and the noisy members to the network class; a class named like one of them, or a member of its own with one of these names, would not compile.");

    public static readonly DiagnosticDescriptor InvalidNoise = Rule(InvalidNoiseId,
        "Invalid noise declaration",
        "The [MzNetwork] argument '{0}' is not a valid noise declaration: {1}",
        "Mz.Usage", DiagnosticSeverity.Error,
        "Noise = σ or NoisePerLayer = new[] { σ_0, σ_1, ... } gives the standard deviation of the Gaussian noise after each hidden layer; every σ must be a finite number ≥ 0, and only one of the two may be given.");

    public static readonly DiagnosticDescriptor ModelFileMissing = Rule(ModelFileMissingId,
        "Model file is not part of the build",
        "The model file '{0}' is not part of the build: no MzModel item names it. Check that the file is at that path (from the project folder), then add <MzModel Include=\"{0}\" /> to the project (model items found: {1})",
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

    public static readonly DiagnosticDescriptor CalibrationFileMissing = Rule(CalibrationFileMissingId,
        "Calibration file is not part of the build",
        "The calibration file '{0}' is not part of the build: no MzCalibration item names it. Check that the file is at that path (from the project folder), then add <MzCalibration Include=\"{0}\" /> to the project (calibration items found: {1})",
        "Mz.Model", DiagnosticSeverity.Error,
        "Calibration data is never included automatically; list it as an MzCalibration item.");

    public static readonly DiagnosticDescriptor CalibrationInvalid = Rule(CalibrationInvalidId,
        "Calibration data cannot be used",
        "The calibration data '{0}' cannot be used: {1}",
        "Mz.Model", DiagnosticSeverity.Error,
        "Calibration rows must be finite, as wide as the network's input, and numerous enough for the analysis.");

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

    public static readonly DiagnosticDescriptor DeclaredLayerMismatch = Rule(DeclaredLayerMismatchId,
        "Declared layer does not match the weights",
        "The network '{0}' does not match its weights file: {1}",
        "Mz.Network", DiagnosticSeverity.Error,
        "A layer attribute names a tensor that is missing or whose shape disagrees with the layer's inputs and units.");
    public static readonly DiagnosticDescriptor TrainingMode = Rule(TrainingModeId,
        "Training-mode operator",
        "The model '{0}' cannot be compiled: {1}",
        "Mz.Network", DiagnosticSeverity.Error,
        "Mz compiles inference graphs: BatchNormalization with training_mode=1 (or is_test=0, or its running-statistics outputs) and Dropout in training mode are rejected; export the model in evaluation mode.");

    public static readonly DiagnosticDescriptor NoiseLayerCountMismatch = Rule(NoiseLayerCountMismatchId,
        "Noise levels do not match the hidden layers",
        "'{0}' declares {1} noise levels (NoisePerLayer) but the network has {2} hidden layers: {3}",
        "Mz.Network", DiagnosticSeverity.Error,
        "NoisePerLayer needs one σ per hidden layer or residual block, in order; the readout gets no noise. Predict is still generated; the noisy members are not.");

    public static readonly DiagnosticDescriptor NoisyNetworkUnsupported = Rule(NoisyNetworkUnsupportedId,
        "Network cannot run as a noisy network",
        "'{0}' cannot run as a noisy network: {1}",
        "Mz.Network", DiagnosticSeverity.Error,
        "Noise needs a feed-forward stack of dense or residual layers (Gemm/MatMul + bias, ReLU/tanh/sigmoid/exact GELU or none, optional scalar step and residual Add) ending in an affine readout with an optional activation. Predict is still generated; the noisy members are not.");

    public static readonly DiagnosticDescriptor InterpreterFallback = Rule(InterpreterFallbackId,
        "Node runs through the runtime interpreter",
        "Node '{0}' ({1}) of '{2}' has no specialised kernel and runs through the runtime interpreter (slower, allocates)",
        "Mz.CodeGen", DiagnosticSeverity.Info,
        "Ops without a specialised kernel are evaluated by the runtime's reference interpreter so that the model still compiles.");

    public static readonly DiagnosticDescriptor AnalysisSummary = Rule(AnalysisSummaryId,
        "MZ memory analysis",
        "'{0}': {1} layer maps, memory decays at a median rate of {2} per lag; recommended memory length {3}; median noise ratio {4} ({5} calibration rows){6}",
        "Mz.Reduction", DiagnosticSeverity.Info,
        "The Mori–Zwanzig analysis of the network on its calibration data; the full table is the generated Analysis property.");

    public static readonly DiagnosticDescriptor AnalysisWarning = Rule(AnalysisWarningId,
        "MZ analysis warning",
        "'{0}': {1}",
        "Mz.Reduction", DiagnosticSeverity.Warning,
        "The analysis could run, but its figures are unreliable for the reason given (for example too few calibration rows for the analysis' ranks and memory lag).");

    public static readonly DiagnosticDescriptor AnalysisUnavailable = Rule(AnalysisUnavailableId,
        "MZ analysis not available",
        "'{0}' was compiled without the MZ analysis: {1}",
        "Mz.Reduction", DiagnosticSeverity.Info,
        "The analysis covers MLPs and residual MLPs; other graphs compile normally without it.");

    public static readonly DiagnosticDescriptor ReductionChosen = Rule(ReductionChosenId,
        "MZ-reduced network generated",
        "'{0}': PredictReduced costs {1} instead of {2} multiply-adds per row ({3}× fewer): r = {4}, K = {5}, {6} stages with J = {7} hidden units; relative error {8}, within the gate {9}{10}",
        "Mz.Reduction", DiagnosticSeverity.Info,
        "[MzReduce] found a reduced network whose error on the held-out validation rows and on the rows it was fitted on meets the tolerance; the generated Reduction property has the details.");

    public static readonly DiagnosticDescriptor ReductionNotMet = Rule(ReductionNotMetId,
        "No reduced network meets the tolerance",
        "'{0}': no reduced network met the gate {1} on the validation and fit rows (best relative error {2} over {3} models); PredictReduced runs the full network",
        "Mz.Reduction", DiagnosticSeverity.Warning,
        "The reduction search never ships a model over tolerance: PredictReduced falls back to the full network. Raise the tolerance, allow more memory or give more calibration rows.");

    public static readonly DiagnosticDescriptor ReductionUnavailable = Rule(ReductionUnavailableId,
        "Network cannot be reduced",
        "'{0}' cannot be reduced: {1}; PredictReduced runs the full network",
        "Mz.Reduction", DiagnosticSeverity.Warning,
        "The MZ reduction covers single-input MLPs and residual MLPs with enough calibration rows; other networks keep PredictReduced as the full network.");

    public static readonly DiagnosticDescriptor ReductionSampleLimited = Rule(ReductionSampleLimitedId,
        "Reduced network is fitted on few rows",
        "'{0}': {1}",
        "Mz.Reduction", DiagnosticSeverity.Warning,
        "The sample-size guard of the reduction (at least ten calibration rows per fitted regressor): the shipped model met the tolerance on held-out rows, but more calibration rows would make its fit safer.");

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
        ClassNotStaticId => ClassNotStatic,
        SpanLengthMismatchId => SpanLengthMismatch,
        InvalidNoiseId => InvalidNoise,
        MissingNetworkAttributeId => MissingNetworkAttribute,
        GeneratedNameClashId => GeneratedNameClash,
        ModelFileMissingId => ModelFileMissing,
        ModelMalformedId => ModelMalformed,
        OpsetUnsupportedId => OpsetUnsupported,
        SidecarInvalidId => SidecarInvalid,
        CalibrationFileMissingId => CalibrationFileMissing,
        CalibrationInvalidId => CalibrationInvalid,
        UnsupportedOpId => UnsupportedOp,
        InvalidGraphId => InvalidGraph,
        UnsupportedTypeId => UnsupportedType,
        FixedBatchId => FixedBatch,
        DeclaredLayerMismatchId => DeclaredLayerMismatch,
        TrainingModeId => TrainingMode,
        NoiseLayerCountMismatchId => NoiseLayerCountMismatch,
        NoisyNetworkUnsupportedId => NoisyNetworkUnsupported,
        InterpreterFallbackId => InterpreterFallback,
        AnalysisSummaryId => AnalysisSummary,
        AnalysisWarningId => AnalysisWarning,
        AnalysisUnavailableId => AnalysisUnavailable,
        ReductionChosenId => ReductionChosen,
        ReductionNotMetId => ReductionNotMet,
        ReductionUnavailableId => ReductionUnavailable,
        ReductionSampleLimitedId => ReductionSampleLimited,
        InternalErrorId => InternalError,
        _ => null,
    };
}
